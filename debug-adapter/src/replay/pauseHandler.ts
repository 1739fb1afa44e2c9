// Handles one CDP pause for the controller: gathers its facts, classifies it (pauseClassifier.ts) and does the inspector
// work its kind needs (bind a script's breakpoints, the workflow entry breakpoint, logpoints, function breakpoint
// conditions), then says what comes next: a stop, a resume or a step out. Runs in the debug adapter process.
import { log } from '../logger';
import type { BreakpointManager, UserBreakpoint } from './breakpoints';
import type { CdpClient } from './cdpClient';
import type { CallFrame, Location, PausedEvent } from './cdpTypes';
import type { StopInfo } from './controllerTypes';
import { durableCallMessage, type DbosChannel } from './dbosChannel';
import { conditionHolds, logpointText } from './frameInspector';
import { breakpointsStop, classifyPause, hookStopOutcome, type PauseFacts, type PauseKind } from './pauseClassifier';
import { describeState, runToOf, type EntryStops, type RunState } from './runState';
import type { TravelAction } from './timeTravel';
import type { SkipFiles } from './skipFiles';
import { urlToPath, type SourceMapStore } from './sourceMaps';
import type { TravelDriver } from './travelDriver';

/** What a pause is handled with: the controller's parts, and its state as it is now. */
export interface PauseScene {
  cdp: CdpClient;
  dbos: DbosChannel | undefined;
  breakpoints: BreakpointManager;
  sourceMaps: SourceMapStore;
  skipFiles: SkipFiles;
  travel: TravelDriver;
  /** The program file: plain Node's stopOnEntry stops at its first line. */
  program: string | undefined;
  /** The run state and the entry stops due, read again after each wait (a request may change them meanwhile). */
  now(): { state: RunState; entry: EntryStops };
}

export interface PauseOutcome {
  next:
    /** Show this stop; `endsRunTo`: the run to an operation is over. */
    | { kind: 'stop'; stop: StopInfo; endsRunTo: boolean }
    | { kind: 'resume' }
    /** Step out, of the pause script or (`ofSkipped`, counted) of skipped code. */
    | { kind: 'stepOut'; ofSkipped: boolean };
  /** Logpoint lines, to write before whatever comes next. */
  output: string[];
  /** stopOnEntry's one-shot stops this pause changed. */
  entry?: Partial<EntryStops>;
}

export function urlOfFrame(frame: CallFrame, sourceMaps: SourceMapStore): string {
  return frame.url || sourceMaps.urlOf(frame.location.scriptId) || '';
}

export async function handlePause(e: PausedEvent, scene: PauseScene): Promise<PauseOutcome> {
  const facts = await pauseFacts(e, scene);
  let now = scene.now();
  let kind = classifyPause(facts, now.state, now.entry);
  log(
    'replay',
    `paused: ${e.reason} hits=${facts.hits.length} at ${facts.top?.url}:${facts.top?.line0} (${describeState(now.state)}): ${kind.kind}`,
  );
  if (kind.kind === 'scriptEntry') {
    // A script is about to run: make sure its source map is loaded and its breakpoints are bound first.
    if (kind.script) {
      const map = await scene.sourceMaps.loadForScript(kind.script.scriptId, kind.script.url, kind.script.sourceMapURL);
      if (map) await scene.breakpoints.addSourceMap(map);
    }
    await scene.sourceMaps.settled();
    await scene.breakpoints.settled();
    const top = e.callFrames[0];
    now = scene.now();
    kind = classifyPause(
      { ...facts, boundHere: top ? scene.breakpoints.userBreakpointsAt(top.location) : [] },
      now.state,
      now.entry,
    );
  }
  return actOn(kind, e, scene);
}

/** What is known of a pause before deciding anything (see classifyPause). */
async function pauseFacts(e: PausedEvent, scene: PauseScene): Promise<PauseFacts<UserBreakpoint>> {
  const { dbos, breakpoints, program } = scene;
  const travelTarget = scene.now().state.kind === 'travelling' ? await scene.travel.endingAt(scene.cdp) : undefined;
  const hits = e.hitBreakpoints ?? [];
  const top = e.callFrames[0];
  const url = top ? urlOfFrame(top, scene.sourceMaps) : '';
  return {
    reason: e.reason,
    data: e.data,
    hits,
    top: top && { url, line0: top.location.lineNumber },
    replay: !!dbos,
    inPauseScript: !!dbos?.isPauseScript(url),
    atHookBreak: !!top && !!dbos?.isHookBreak(top.location.lineNumber),
    hookEvent: dbos?.lastEvent?.type,
    topHidden: !!dbos?.isHiddenUrl(url),
    topSkipped: !!dbos?.isHiddenUrl(url) || scene.skipFiles.matches(url),
    atProgram: !!program && !!url && urlToPath(url) === program,
    entryBreakpointHit: hits.some(
      (id) => id === scene.now().entry.programBreakpoint || breakpoints.isEntryBreakpoint(id),
    ),
    userHits: breakpoints.userBreakpointsFor(hits),
    travelTarget,
    workflowName: dbos?.plan.workflowName ?? '',
  };
}

