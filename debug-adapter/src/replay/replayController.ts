// Owns one debuggee: its process, the inspector connection, source maps and breakpoints; turns CDP pauses into typed stops.
// Runs in the debug adapter process. Speaks 0-based positions and never sees a DAP type.
import { errors } from '../errors';
import type { ValidatedLaunchArguments } from '../launchArguments';
import { log } from '../logger';
import { BreakpointManager, type BreakpointSpec, type BreakpointState } from './breakpoints';
import type { CdpClient } from './cdpClient';
import type { CallFrame, PausedEvent } from './cdpTypes';
import { describeExit, exitMessage, type DebuggeeExit, type DebuggeeProcess } from './debuggeeProcess';
import { Emitter } from './emitter';
import { readyDebuggee, replayChannel } from './debuggeeSetup';
import type { DbosChannel, FunctionBreakpointSpec, FunctionBreakpointState } from './dbosChannel';
import { readVerdict, type LaunchPlan } from './launchPlan';
import { durableCallLines, handlePause, urlOfFrame } from './pauseHandler';
import { requestPause } from './pauseRequest';
import { setPauseOnExceptions } from './pauseOnExceptions';
import { NO_ENTRY_STOPS, running, runToOf, RunStateCell } from './runState';
import type { TravelAction } from './timeTravel';
import { TravelDriver, type InForce, type TravelContext } from './travelDriver';
import { setGate } from './travelGate';
import { evaluateIn, mapStack, scopesOf } from './frameInspector';
import { SkipFiles } from './skipFiles';
import type {
  ControllerState,
  EvaluateContext,
  ExceptionFilters,
  ExitInfo,
  OutputInfo,
  ScopeInfo,
  StackFrameInfo,
  StopInfo,
} from './controllerTypes';
import { StandbyDebuggee, startDebuggee, type WarmDebuggee } from './warmDebuggee';
import { SourceMapStore } from './sourceMaps';
import { listProperties, type RenderedProperty, type RenderedValue } from './valueRenderer';

export class ReplayController {
  private readonly stoppedEmitter = new Emitter<StopInfo>();
  private readonly outputEmitter = new Emitter<OutputInfo>();
  private readonly exitedEmitter = new Emitter<ExitInfo>();
  readonly onStopped = this.stoppedEmitter.event;
  readonly onOutput = this.outputEmitter.event;
  readonly onExited = this.exitedEmitter.event;
  readonly breakpoints = new BreakpointManager();
  /** A breakpoint became verified, moved or failed after it was set. */
  readonly onBreakpointChanged = this.breakpoints.onChanged;

  private readonly runState = new RunStateCell();
  private entryStops = NO_ENTRY_STOPS;
  private debuggee: DebuggeeProcess | undefined;
  private cdp: CdpClient | undefined;
  private sourceMaps = new SourceMapStore();
  private skipFiles = new SkipFiles([]);
  private args: ValidatedLaunchArguments | undefined;
  private exceptionFilters: ExceptionFilters = {
    uncaught: false,
    caught: false,
    divergence: true,
    recordedStepError: false,
    sideEffect: false,
  };
  private killedByUs = false;
  /** Debuggees ended by restart: their exit is not the session's end. */
  private readonly silenced = new WeakSet<DebuggeeProcess>();
  private plan: LaunchPlan | undefined;
  /** The replay channel while a recorded workflow is replayed (kept across restarts of the same plan). */
  private dbos: DbosChannel | undefined;
  private functionBreakpointSpecs: FunctionBreakpointSpec[] = [];
  private readonly standby = new StandbyDebuggee();
  /** Stops along this run, to travel back by re-executing (replay is deterministic). */
  private readonly travel = new TravelDriver(this.breakpoints);

  get state(): ControllerState {
    return this.runState.kind;
  }

  get pid(): number | undefined {
    return this.debuggee?.pid;
  }

  /** Starts the program paused before its first line, connects, and binds breakpoints; `run()` lets it go. */
  async launch(args: ValidatedLaunchArguments, plan: LaunchPlan): Promise<void> {
    if (this.runState.kind !== 'idle' && this.runState.kind !== 'exited') {
      throw errors.alreadyLaunched();
    }
    this.runState.launching(false);
    await this.start(args, plan, false);
  }

