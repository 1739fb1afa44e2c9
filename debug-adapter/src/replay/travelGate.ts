// The debuggee half of time travel: every user breakpoint of a replay is bound with a condition that calls this gate,
// which decides whether it stops (only the breakpoints the user had when that part of the run first executed), counts
// each breakpoint's passes and the replay's events (a clock that is the same in every re-run, since a replay is
// deterministic), records them while tracing, and stops exactly at one chosen pass or event.
// Runs in the debug adapter process; the script it installs runs in the user's program.
import type { CdpClient } from './cdpClient';

export const GATE_SCRIPT_URL = 'dbos-replay-gate.js';

/**
 * Where a re-run must stop: the n-th pass of breakpoint `bp` (whose condition held), the `op`-th replay event, or the
 * recorded operation `functionId` (each is consumed once).
 */
export type GateTarget = { bp: number; n: number } | { op: number } | { functionId: number };

/** One entry of a trace: a breakpoint pass or a recorded operation, `seq` orders them. */
export type TraceEntry =
  | { kind: 'bp'; seq: number; id: number; n: number }
  | { kind: 'op'; seq: number; ops: number; name: string; functionId: number; error: boolean };

export interface GateState {
  /** User breakpoint ids that stop; null: every one. */
  active: number[] | null;
  target: GateTarget | null;
}

/**
 * Breakpoint conditions call `hit(id, cond)`: a throwing or false condition is no pass (like V8's own conditions).
 * `op(event)` is called by the pause policy for every replay event, before it decides anything else.
 */
const GATE_SCRIPT = `globalThis.__dbosReplayGate = {
  active: null, target: null, reached: false, counts: Object.create(null), ops: 0, seq: 0, trace: null,
  hit(id, cond) {
    if (cond) { try { if (!cond()) return false; } catch (e) { return false; } }
    const n = (this.counts[id] = (this.counts[id] || 0) + 1);
    const seq = ++this.seq;
    if (this.trace) this.trace.push({ kind: 'bp', seq, id, n });
    if (this.target && this.target.bp === id && this.target.n === n) { this.reached = true; return true; }
    return this.active === null || this.active.includes(id);
  },
  op(ev) {
    const ops = ++this.ops;
    const seq = ++this.seq;
    if (this.trace && ev.type === 'operation') {
      this.trace.push({ kind: 'op', seq, ops, name: ev.name, functionId: ev.functionId, error: ev.errorSummary != null });
    }
    if (this.target && (this.target.op === ops || (ev.type === 'operation' && this.target.functionId === ev.functionId))) {
      this.reached = true;
      return true;
    }
    return false;
  },
};
//# sourceURL=${GATE_SCRIPT_URL}`;

/** The condition a gated breakpoint is bound with: its own condition (if any) runs inside the gate, in the paused frame. */
export function gatedCondition(id: number, condition: string | undefined): string {
  const cond = condition?.trim() ? `() => (${condition}\n)` : 'null';
  return `globalThis.__dbosReplayGate ? globalThis.__dbosReplayGate.hit(${id}, ${cond}) : ${condition?.trim() ? `(${condition}\n)` : 'true'}`;
}

export async function installGate(cdp: CdpClient): Promise<void> {
  const r = await cdp.send('Runtime.evaluate', { expression: GATE_SCRIPT, silent: true });
  if (r.exceptionDetails) throw new Error(`time travel gate script failed: ${r.exceptionDetails.text}`);
}

async function run<T>(cdp: CdpClient, expression: string): Promise<T> {
  const r = await cdp.send('Runtime.evaluate', { expression, silent: true, returnByValue: true });
  if (r.exceptionDetails) throw new Error(`time travel gate: ${r.exceptionDetails.text}`);
  return r.result.value as T;
}

/** Sets which breakpoints stop and where the run must stop; clears `reached`. */
export function setGate(cdp: CdpClient, state: GateState): Promise<void> {
  return run(cdp, `(() => { const g = globalThis.__dbosReplayGate; if (!g) return;
  g.active = ${JSON.stringify(state.active)}; g.target = ${JSON.stringify(state.target)}; g.reached = false; })()`);
}

/** Starts recording breakpoint passes and operations (from the program's start, when called before it runs). */
export function startTrace(cdp: CdpClient): Promise<void> {
  return run(cdp, `(() => { const g = globalThis.__dbosReplayGate; if (g) g.trace = []; })()`);
}

/** Whether the pause that just happened is the target's; clears the flag. */
export function takeReached(cdp: CdpClient): Promise<boolean> {
  return run<boolean>(cdp, `(() => { const g = globalThis.__dbosReplayGate; const r = !!(g && g.reached); if (g) g.reached = false; return r; })()`);
}

/** The clock: how many passes and events the run has seen so far. */
export function readSeq(cdp: CdpClient): Promise<number> {
  return run<number>(cdp, `(globalThis.__dbosReplayGate ? globalThis.__dbosReplayGate.seq : 0)`);
}

/** The recorded trace (and stops recording). */
export async function takeTrace(cdp: CdpClient): Promise<TraceEntry[]> {
  return (await run<TraceEntry[] | null>(cdp, `(() => { const g = globalThis.__dbosReplayGate; const t = g && g.trace; if (g) g.trace = null; return t; })()`)) ?? [];
}
