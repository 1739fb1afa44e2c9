// The debuggee half of time travel: every user breakpoint of a replay is bound with a condition that calls gateHit,
// which decides whether it stops (only the breakpoints the user had when that part of the run first executed), counts
// each breakpoint's passes and the replay's events (a clock that is the same in every re-run, since a replay is
// deterministic), records them while tracing, and marks the one chosen pass or event as reached.
// Runs in the user's program (bundled in the runtime); the adapter writes the gate's settings as plain data.
import type { GateData } from '../../../protocol/debuggeeProtocol.js';
import type { ReplayEvent } from '../../../protocol/replayProtocol.js';
import { hasRecordedError, passIsTarget } from './pausePolicy.js';

/**
 * A pass of gated breakpoint `id`: a throwing or false condition is no pass (like V8's own conditions). Stops if it
 * is the target's pass, else if the breakpoint is active.
 */
export function gateHit(gate: GateData, id: number, cond: (() => unknown) | null): boolean {
  if (cond) {
    try {
      if (!cond()) return false;
    } catch {
      return false;
    }
  }
  const n = (gate.counts[id] = (gate.counts[id] || 0) + 1);
  const seq = ++gate.seq;
  if (gate.trace) gate.trace.push({ kind: 'bp', seq, id, n });
  if (passIsTarget(gate.target, id, n)) {
    gate.reached = true;
    return true;
  }
  return gate.active === null || gate.active.includes(id);
}

/** A replay event on the clock (recorded while tracing, if an operation); returns how many events there were. */
export function gateEvent(gate: GateData, event: ReplayEvent): number {
  const ops = ++gate.ops;
  const seq = ++gate.seq;
  if (gate.trace && event.type === 'operation') {
    gate.trace.push({
      kind: 'op',
      seq,
      ops,
      name: event.name,
      functionId: event.functionId,
      error: hasRecordedError(event),
    });
  }
  return ops;
}