  /** A debuggee of `plan`, waiting for run(); `travelling`: a time travel re-run. */
  private async start(args: ValidatedLaunchArguments, plan: LaunchPlan, travelling: boolean): Promise<void> {
    this.args = args;
    this.killedByUs = false;
    this.skipFiles = new SkipFiles(args.skipFiles);
    this.entryStops = { ...NO_ENTRY_STOPS, program: args.stopOnEntry && !plan.replay };
    this.dbos = await replayChannel(this.dbos, plan, {
      filters: this.exceptionFilters,
      functionBreakpoints: this.functionBreakpointSpecs,
      trail: (line) => this.show({ category: 'console', text: `${line}\n` }),
      warn: (line) => this.show({ category: 'stderr', text: `${line}\n` }),
    });
    this.dbos?.setEntry(args.stopOnEntry);
    this.breakpoints.setGated(!!plan.replay);
    this.plan = plan;
    let started: WarmDebuggee;
    try {
      started = (await this.standby.take(args, plan)) ?? (await startDebuggee(args, plan));
    } catch (e) {
      this.runState.enter({ kind: 'exited' });
      throw e;
    }
    const debuggee = started.debuggee;
    this.debuggee = debuggee;
    this.runState.setPhase({ kind: 'launching', prerun: started.prerunPause });
    debuggee.onOutput((o) => {
      if (debuggee === this.debuggee) this.show(o);
    });
    debuggee.onExit((e) => this.onDebuggeeExit(debuggee, e));
    try {
      const cdp = started.cdp;
      this.cdp = cdp;
      this.wire(cdp);
      for (const [id, script] of started.scripts) this.onScriptParsed(id, script.url, script.sourceMapURL);
      const programBreakpoint = await readyDebuggee(cdp, {
        ...this.inForce(),
        args,
        skipFiles: this.skipFiles,
        breakpoints: this.breakpoints,
        sourceMaps: this.sourceMaps,
        travel: this.travel,
        programEntry: this.entryStops.program,
        reuseMaps: travelling,
      });
      this.entryStops = { ...this.entryStops, programBreakpoint };
    } catch (e) {
      debuggee.kill('SIGKILL');
      throw e;
    }
  }

  /** Output for the user; a quiet re-run shows none. */
  private show(output: OutputInfo): void {
    if (this.runState.kind !== 'travelling') this.outputEmitter.fire(output);
  }

  private inForce(): InForce {
    return { dbos: this.dbos, filters: this.exceptionFilters };
  }

  /** Time travel re-runs the program: keep the next debuggee started, connected, hooked and pre-run, waiting. */
  private prepareStandby(evenIfRunning = false): void {
    if (!this.args || !this.plan?.replay || (this.runState.kind !== 'paused' && !evenIfRunning)) return;
    this.standby.start(this.args, this.plan);
  }

  /** Lets the program run (after the client finished configuring breakpoints). */
  async run(): Promise<void> {
    this.runState.live(this.cdp);
    if (this.runState.kind !== 'launching') return;
    this.travel.reset('continue', this.inForce());
    await this.go('continue');
    // The first step back may come right after the first stop: have the next debuggee start now.
    this.prepareStandby(true);
  }

  /** Lets the launched debuggee go, starting with `initial` (continue, or run to an operation). */
  private async go(initial: TravelAction): Promise<void> {
    const cdp = this.runState.live(this.cdp);
    const launching = this.runState.phase;
    if (launching?.kind !== 'launching') return;
    if (typeof initial === 'object') await this.dbos?.setRunTo(initial.runTo);
    this.runState.setPhase(running(initial, undefined));
    // Handled as the program's first pause would be: bind what its maps say, then let it go.
    if (launching.prerun)
      await this.handlePause(cdp, { ...launching.prerun, reason: 'Break on start', hitBreakpoints: [] });
    else await cdp.send('Runtime.runIfWaitingForDebugger', {});
  }

  async setBreakpoints(sourcePath: string, specs: BreakpointSpec[]): Promise<BreakpointState[]> {
    const states = await this.breakpoints.setForSource(sourcePath, specs);
    // The gate stops only at the breakpoints the user has now (replaced ones stay bound for time travel); a re-run's
    // gate is the driver's.
    if (this.dbos && this.cdp && !this.cdp.isClosed && this.runState.kind !== 'travelling') {
      await setGate(this.cdp, { active: this.breakpoints.currentIds(), target: null }).catch(() => undefined);
    }
    return states;
  }

  async setExceptionFilters(filters: ExceptionFilters): Promise<void> {
    this.exceptionFilters = filters;
    await this.dbos?.setFilters(filters);
    if (this.cdp && !this.cdp.isClosed) await setPauseOnExceptions(this.runState.live(this.cdp), filters);
  }

