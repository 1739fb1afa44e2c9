// What a CDP pause is, from facts gathered about it and the controller's run state: the controller acts on the kind
// (CDP calls, conditions, stops). Runs in the debug adapter process; pure.
import type { StopInfo } from './controllerTypes';
import type { PausedEvent } from './cdpTypes';
import { pendingOf, phaseOf, runToOf, type EntryStops, type RunState } from './runState';

/** What the controller knows about one pause (B: a user breakpoint). */
export interface PauseFacts<B> {
  reason: string;
  data: PausedEvent['data'];
  /** The CDP breakpoints hit. */
  hits: string[];
  /** The top frame's script URL and line; undefined for an empty stack. */
  top: { url: string; line0: number } | undefined;
  /** A recorded workflow is replayed (the replay channel is there). */
  replay: boolean;
  /** The top frame is in the replay hook's pause script... */
  inPauseScript: boolean;
  /** ...at its `debugger` statement (a hook stop, not a step passing through). */
  atHookBreak: boolean;
  /** The type of the replay event the hook was last called with. */
  hookEvent: string | undefined;
  /** The top frame is the runtime's or the hook's (never shown). */
  topHidden: boolean;
  /** The top frame is hidden or in skipFiles. */
  topSkipped: boolean;
  /** The top frame is the program's file. */
  atProgram: boolean;
  /** A breakpoint that pauses a module before it runs was hit (the program's first line, a tsx-compiled file's 0:0). */
  entryBreakpointHit: boolean;
  /** The user breakpoints the hits belong to. */
  userHits: B[];
  /** After `scriptEntry`: the user breakpoints bound at the pause location once the script's map is loaded. */
  boundHere?: B[];
  /** Time travel: the stop to show if this pause is the pass the re-run is going to. */
  travelTarget: StopInfo | undefined;
  /** The replayed workflow's name. */
  workflowName: string;
}

export type ResumeWhy = 'hidden script' | 'nothing bound here' | 'running to an operation';

export type PauseKind<B> =
  /** Time travel's re-run reached the pass it was going to (reverse continue, run back to an operation): stop. */
  | { kind: 'travelTarget'; stop: StopInfo }
  /** A step from the hook's stop (or into a durable call) passing through the pause script: step out, to user code. */
  | { kind: 'pauseScriptPassage' }
  /** The hook stopped before the workflow function runs (stopOnEntry in a replay): break at its first line, run on. */
  | { kind: 'workflowStart' }
  /** The one-shot breakpoint at the workflow function's first line: remove it, then stop (undefined: resume). */
  | { kind: 'workflowEntry'; breakpointId: string; stop: StopInfo | undefined }
  /** The hook stopped at a recorded operation, a divergence or the recording's end: the replay channel decides. */
  | { kind: 'hookStop'; passBreakpoints: boolean }
  /** A script is about to run (or a module's first line): bind its breakpoints, then classify again with `boundHere`. */
  | { kind: 'scriptEntry'; script: { scriptId: string; url: string; sourceMapURL: string | undefined } | undefined }
  /** Plain Node stopOnEntry: the program's first line. */
  | { kind: 'programEntry'; stop: StopInfo }
  /** Line breakpoints or logpoints: count the hits, write the logpoints; stop at those that stop, else `otherwise`. */
  | { kind: 'breakpoints'; hits: B[]; otherwise: 'step' | 'resume' }
  | { kind: 'exception'; stop: StopInfo }
  /** A step into a durable call through the runtime and Node internals: step out, back to user code. */
  | { kind: 'skippedStep' }
  /** A step ended, a pause request was taken, or a `debugger` statement ran. */
  | { kind: 'step' | 'pauseRequest' | 'debuggerStatement'; stop: StopInfo }
  /** Nothing to show here: resume silently. */
  | { kind: 'resume'; why: ResumeWhy };

/** A step passes through skipped code at most this many times before it stops wherever it is. */
export const MAX_STEP_OUTS = 20;

