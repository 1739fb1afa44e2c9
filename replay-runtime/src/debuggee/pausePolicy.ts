// Whether a replay event stops the program, and why: the one decision, made by the runtime for every event it emits
// (before it calls the adapter's pause function) and by the debug adapter when it explains a stop or searches a trace.
// Pure. Runs in the user's program (bundled in the runtime) and in the debug adapter process.
import type { GateTarget, OperationMatch, PauseConfig } from '../../../protocol/debuggeeProtocol.js';
import type { OperationEvent, ReplayEvent } from '../../../protocol/replayProtocol.js';

/** One configured stop an event matches. */
export type PauseReason =
  | { kind: 'functionBreakpoint'; id: number }
  | { kind: 'recordedStepError' }
  | { kind: 'runTo' }
  | { kind: 'divergence' }
  | { kind: 'recordingEnd' }
  | { kind: 'entry' }
  /** The sideEffect filter: I/O outside a step. */
  | { kind: 'sideEffect' }
  /** The time travel re-run's target (see the gate). */
  | { kind: 'gateTarget' };

/** The fields of an operation a function breakpoint looks at. */
export type MatchedOperation = Pick<OperationEvent, 'name' | 'functionId' | 'errorSummary'>;

/** Whether an operation's recorded outcome is an error. */
export function hasRecordedError(op: MatchedOperation): boolean {
  return op.errorSummary !== null && op.errorSummary !== undefined;
}

export function operationMatches(match: OperationMatch, op: MatchedOperation): boolean {
  switch (match.kind) {
    case 'name':
      return match.name === op.name;
    case 'id':
      return match.functionId === op.functionId;
    default:
      return hasRecordedError(op);
  }
}

/** Whether the `ops`-th replay event is the gate's target (that event, or the operation it names). */
export function eventIsTarget(target: GateTarget | null, ops: number, event: ReplayEvent): boolean {
  if (!target) return false;
  if ('op' in target) return target.op === ops;
  return 'functionId' in target && event.type === 'operation' && target.functionId === event.functionId;
}

/** Whether the n-th pass of breakpoint `id` is the gate's target. */
export function passIsTarget(target: GateTarget | null, id: number, n: number): boolean {
  return !!target && 'bp' in target && target.bp === id && target.n === n;
}

/**
 * Every configured stop `event` matches, in this order: the gate's target (when `gate` is given: the runtime's
 * clock), then the function breakpoints in config order, runTo, the recordedStepError filter; or the divergence,
 * recording end, entry or side-effect stop. Empty: the event does not stop. A function breakpoint's condition and hit count are
 * not looked at here: the adapter tests them after the pause, in the user's call-site frame.
 */
export function pauseReasons(
  config: PauseConfig | null,
  event: ReplayEvent,
  gate?: { target: GateTarget | null; ops: number },
): PauseReason[] {
  const reasons: PauseReason[] = [];
  if (gate && eventIsTarget(gate.target, gate.ops, event)) reasons.push({ kind: 'gateTarget' });
  if (!config) return reasons;
  switch (event.type) {
    case 'operation':
      for (const b of config.functionBreakpoints) {
        if (operationMatches(b.match, event)) reasons.push({ kind: 'functionBreakpoint', id: b.id });
      }
      if (config.runTo === event.functionId) reasons.push({ kind: 'runTo' });
      if (config.recordedStepError && hasRecordedError(event)) reasons.push({ kind: 'recordedStepError' });
      break;
    case 'divergence':
      if (config.divergence) reasons.push({ kind: 'divergence' });
      break;
    case 'end':
      if (config.recordingEnd && event.verdict === 'incomplete') reasons.push({ kind: 'recordingEnd' });
      break;
    case 'start':
      if (config.entry) reasons.push({ kind: 'entry' });
      break;
    case 'sideEffect':
      if (config.sideEffect) reasons.push({ kind: 'sideEffect' });
      break;
  }
  return reasons;
}

/** The ids of the function breakpoints among `reasons`, in config order. */
export function functionBreakpointIds(reasons: PauseReason[]): number[] {
  return reasons.flatMap((r) => (r.kind === 'functionBreakpoint' ? [r.id] : []));
}