const stop = (info: StopInfo, endsRunTo = false): PauseOutcome['next'] => ({ kind: 'stop', stop: info, endsRunTo });
const RESUME: PauseOutcome['next'] = { kind: 'resume' };

async function actOn(kind: PauseKind<UserBreakpoint>, e: PausedEvent, scene: PauseScene): Promise<PauseOutcome> {
  const { cdp, dbos } = scene;
  switch (kind.kind) {
    case 'travelTarget':
      // The pass reverse continue (or run back to an operation) chose: whatever else this part's action would do, the re-run ends here.
      await dbos?.setRunTo(null);
      return { next: stop(kind.stop, true), output: [] };
    case 'pauseScriptPassage':
      // A step from the hook's stop (or into a durable call) passing through the pause script: on out, to the user's code.
      return { next: { kind: 'stepOut', ofSkipped: false }, output: [] };
    case 'workflowStart':
      return workflowStart(scene);
    case 'workflowEntry':
      await cdp.send('Debugger.removeBreakpoint', { breakpointId: kind.breakpointId }).catch(() => undefined);
      return { next: kind.stop ? stop(kind.stop) : RESUME, output: [], entry: { workflowBreakpoint: undefined } };
    case 'hookStop': {
      // The runtime's hook stopped inside a durable call: the user's call site is the first shown frame.
      // A function breakpoint's condition runs in the user's frame that made the durable call.
      const channel = dbos!;
      const callSite = e.callFrames.find((f) => !channel.isHiddenUrl(urlOfFrame(f, scene.sourceMaps)));
      const said = await channel.stopFor(
        channel.lastEvent,
        (condition) => conditionHolds(cdp, callSite, condition),
        kind.passBreakpoints,
      );
      const outcome = hookStopOutcome(said, runToOf(scene.now().state));
      if (!outcome) return { next: RESUME, output: [] };
      if (outcome.endsRunTo) void channel.setRunTo(null);
      return { next: stop(outcome.stop, outcome.endsRunTo), output: [] };
    }
    case 'scriptEntry':
      throw new Error('a script entry pause was classified before its script was bound');
    case 'programEntry':
      return { next: stop(kind.stop), output: [], entry: { program: false } };
    case 'breakpoints': {
      const stopping: number[] = [];
      const output: string[] = [];
      for (const bp of kind.hits) {
        if (!scene.breakpoints.countHit(bp)) continue;
        if (bp.spec.logMessage === undefined) {
          stopping.push(bp.id);
          continue;
        }
        const text = await logpointText(cdp, e.callFrames[0], bp.spec.logMessage);
        if (text !== undefined) output.push(text);
      }
      const info = breakpointsStop(kind.otherwise, stopping);
      return { next: info ? stop(info) : RESUME, output };
    }
    case 'skippedStep':
      // A step into a durable call goes through the runtime and Node internals: step on out of them, back to user code.
      return { next: { kind: 'stepOut', ofSkipped: true }, output: [] };
    case 'resume':
      return { next: RESUME, output: [] };
    case 'exception':
    case 'step':
    case 'pauseRequest':
    case 'debuggerStatement':
      return { next: stop(kind.stop), output: [] };
  }
}

/**
 * stopOnEntry in a replay: the hook paused just before the runtime invokes the workflow function. Put a one-shot
 * breakpoint at the function's first line and run on to it (so the stop is in the user's code, mapped like any other).
 */
async function workflowStart({ cdp, dbos }: PauseScene): Promise<PauseOutcome> {
  let location: Location | undefined;
  try {
    location = await dbos?.workflowEntryLocation();
  } catch (err) {
    log('replay', `cannot locate the workflow function: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (location) {
    const r = await cdp.send('Debugger.setBreakpoint', { location }).catch((err: unknown) => {
      log('replay', `cannot set the entry breakpoint: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (r) return { next: RESUME, output: [], entry: { workflowBreakpoint: r.breakpointId } };
  }
  // Not locatable (e.g. a native or bound function): stop where the runtime is about to call it.
  return {
    next: stop({
      reason: 'entry',
      description: `Paused before workflow ${dbos?.plan.workflowName ?? ''} starts`,
      breakpointIds: [],
    }),
    output: [],
  };
}

/**
 * A step over (or into) durable calls says what they returned from the recording (their bodies never run): the lines
 * to write before the step's stop, or undefined when it passed none.
 */
export function durableCallLines(dbos: DbosChannel, action: TravelAction): Promise<string[]> | undefined {
  const ops = action === 'next' || action === 'stepIn' ? [...dbos.consumedSinceResume] : [];
  if (ops.length === 0) return undefined;
  // They ask the debuggee how the revived values differ.
  return dbos
    .revivalNotes(ops.map((o) => o.functionId))
    .catch(() => new Map<number, string>())
    .then((notes) => ops.map((op) => durableCallMessage(op, action === 'stepIn', notes.get(op.functionId))));
}
