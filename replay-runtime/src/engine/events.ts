// The channel to the debug adapter: sends each replay event to the adapter's CDP binding (BINDING_NAME, added with
// Runtime.addBinding) and pauses where the runtime's pause policy says; the replay state's shapes, which the runtime
// exposes as `globalThis[RUNTIME_GLOBAL].state`. Runs in the user's program.
import { BINDING_NAME } from '../../../protocol/debuggeeProtocol.js';
import type { DivergenceEvent, ErrorSummary, ReplayEvent } from '../../../protocol/replayProtocol.js';
import { pauseIfWanted } from '../debuggee/pauseHook.js';

type Binding = (payload: string) => void;
type Global = typeof globalThis & { [BINDING_NAME]?: Binding };

export function hasListener(): boolean {
  return typeof (globalThis as Global)[BINDING_NAME] === 'function';
}

/** `subject` is a live value the adapter may inspect while paused (the workflow function for `start`). */
export function emit(event: ReplayEvent, subject?: unknown): void {
  const b = (globalThis as Global)[BINDING_NAME];
  if (typeof b !== 'function') return;
  try {
    b(JSON.stringify(event));
    pauseIfWanted(event, subject);
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