  /** Function breakpoints on recorded operations (replay only): a step name, `#<function_id>`, or `error`. */
  async setFunctionBreakpoints(specs: FunctionBreakpointSpec[]): Promise<FunctionBreakpointState[]> {
    this.functionBreakpointSpecs = specs;
    if (!this.dbos) {
      return specs.map((s, i) => ({
        id: 200000 + i,
        name: String(s?.name ?? ''),
        verified: false,
        message: 'Function breakpoints stop at recorded DBOS operations: launch with "workflowId" or "traceFile".',
      }));
    }
    return this.dbos.setFunctionBreakpoints(specs);
  }

  continue(): Promise<void> {
    return this.act('continue');
  }

  next(): Promise<void> {
    return this.act('next');
  }

  stepIn(): Promise<void> {
    return this.act('stepIn');
  }

  stepOut(): Promise<void> {
    return this.act('stepOut');
  }

  /** Continues forward to the call of recorded operation `functionId`, or travels back to it if it already ran. */
  async runToOperation(functionId: number): Promise<void> {
    const dbos = this.requireReplay();
    if (!dbos.plan.operations.some((o) => o.functionId === functionId)) {
      throw errors.noSuchOperation(dbos.plan.workflowId, functionId, dbos.plan.operations);
    }
    this.runState.paused();
    if (!dbos.consumed.has(functionId)) return this.act({ runTo: functionId });
    // Already consumed: re-run to the part of this run where it was, and stop at it there (the history before stays).
    const name = dbos.plan.operations.find((o) => o.functionId === functionId)?.name ?? '';
    return this.travelWith((ctx) =>
      this.travel.runBackTo(functionId, name, [...dbos.consumed].indexOf(functionId), ctx),
    );
  }

  /** Back to the previous stop: re-runs the program and re-executes the recorded actions up to it. */
  stepBack(): Promise<void> {
    this.requireReplay();
    this.runState.paused();
    return this.travelWith((ctx) => this.travel.stepBack(ctx));
  }

  /**
   * Back to the latest earlier point where a breakpoint the user has now stops (set before or after the program passed
   * it), a function breakpoint, or an exception stop, else to the first stop.
   */
  reverseContinue(): Promise<void> {
    this.requireReplay();
    this.runState.paused();
    return this.travelWith((ctx) => this.travel.reverseContinue(ctx));
  }

  /** Runs a travel; whatever way it ends, the quiet re-run is over (arrived, or failed where it got to). */
  private async travelWith(travel: (ctx: TravelContext) => Promise<void>): Promise<void> {
    try {
      await travel({
        ...this.inForce(),
        relaunch: async (initial) => {
          await this.replaceDebuggee(true);
          await this.go(initial);
        },
      });
    } finally {
      this.runState.endTravel();
    }
  }

  async pause(): Promise<void> {
    const cdp = this.runState.live(this.cdp);
    const phase = this.runState.phase;
    if (phase?.kind === 'paused') return;
    if (phase?.kind !== 'running') throw errors.notLaunched('The program is not running, so it cannot be paused.');
    this.runState.setPhase({ ...phase, pausing: true });
    await requestPause(cdp, () => {
      const now = this.runState.phase;
      return now?.kind === 'running' && now.pausing;
    });
  }

  /** The current stack, mapped to original sources. */
  stackTrace(): Promise<StackFrameInfo[]> {
    return mapStack(this.runState.paused().frames, {
      urlOf: (f) => this.urlOf(f),
      sourceMaps: this.sourceMaps,
      isHidden: (url) => !!this.dbos?.isHiddenUrl(url),
      isSkipped: (urlOrPath) => this.skipFiles.matches(urlOrPath),
    });
  }

  async scopes(frameIndex: number): Promise<ScopeInfo[]> {
    const frame = this.runState.frame(frameIndex);
    return scopesOf(frame, await this.dbos?.workflowScopeObject().catch(() => undefined));
  }

  properties(objectId: string): Promise<RenderedProperty[]> {
    return listProperties(this.runState.live(this.cdp), objectId);
  }

  /** Evaluates in a paused frame, or globally while running. Errors carry the exception's message. */
  async evaluate(expression: string, frameIndex: number | undefined, context: EvaluateContext): Promise<RenderedValue> {
    const cdp = this.runState.live(this.cdp);
    const phase = this.runState.phase;
    if (phase?.kind !== 'paused' && phase?.kind !== 'running') {
      throw errors.notLaunched('Nothing to evaluate in: the program is not running.');
    }
    return evaluateIn(
      cdp,
      phase.kind === 'paused' ? this.runState.frame(frameIndex ?? 0) : undefined,
      expression,
      context,
    );
  }

