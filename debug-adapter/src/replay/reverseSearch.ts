// Reverse continue's choice: from a trace of every breakpoint pass and recorded operation up to the current stop, the
// latest earlier point where the user's breakpoints (as they are now) stop, or an earlier exception stop.
// Runs in the debug adapter process; pure.
import type { StopRecord, TargetStop } from './timeTravel';
import type { GateTarget, TraceEntry } from './travelGate';

type OperationEntry = Extract<TraceEntry, { kind: 'op' }>;

export interface ReverseSearch {
  /** Passes and operations of the run up to the current stop, in order (seq). */
  trace: TraceEntry[];
  /** The clock (the trace's seq) at each stop of that run; the last is the current stop. */
  seqs: number[];
  /** The stops of the run (reasons), the current one last. */
  history: readonly StopRecord[];
  /** The current stop is the replay hook's, at a recorded operation. */
  pausedAtOperation: boolean;
  /** Whether line breakpoint `id` is bound at the current pause location. */
  boundHere(id: number): boolean;
  /** Whether line breakpoint `id`, as the user has it now, stops at its n-th pass (false for replaced ones, logpoints). */
  stopsAtPass(id: number, n: number): boolean;
  /** The recorded operations (seq) the user's function breakpoints stop at now, with their ids. */
  functionStops(ops: OperationEntry[]): Map<number, number[]>;
}

/** A stop of the history, or a pass inside segment `segment` (between stop segment-1 and stop segment). */
export type ReverseChoice =
  { kind: 'stop'; index: number } | { kind: 'pass'; segment: number; ending: { gate: GateTarget; stop: TargetStop } };

export function latestEarlierStop(input: ReverseSearch): ReverseChoice {
  const { trace, seqs, history } = input;
  const here = seqs.length - 1;
  // Passes made by the pause the user is at now are not before it: the last entries, one per breakpoint bound here
  // (a repeated id is an earlier pass, of a loop), or the operation the hook stopped at.
  let boundary = seqs[here] + 1;
  const seen = new Set<number>();
  for (let i = trace.length - 1; i >= 0 && trace[i].seq === boundary - 1; i--) {
    const t = trace[i];
    // The hook stops right after the operation it reports: only the very last entry can be it.
    const atHere =
      t.kind === 'op' ? input.pausedAtOperation && i === trace.length - 1 : !seen.has(t.id) && input.boundHere(t.id);
    if (!atHere) break;
    if (t.kind === 'bp') seen.add(t.id);
    boundary = t.seq;
  }
  // Recorded exception stops (and the entry stop) sit just after the passes up to their clock; else the first stop.
  let best: { key: number; pick: ReverseChoice } = { key: -1, pick: { kind: 'stop', index: 0 } };
  for (let j = 0; j < here; j++) {
    if (history[j].reason === 'exception' || history[j].reason === 'entry')
      best = { key: seqs[j] + 0.5, pick: { kind: 'stop', index: j } };
  }
  const segmentOf = (seq: number) => seqs.findIndex((s) => s >= seq);
  const functionStops = input.functionStops(
    trace.filter((t): t is OperationEntry => t.kind === 'op' && t.seq < boundary),
  );
  for (const t of trace) {
    if (t.seq >= boundary || t.seq <= best.key) continue;
    if (t.kind === 'bp') {
      if (!input.stopsAtPass(t.id, t.n)) continue;
      best = {
        key: t.seq,
        pick: {
          kind: 'pass',
          segment: segmentOf(t.seq),
          ending: {
            gate: { bp: t.id, n: t.n },
            stop: { reason: 'breakpoint', description: 'Paused on breakpoint', breakpointIds: [t.id] },
          },
        },
      };
    } else {
      const ids = functionStops.get(t.seq);
      if (!ids) continue;
      best = {
        key: t.seq,
        pick: {
          kind: 'pass',
          segment: segmentOf(t.seq),
          ending: {
            gate: { op: t.ops },
            stop: {
              reason: 'function breakpoint',
              description: `Paused before recorded operation #${t.functionId} ${t.name}`,
              breakpointIds: ids,
            },
          },
        },
      };
    }
  }
  return best.pick;
}
