// The channel to the debug adapter: calls `globalThis.__dbosReplayEvent(json)` when the adapter installed
// that binding (CDP Runtime.addBinding), and exposes the replay state as `globalThis.__dbosReplay.state`.
// Runs in the user's program.
import type { DivergenceEvent, ErrorSummary, ReplayEvent } from '../../../protocol/replayProtocol.js';

type Binding = (payload: string) => void;

export function hasListener(): boolean {
  return typeof (globalThis as { __dbosReplayEvent?: Binding }).__dbosReplayEvent === 'function';
}

/**
 * Installed by the debug adapter (Runtime.evaluate) to stop the program at an event: `wants` decides (from the
 * adapter's breakpoints and filters), `pause` runs a `debugger` statement outside this (blackboxed) bundle, so the
 * stop happens synchronously inside the user's durable call, with the user's call site on the stack.
 */
interface PauseHook {
  wants(event: ReplayEvent): boolean;
  pause(event: ReplayEvent, subject?: unknown): void;
}

/** `subject` is a live value the adapter may inspect while paused (the workflow function for `start`). */
export function emit(event: ReplayEvent, subject?: unknown): void {
  const g = globalThis as { __dbosReplayEvent?: Binding; __dbosReplayPause?: PauseHook };
  const b = g.__dbosReplayEvent;
  if (typeof b !== 'function') return;
  try {
    b(JSON.stringify(event));
    const hook = g.__dbosReplayPause;
    if (hook && hook.wants(event)) hook.pause(event, subject);
  } catch {
    // The adapter went away; the replay goes on.
  }
}

/** One consumed operation as the variables view shows it. */
export interface ConsumedOperation {
  functionId: number;
  name: string;
  /** The arguments the code passed (steps, transactions, child workflows), as live references. */
  args?: unknown[];
  output?: string | null;
  error?: ErrorSummary | string | null;
  /** The recorded output as the code received it (revived), once the call answered. */
  value?: unknown;
  /** The recorded error as thrown into the code (revived), once the call answered. */
  thrown?: unknown;
  childWorkflowId?: string | null;
}

/** What `globalThis.__dbosReplay.state` shows. */
export interface ReplayStateView {
  workflowId: string;
  workflowName: string;
  status: string;
  inputs: unknown[] | undefined;
  operations: ConsumedOperation[];
  /** The next recorded operation not consumed yet (lowest function_id), or null. */
  readonly nextRecorded: { functionId: number; name: string } | null;
  divergence: DivergenceEvent | null;
}