  /** Ends the current debuggee quietly and launches the program again with the same breakpoints and filters. */
  async restart(args: ValidatedLaunchArguments, plan: LaunchPlan): Promise<void> {
    this.args = args;
    this.plan = plan;
    // A travel under way does not survive: the new run is the user's own.
    this.travel.abort(new Error('the program was restarted'));
    await this.replaceDebuggee(false);
    await this.run();
  }

  /** Replaces the debuggee with a fresh one (same arguments, same trace), waiting for run() or go(). */
  private async replaceDebuggee(travelling: boolean): Promise<void> {
    const args = this.args;
    const plan = this.plan;
    if (!args || !plan) throw errors.notLaunched('Nothing to run again: launch a program first.');
    if (this.debuggee) {
      // Nothing to wait for: a replayed program has no I/O to finish, and its exit is silenced.
      this.silenced.add(this.debuggee);
      this.cdp?.dispose();
      this.debuggee.kill('SIGKILL');
    }
    this.cdp?.dispose();
    this.breakpoints.detach();
    this.runState.launching(travelling);
    if (travelling) {
      this.sourceMaps.forgetScripts();
    } else {
      await this.sourceMaps.dispose();
      this.sourceMaps = new SourceMapStore();
    }
    await this.start(args, plan, travelling);
  }

  /** Ends the program: SIGTERM to its tree, then SIGKILL; resolves once it is gone. */
  async terminate(): Promise<void> {
    if (!this.debuggee || this.debuggee.exited) return;
    this.killedByUs = true;
    const debuggee = this.debuggee;
    this.cdp?.dispose();
    await debuggee.terminate();
  }

  /** Disposes in order: process tree (and the standby's), inspector socket, source maps. */
  async dispose(): Promise<void> {
    this.killedByUs = true;
    this.standby.dispose();
    await this.terminate().catch(() => undefined);
    this.debuggee?.dispose();
    this.cdp?.dispose();
    this.breakpoints.detach();
    await this.sourceMaps.dispose();
    this.dbos?.dispose();
    await this.plan?.replay?.dispose().catch(() => undefined);
    this.travel.abort(new Error('the session ended'));
    this.stoppedEmitter.dispose();
    this.outputEmitter.dispose();
    this.exitedEmitter.dispose();
    this.breakpoints.dispose();
  }

  private wire(cdp: CdpClient): void {
    cdp.on('Debugger.scriptParsed', (s) => this.onScriptParsed(s.scriptId, s.url, s.sourceMapURL));
    cdp.on('Debugger.paused', (e) => {
      this.handlePause(cdp, e).catch((err) => {
        log('replay', `pause handling failed: ${err instanceof Error ? err.stack : String(err)}`);
        if (cdp === this.cdp) this.reportStop(e, { reason: 'pause', description: 'Paused', breakpointIds: [] });
      });
    });
    cdp.on('Debugger.resumed', () => {
      const phase = this.runState.phase;
      if (phase?.kind === 'paused') this.runState.setPhase(running('continue', phase.runTo));
    });
    // Node waits for the debugger to let go before it exits; closing the socket lets it exit with its own code.
    cdp.on('NodeRuntime.waitingForDisconnect', () => cdp.dispose());
  }

  private onScriptParsed(scriptId: string, url: string, sourceMapURL: string | undefined): void {
    const users = !url.startsWith('node:') && !this.dbos?.isHiddenUrl(url);
    void this.sourceMaps.scriptParsed(scriptId, url, sourceMapURL, users).then((map) => {
      if (map) return this.breakpoints.addSourceMap(map);
    });
  }

  private urlOf(frame: CallFrame): string {
    return urlOfFrame(frame, this.sourceMaps);
  }

  /** A pause: handled (see pauseHandler.ts), then whatever comes next is done here, where the state changes. */
  private async handlePause(cdp: CdpClient, e: PausedEvent): Promise<void> {
    const outcome = await handlePause(e, {
      cdp,
      dbos: this.dbos,
      breakpoints: this.breakpoints,
      sourceMaps: this.sourceMaps,
      skipFiles: this.skipFiles,
      travel: this.travel,
      program: this.args?.program,
      now: () => ({ state: this.runState.now, entry: this.entryStops }),
    });
    // A pause of a debuggee replaced meanwhile (restart) is no longer the session's.
    if (cdp !== this.cdp) return;
    if (outcome.entry) this.entryStops = { ...this.entryStops, ...outcome.entry };
    for (const text of outcome.output) this.outputEmitter.fire({ category: 'console', text: `${text}\n` });
    const next = outcome.next;
    if (next.kind === 'stop') return this.reportStop(e, next.stop, next);
    if (next.kind === 'resume') return this.resumeSilently(cdp);
    const phase = this.runState.phase;
    if (next.ofSkipped && phase?.kind === 'running') this.runState.setPhase({ ...phase, stepOuts: phase.stepOuts + 1 });
    await cdp.send('Debugger.stepOut', {}).catch(() => undefined);
  }

