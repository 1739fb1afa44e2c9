// The adapter's side of the time travel gate (the gate itself is the runtime's, replay-runtime/src/debuggee/gate.ts):
// binds each user breakpoint of a replay with a condition that calls the gate, and reads and writes the gate's plain
// data in the debuggee (which breakpoints stop, the target, the clock, the trace).
// Runs in the debug adapter process.
import {
  newDebuggeeShared,
  RUNTIME_GLOBAL,
  SHARED_GLOBAL,
  type GateData,
  type GateState,
  type GateTarget,
  type TraceEntry,
} from '../../../protocol/debuggeeProtocol';
import type { CdpClient } from './cdpClient';

export type { GateState, GateTarget, TraceEntry };

const SHARED = `globalThis.${SHARED_GLOBAL}`;

/**
 * The condition a gated breakpoint is bound with (V8 evaluates it in the paused frame): a pass of the runtime's gate,
 * the breakpoint's own condition (if any) running inside it; before the runtime has loaded, the own condition alone.
 */
export function gatedCondition(id: number, condition: string | undefined): string {
  const own = condition?.trim() ? `(${condition}\n)` : undefined;
  const runtime = `globalThis.${RUNTIME_GLOBAL}`;
  return `${runtime} ? ${runtime}.gateHit(${id}, ${own ? `() => ${own}` : 'null'}) : ${own ?? 'true'}`;
}

/** An expression that creates the shared state in the debuggee unless the runtime (or an earlier call) did. */
export function ensureSharedExpression(): string {
  return `void (${SHARED} ??= ${JSON.stringify(newDebuggeeShared())})`;
}

/** Before the program runs: the state the gate reads, so its settings can be written before the runtime loads. */
export async function installGate(cdp: CdpClient): Promise<void> {
  const r = await cdp.send('Runtime.evaluate', { expression: ensureSharedExpression(), silent: true });
  if (r.exceptionDetails) throw new Error(`time travel gate state failed: ${r.exceptionDetails.text}`);
}

async function run<T>(cdp: CdpClient, expression: string): Promise<T> {
  const r = await cdp.send('Runtime.evaluate', { expression, silent: true, returnByValue: true });
  if (r.exceptionDetails) throw new Error(`time travel gate: ${r.exceptionDetails.text}`);
  return r.result.value as T;
}

/** Writes fields of the gate's data; nothing when the debuggee has no shared state (plain Node). */
function write(cdp: CdpClient, fields: Partial<GateData>): Promise<void> {
  return run(cdp, `void (${SHARED} && Object.assign(${SHARED}.gate, ${JSON.stringify(fields)}))`);
}

/** Reads a field of the gate's data and, if `reset` is given, sets it to that. */
function take<K extends keyof GateData>(
  cdp: CdpClient,
  field: K,
  reset?: GateData[K],
): Promise<GateData[K] | undefined> {
  const read = `${SHARED} ? ${SHARED}.gate.${field} : undefined`;
  return run(
    cdp,
    reset === undefined
      ? `(${read})`
      : `(() => { const v = ${read}; if (${SHARED}) ${SHARED}.gate.${field} = ${JSON.stringify(reset)}; return v; })()`,
  );
}

/** Sets which breakpoints stop and where the run must stop; clears `reached`. */
export function setGate(cdp: CdpClient, state: GateState): Promise<void> {
  return write(cdp, { active: state.active, target: state.target, reached: false });
}

/** Starts recording breakpoint passes and operations (from the program's start, when called before it runs). */
export function startTrace(cdp: CdpClient): Promise<void> {
  return write(cdp, { trace: [] });
}

/** Whether the pause that just happened is the target's; clears the flag. */
export async function takeReached(cdp: CdpClient): Promise<boolean> {
  return !!(await take(cdp, 'reached', false));
}

/** The clock: how many passes and events the run has seen so far. */
export async function readSeq(cdp: CdpClient): Promise<number> {
  return (await take(cdp, 'seq')) ?? 0;
}

/** The recorded trace (and stops recording). */
export async function takeTrace(cdp: CdpClient): Promise<TraceEntry[]> {
  return (await take(cdp, 'trace', null)) ?? [];
}