/** Classifies one pause. Called again with `boundHere` after `scriptEntry`; the answer depends on nothing else. */
export function classifyPause<B>(f: PauseFacts<B>, state: RunState, entry: EntryStops): PauseKind<B> {
  const runTo = runToOf(state);
  const pending = pendingOf(state);
  if (f.travelTarget) return { kind: 'travelTarget', stop: f.travelTarget };
  if (f.replay && f.inPauseScript && f.top && !f.atHookBreak) return { kind: 'pauseScriptPassage' };
  if (f.replay && f.inPauseScript && f.hookEvent === 'start') {
    return runTo !== undefined ? { kind: 'resume', why: 'running to an operation' } : { kind: 'workflowStart' };
  }
  if (entry.workflowBreakpoint !== undefined && f.hits.includes(entry.workflowBreakpoint)) {
    return {
      kind: 'workflowEntry',
      breakpointId: entry.workflowBreakpoint,
      stop:
        runTo !== undefined
          ? undefined
          : {
              reason: 'entry',
              description: `Paused on entry to workflow ${f.workflowName}`.trimEnd(),
              breakpointIds: [],
            },
    };
  }
  if (f.replay && f.inPauseScript) return { kind: 'hookStop', passBreakpoints: runTo !== undefined };
  if (f.topHidden && f.reason === 'instrumentation') return { kind: 'resume', why: 'hidden script' };
  const exception = f.reason === 'exception' || f.reason === 'promiseRejection';
  let userHits = f.userHits;
  if (f.reason === 'instrumentation' || f.reason === 'Break on start' || f.entryBreakpointHit) {
    if (!f.boundHere) {
      const d = f.data;
      const script =
        f.reason === 'instrumentation' && typeof d?.scriptId === 'string'
          ? { scriptId: d.scriptId, url: String(d.url ?? ''), sourceMapURL: d.sourceMapURL as string | undefined }
          : undefined;
      return { kind: 'scriptEntry', script };
    }
    if (entry.program && f.top?.url && f.atProgram)
      return { kind: 'programEntry', stop: { reason: 'entry', description: 'Paused on entry', breakpointIds: [] } };
    if (f.top) userHits = [...new Set([...userHits, ...f.boundHere])];
    if (userHits.length === 0) return { kind: 'resume', why: 'nothing bound here' };
  }
  // Running to a recorded operation passes breakpoints on the way.
  if (runTo !== undefined && !exception) return { kind: 'resume', why: 'running to an operation' };
  if (userHits.length > 0)
    return { kind: 'breakpoints', hits: userHits, otherwise: pending === 'step' ? 'step' : 'resume' };
  if (exception) return { kind: 'exception', stop: exceptionStop(f.data) };
  const phase = phaseOf(state);
  if (pending === 'step' && f.top && f.topSkipped && phase?.kind === 'running' && phase.stepOuts < MAX_STEP_OUTS)
    return { kind: 'skippedStep' };
  if (pending === 'step') return { kind: 'step', stop: { reason: 'step', breakpointIds: [] } };
  if (pending === 'pause')
    return { kind: 'pauseRequest', stop: { reason: 'pause', description: 'Paused', breakpointIds: [] } };
  return {
    kind: 'debuggerStatement',
    stop: { reason: 'breakpoint', description: 'Paused on debugger statement', breakpointIds: [] },
  };
}

function exceptionStop(data: PausedEvent['data']): StopInfo {
  const ex = data as (PausedEvent['data'] & { uncaught?: boolean }) | undefined;
  const text = ex?.description ?? (ex?.value !== undefined ? String(ex.value) : 'exception');
  const uncaught = ex?.uncaught === true;
  return {
    reason: 'exception',
    description: `Paused on ${uncaught ? 'uncaught ' : ''}exception: ${text.split('\n')[0]}`,
    text,
    breakpointIds: [],
  };
}

/** After `breakpoints`: the stop, given the breakpoints among the hits that stop (not logpoints, hit count met). */
export function breakpointsStop(otherwise: 'step' | 'resume', stopping: number[]): StopInfo | undefined {
  if (stopping.length > 0)
    return { reason: 'breakpoint', description: 'Paused on breakpoint', breakpointIds: stopping };
  // A step that lands on a logpoint or an unmet hit count still ends as a step.
  return otherwise === 'step' ? { reason: 'step', breakpointIds: [] } : undefined;
}

/** What the replay channel said of a hook stop (see DbosChannel.stopFor). */
export interface ChannelStop {
  reason: StopInfo['reason'];
  description: string;
  text?: string;
  breakpointIds: number[];
  /** The operation run to is reached. */
  runTo?: boolean;
}

/** After `hookStop`: resume (undefined), or the stop and whether it ends the run to an operation. */
export function hookStopOutcome(
  stop: ChannelStop | undefined,
  runTo: number | undefined,
): { stop: StopInfo; endsRunTo: boolean } | undefined {
  if (!stop || (runTo !== undefined && !stop.runTo && stop.reason === 'function breakpoint')) return undefined;
  return {
    stop: { reason: stop.reason, description: stop.description, text: stop.text, breakpointIds: stop.breakpointIds },
    endsRunTo: !!stop.runTo || runTo !== undefined,
  };
}