  /** The debuggee stopped: show it, or (re-running quietly) go on with the travel. */
  private reportStop(e: PausedEvent, info: StopInfo, { endsRunTo = false } = {}): void {
    const before = this.runState.phase;
    const frames = e.callFrames;
    this.runState.setPhase({ kind: 'paused', frames, runTo: endsRunTo ? undefined : runToOf(this.runState.now) });
    const consumed = this.dbos?.consumed.size ?? 0;
    if (this.runState.kind === 'travelling') {
      this.quietStop(info, frames, consumed).catch((err: unknown) =>
        this.travel.abort(err instanceof Error ? err : new Error(String(err))),
      );
      return;
    }
    this.travel.recordStop(info, consumed);
    this.prepareStandby();
    const messages =
      this.dbos && info.reason === 'step' && before?.kind === 'running'
        ? durableCallLines(this.dbos, before.action)
        : undefined;
    if (!messages) {
      this.stoppedEmitter.fire(info);
      return;
    }
    // The messages first (they ask the debuggee how the revived values differ), then the stop.
    void messages.then((lines) => {
      for (const text of lines) this.outputEmitter.fire({ category: 'console', text: `${text}\n` });
      this.stoppedEmitter.fire(info);
    });
  }

  /** A stop of a quiet re-run: re-execute the next part, or arrive (the travel's stop is shown, out of quiet). */
  private async quietStop(info: StopInfo, frames: CallFrame[], consumed: number): Promise<void> {
    const cdp = this.runState.live(this.cdp);
    const top = frames[0] && { frame: frames[0], url: this.urlOf(frames[0]) };
    const step = await this.travel.quietStop(info, { ...this.inForce(), cdp, consumed, top });
    if (step.kind === 'next') return this.act(step.action);
    // Out of quiet (unless the travel failed meanwhile, or already left it for this stop).
    const phase = this.runState.phase;
    if (phase?.kind === 'paused' && phase.frames === frames) this.runState.endTravel();
    if (!step.announce) {
      this.prepareStandby();
      return;
    }
    this.outputEmitter.fire({ category: 'console', text: step.message });
    // The travel request answers first; its stop follows.
    setImmediate(() => {
      this.stoppedEmitter.fire(step.stop);
      this.prepareStandby();
    });
  }

  private async act(action: TravelAction): Promise<void> {
    this.runState.live(this.cdp);
    this.runState.paused();
    if (this.runState.kind !== 'travelling') this.travel.recordAction(action, this.inForce());
    if (this.dbos) this.dbos.consumedSinceResume = [];
    if (typeof action === 'object') await this.requireReplay().setRunTo(action.runTo);
    const methods = {
      continue: 'Debugger.resume',
      next: 'Debugger.stepOver',
      stepIn: 'Debugger.stepInto',
      stepOut: 'Debugger.stepOut',
    } as const;
    const cdp = this.runState.live(this.cdp);
    const paused = this.runState.paused();
    this.runState.setPhase(running(action, paused.runTo));
    await cdp.send(typeof action === 'object' ? 'Debugger.resume' : methods[action], {});
  }

  private requireReplay(): DbosChannel {
    if (!this.dbos) {
      throw errors.notReplaying();
    }
    return this.dbos;
  }

  private async resumeSilently(cdp: CdpClient): Promise<void> {
    await cdp
      .send('Debugger.resume', {})
      .catch((err) => log('replay', `resume failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  private onDebuggeeExit(debuggee: DebuggeeProcess, e: DebuggeeExit): void {
    if (debuggee !== this.debuggee || this.silenced.has(debuggee)) return;
    if (this.runState.kind === 'travelling')
      this.travel.abort(new Error(`the program exited (${describeExit(e.code, e.signal)}) before reaching that stop`));
    this.runState.enter({ kind: 'exited' });
    this.cdp?.dispose();
    this.breakpoints.detach();
    const program =
      this.args?.program ?? (this.args?.modules.length ? `loading ${this.args.modules.join(', ')}` : 'the program');
    const message = exitMessage(e, {
      program,
      killedByUs: this.killedByUs,
      replay: !!this.plan?.replay,
      verdict: this.plan?.replay ? readVerdict(this.plan.replay) : undefined,
      replayStarted: !!this.dbos?.lastEvent,
    });
    this.exitedEmitter.fire({ code: e.code, signal: e.signal, message });
  }
}
