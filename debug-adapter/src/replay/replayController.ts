// Owns one debuggee: its process, the inspector connection, source maps and breakpoints; turns CDP pauses into typed stops.
// Runs in the debug adapter process. Speaks 0-based positions and never sees a DAP type.
import { AdapterError, ErrorCode } from '../errors';
import type { ValidatedLaunchArguments } from '../launchArguments';
import { log } from '../logger';
import { BreakpointManager, type BreakpointSpec, type BreakpointState, type UserBreakpoint } from './breakpoints';
import type { CdpClient } from './cdpClient';
import type { CallFrame, Location, PausedEvent } from './cdpTypes';
import { describeExit, exitMessage, type DebuggeeExit, type DebuggeeProcess } from './debuggeeProcess';
import { Emitter } from './emitter';
import { DbosChannel, durableCallMessage, type FunctionBreakpointSpec, type FunctionBreakpointState } from './dbosChannel';
import { readVerdict, type LaunchPlan } from './launchPlan';
import { breakpointsStop, classifyPause, hookStopOutcome, type PauseFacts, type PauseKind } from './pauseClassifier';
import { setPauseOnExceptions } from './pauseOnExceptions';
import { describeState, phaseOf, running, runToOf, withPhase, type EntryStops, type Phase, type RunState } from './runState';
import type { TravelAction } from './timeTravel';
import { TravelDriver, type InForce, type TravelContext } from './travelDriver';
import { setGate } from './travelGate';
import { conditionHolds, evaluateIn, logpointText, mapStack, scopesOf } from './frameInspector';
import { SkipFiles } from './skipFiles';
import type { ControllerState, EvaluateContext, ExceptionFilters, ExitInfo, OutputInfo, ScopeInfo, StackFrameInfo, StopInfo } from './controllerTypes';
import { StandbyDebuggee, startDebuggee, type WarmDebuggee } from './warmDebuggee';
import { SourceMapStore, urlRegexForPath, urlToPath } from './sourceMaps';
import { listProperties, type RenderedProperty, type RenderedValue } from './valueRenderer';

const NO_ENTRY_STOPS: EntryStops = { program: false, programBreakpoint: undefined, workflowBreakpoint: undefined };

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

  /** Changed only by enter(). */
  private runState: RunState = { kind: 'idle' };
  private entryStops = NO_ENTRY_STOPS;
  private debuggee: DebuggeeProcess | undefined;
  private cdp: CdpClient | undefined;
  private sourceMaps = new SourceMapStore();
  private skipFiles = new SkipFiles([]);
  private args: ValidatedLaunchArguments | undefined;
  private exceptionFilters: ExceptionFilters = { uncaught: false, caught: false, divergence: true, recordedStepError: false };
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

  /** The one place the run state changes. */
  private enter(next: RunState): void {
    const from = describeState(this.runState);
    const to = describeState(next);
    if (from !== to) log('replay', `state: ${from} -> ${to}`);
    this.runState = next;
  }

  /** The debuggee enters `phase` (a quiet re-run stays quiet). */
  private setPhase(phase: Phase): void {
    this.enter(withPhase(this.runState, phase));
  }

  /** Starts the program paused before its first line, connects, and binds breakpoints; `run()` lets it go. */
  async launch(args: ValidatedLaunchArguments, plan: LaunchPlan): Promise<void> {
    if (this.runState.kind !== 'idle' && this.runState.kind !== 'exited') {
      throw new AdapterError(ErrorCode.AlreadyLaunched, 'The program is already running in this session. Restart or stop it first.');
    }
    await this.start(args, plan, false);
  }

  /** A debuggee of `plan`, waiting for run(); `travelling`: a time travel re-run. */
  private async start(args: ValidatedLaunchArguments, plan: LaunchPlan, travelling: boolean): Promise<void> {
    const launching: Phase = { kind: 'launching', prerun: undefined };
    this.enter(travelling ? { kind: 'travelling', phase: launching } : launching);
    this.args = args;
    this.killedByUs = false;
    this.skipFiles = new SkipFiles(args.skipFiles);
    this.entryStops = { ...NO_ENTRY_STOPS, program: args.stopOnEntry && !plan.replay };
    if (plan.replay && this.dbos?.plan !== plan.replay) {
      this.dbos?.dispose();
      this.dbos = new DbosChannel(plan.replay);
      this.dbos.onTrail((line) => this.show({ category: 'console', text: `${line}\n` }));
      await this.dbos.setFilters(this.exceptionFilters);
      await this.dbos.setFunctionBreakpoints(this.functionBreakpointSpecs);
    } else if (!plan.replay) {
      this.dbos?.dispose();
      this.dbos = undefined;
    }
    this.dbos?.setEntry(args.stopOnEntry);
    this.breakpoints.setGated(!!plan.replay);
    this.plan = plan;
    let started: WarmDebuggee;
    try {
      started = (await this.standby.take(args, plan)) ?? await startDebuggee(args, plan);
    } catch (e) {
      this.enter({ kind: 'exited' });
      throw e;
    }
    const debuggee = started.debuggee;
    this.debuggee = debuggee;
    this.setPhase({ kind: 'launching', prerun: started.prerunPause });
    debuggee.onOutput((o) => {
      if (debuggee === this.debuggee) this.show(o);
    });
    debuggee.onExit((e) => this.onDebuggeeExit(debuggee, e));
    try {
      const cdp = started.cdp;
      this.cdp = cdp;
      this.wire(cdp);
      for (const [id, script] of started.scripts) this.onScriptParsed(id, script.url, script.sourceMapURL);
      const blackbox = [...this.skipFiles.blackboxPatterns(), ...(this.dbos?.blackboxPatterns() ?? [])];
      // The program waits for run(): these are independent, so they go out together (CDP answers in order).
      await Promise.all([
        cdp.send('Debugger.setBlackboxPatterns', { patterns: blackbox }).catch(() => undefined),
        this.dbos?.attach(cdp),
        cdp.send('Debugger.setInstrumentationBreakpoint', { instrumentation: 'beforeScriptWithSourceMapExecution' }),
        cdp.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true }),
        setPauseOnExceptions(cdp, this.exceptionFilters),
        this.entryStops.program && args.program
          ? cdp.send('Debugger.setBreakpointByUrl', { urlRegex: urlRegexForPath(args.program), lineNumber: 0, columnNumber: 0 })
            .then((r) => { this.entryStops = { ...this.entryStops, programBreakpoint: r.breakpointId }; })
          : undefined,
        // A time travel re-run is the same program: the maps read for the first run serve every re-run.
        this.breakpoints.attach(cdp).then(() => this.sourceMaps.outFilesMaps(args.outFiles, travelling))
          .then(async (maps) => { for (const map of maps) await this.breakpoints.addSourceMap(map); }),
        this.dbos ? this.travel.prepare(cdp, this.inForce()) : undefined,
      ]);
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
    this.requireCdp();
    if (this.runState.kind !== 'launching') return;
    this.travel.reset('continue', this.inForce());
    await this.go('continue');
    // The first step back may come right after the first stop: have the next debuggee start now.
    this.prepareStandby(true);
  }

  /** Lets the launched debuggee go, starting with `initial` (continue, or run to an operation). */
  private async go(initial: TravelAction): Promise<void> {
    const cdp = this.requireCdp();
    const launching = phaseOf(this.runState);
    if (launching?.kind !== 'launching') return;
    if (typeof initial === 'object') await this.dbos?.setRunTo(initial.runTo);
    this.setPhase(running(initial, undefined));
    // Handled as the program's first pause would be: bind what its maps say, then let it go.
    if (launching.prerun) await this.handlePause(cdp, { ...launching.prerun, reason: 'Break on start', hitBreakpoints: [] });
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
    if (this.cdp && !this.cdp.isClosed) await setPauseOnExceptions(this.requireCdp(), filters);
  }

  /** Function breakpoints on recorded operations (replay only): a step name, `#<function_id>`, or `error`. */
  async setFunctionBreakpoints(specs: FunctionBreakpointSpec[]): Promise<FunctionBreakpointState[]> {
    this.functionBreakpointSpecs = specs;
    if (!this.dbos) {
      return specs.map((s, i) => ({ id: 200000 + i, name: String(s?.name ?? ''), verified: false,
        message: 'Function breakpoints stop at recorded DBOS operations: launch with "workflowId" or "traceFile".' }));
    }
    return this.dbos.setFunctionBreakpoints(specs);
  }

  /** Whether a recorded workflow is being replayed. */
  get replaying(): boolean {
    return !!this.dbos;
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
      throw new AdapterError(ErrorCode.NoSuchOperation, `Workflow ${dbos.plan.workflowId} recorded no operation #${functionId}; ` +
        `its operations are #${dbos.plan.operations.map((o) => `${o.functionId} ${o.name}`).join(', #')}.`);
    }
    this.requirePaused();
    if (!dbos.consumed.has(functionId)) return this.act({ runTo: functionId });
    // Already consumed: re-run to the part of this run where it was, and stop at it there (the history before stays).
    const name = dbos.plan.operations.find((o) => o.functionId === functionId)?.name ?? '';
    return this.travelWith((ctx) => this.travel.runBackTo(functionId, name, [...dbos.consumed].indexOf(functionId), ctx));
  }

  /** Back to the previous stop: re-runs the program and re-executes the recorded actions up to it. */
  stepBack(): Promise<void> {
    this.requireReplay();
    this.requirePaused();
    return this.travelWith((ctx) => this.travel.stepBack(ctx));
  }

  /**
   * Back to the latest earlier point where a breakpoint the user has now stops (set before or after the program passed
   * it), a function breakpoint, or an exception stop, else to the first stop.
   */
  reverseContinue(): Promise<void> {
    this.requireReplay();
    this.requirePaused();
    return this.travelWith((ctx) => this.travel.reverseContinue(ctx));
  }

  /** Runs a travel; whatever way it ends, the quiet re-run is over (arrived, or failed where it got to). */
  private async travelWith(travel: (ctx: TravelContext) => Promise<void>): Promise<void> {
    try {
      await travel({ ...this.inForce(), relaunch: async (initial) => {
        await this.replaceDebuggee(true);
        await this.go(initial);
      } });
    } finally {
      if (this.runState.kind === 'travelling') this.enter(this.runState.phase);
    }
  }

  async pause(): Promise<void> {
    const cdp = this.requireCdp();
    const phase = phaseOf(this.runState);
    if (phase?.kind === 'paused') return;
    if (phase?.kind !== 'running') throw new AdapterError(ErrorCode.NotLaunched, 'The program is not running, so it cannot be paused.');
    this.setPhase({ ...phase, pausing: true });
    await cdp.send('Debugger.pause', {});
    // A pause request taken by skipped (blackboxed) code that returns to the event loop without reaching user
    // code is dropped by V8; ask again until the program really stops.
    let tries = 0;
    const retry = setInterval(() => {
      const now = phaseOf(this.runState);
      if (now?.kind !== 'running' || !now.pausing || cdp.isClosed || ++tries > 20) {
        clearInterval(retry);
        return;
      }
      log('replay', 'pause not taken yet, asking again');
      cdp.send('Debugger.pause', {}).catch(() => clearInterval(retry));
    }, 500);
    retry.unref();
  }

  /** The current stack, mapped to original sources. */
  stackTrace(): Promise<StackFrameInfo[]> {
    return mapStack(this.requirePaused().frames, {
      urlOf: (f) => this.urlOf(f),
      sourceMaps: this.sourceMaps,
      isHidden: (url) => !!this.dbos?.isHiddenUrl(url),
      isSkipped: (urlOrPath) => this.skipFiles.matches(urlOrPath),
    });
  }

  async scopes(frameIndex: number): Promise<ScopeInfo[]> {
    const frame = this.frame(frameIndex);
    return scopesOf(frame, await this.dbos?.workflowScopeObject().catch(() => undefined));
  }

  properties(objectId: string): Promise<RenderedProperty[]> {
    return listProperties(this.requireCdp(), objectId);
  }

  /** Evaluates in a paused frame, or globally while running. Errors carry the exception's message. */
  async evaluate(expression: string, frameIndex: number | undefined, context: EvaluateContext): Promise<RenderedValue> {
    const cdp = this.requireCdp();
    const phase = phaseOf(this.runState);
    if (phase?.kind !== 'paused' && phase?.kind !== 'running') {
      throw new AdapterError(ErrorCode.NotLaunched, 'Nothing to evaluate in: the program is not running.');
    }
    return evaluateIn(cdp, phase.kind === 'paused' ? this.frame(frameIndex ?? 0) : undefined, expression, context);
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
    if (!args || !plan) throw new AdapterError(ErrorCode.NotLaunched, 'Nothing to run again: launch a program first.');
    if (this.debuggee) {
      // Nothing to wait for: a replayed program has no I/O to finish, and its exit is silenced.
      this.silenced.add(this.debuggee);
      this.cdp?.dispose();
      this.debuggee.kill('SIGKILL');
    }
    this.cdp?.dispose();
    this.breakpoints.detach();
    const launching: Phase = { kind: 'launching', prerun: undefined };
    this.enter(travelling ? { kind: 'travelling', phase: launching } : launching);
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
        this.reportStop(e, { reason: 'pause', description: 'Paused', breakpointIds: [] });
      });
    });
    cdp.on('Debugger.resumed', () => {
      const phase = phaseOf(this.runState);
      if (phase?.kind === 'paused') this.setPhase(running('continue', phase.runTo));
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
    return frame.url || this.sourceMaps.urlOf(frame.location.scriptId) || '';
  }

  /** What is known of a pause before deciding anything (see classifyPause). */
  private async pauseFacts(cdp: CdpClient, e: PausedEvent): Promise<PauseFacts<UserBreakpoint>> {
    const travelTarget = this.runState.kind === 'travelling' ? await this.travel.endingAt(cdp) : undefined;
    const hits = e.hitBreakpoints ?? [];
    const top = e.callFrames[0];
    const url = top ? this.urlOf(top) : '';
    const dbos = this.dbos;
    const program = this.args?.program;
    return {
      reason: e.reason, data: e.data, hits,
      top: top && { url, line0: top.location.lineNumber },
      replay: !!dbos,
      inPauseScript: !!dbos?.isPauseScript(url),
      atHookBreak: !!top && !!dbos?.isHookBreak(top.location.lineNumber),
      hookEvent: dbos?.lastEvent?.type,
      topHidden: !!dbos?.isHiddenUrl(url),
      topSkipped: !!dbos?.isHiddenUrl(url) || this.skipFiles.matches(url),
      atProgram: !!program && !!url && urlToPath(url) === program,
      entryBreakpointHit: hits.some((id) => id === this.entryStops.programBreakpoint || this.breakpoints.isEntryBreakpoint(id)),
      userHits: this.breakpoints.userBreakpointsFor(hits),
      travelTarget,
      workflowName: dbos?.plan.workflowName ?? '',
    };
  }

  /** Classifies a pause and does what its kind asks: step on, resume, or stop. */
  private async handlePause(cdp: CdpClient, e: PausedEvent): Promise<void> {
    const facts = await this.pauseFacts(cdp, e);
    let kind = classifyPause(facts, this.runState, this.entryStops);
    log('replay', `paused: ${e.reason} hits=${facts.hits.length} at ${facts.top?.url}:${facts.top?.line0} (${describeState(this.runState)}): ${kind.kind}`);
    if (kind.kind === 'scriptEntry') {
      // A script is about to run: make sure its source map is loaded and its breakpoints are bound first.
      if (kind.script) {
        const map = await this.sourceMaps.loadForScript(kind.script.scriptId, kind.script.url, kind.script.sourceMapURL);
        if (map) await this.breakpoints.addSourceMap(map);
      }
      await this.sourceMaps.settled();
      await this.breakpoints.settled();
      const top = e.callFrames[0];
      kind = classifyPause({ ...facts, boundHere: top ? this.breakpoints.userBreakpointsAt(top.location) : [] }, this.runState, this.entryStops);
    }
    await this.actOnPause(cdp, e, kind);
  }

  private async actOnPause(cdp: CdpClient, e: PausedEvent, kind: PauseKind<UserBreakpoint>): Promise<void> {
    switch (kind.kind) {
      case 'travelTarget':
        // The pass reverse continue (or run back to an operation) chose: whatever else this part's action would do, the re-run ends here.
        await this.dbos?.setRunTo(null);
        return this.reportStop(e, kind.stop, { endsRunTo: true });
      case 'pauseScriptPassage':
        await cdp.send('Debugger.stepOut', {}).catch(() => undefined);
        return;
      case 'workflowStart':
        return this.stopAtWorkflowEntry(cdp, e);
      case 'workflowEntry':
        this.entryStops = { ...this.entryStops, workflowBreakpoint: undefined };
        await cdp.send('Debugger.removeBreakpoint', { breakpointId: kind.breakpointId }).catch(() => undefined);
        return kind.stop ? this.reportStop(e, kind.stop) : this.resumeSilently(cdp);
      case 'hookStop': {
        // The runtime's hook stopped inside a durable call: the user's call site is the first shown frame.
        // A function breakpoint's condition runs in the user's frame that made the durable call.
        const dbos = this.dbos!;
        const callSite = e.callFrames.find((f) => !dbos.isHiddenUrl(this.urlOf(f)));
        const stop = await dbos.stopFor(dbos.lastEvent, (condition) => conditionHolds(cdp, callSite, condition), kind.passBreakpoints);
        const outcome = hookStopOutcome(stop, runToOf(this.runState));
        if (!outcome) return this.resumeSilently(cdp);
        if (outcome.endsRunTo) void dbos.setRunTo(null);
        return this.reportStop(e, outcome.stop, outcome);
      }
      case 'scriptEntry':
        throw new Error('a script entry pause was classified before its script was bound');
      case 'programEntry':
        this.entryStops = { ...this.entryStops, program: false };
        return this.reportStop(e, kind.stop);
      case 'breakpoints': {
        const stopping: number[] = [];
        for (const bp of kind.hits) {
          if (!this.breakpoints.countHit(bp)) continue;
          if (bp.spec.logMessage === undefined) {
            stopping.push(bp.id);
            continue;
          }
          const text = await logpointText(cdp, e.callFrames[0], bp.spec.logMessage);
          if (text !== undefined) this.outputEmitter.fire({ category: 'console', text: `${text}\n` });
        }
        const stop = breakpointsStop(kind.otherwise, stopping);
        return stop ? this.reportStop(e, stop) : this.resumeSilently(cdp);
      }
      case 'skippedStep': {
        // A step into a durable call goes through the runtime and Node internals: step on out of them, back to user code.
        const phase = phaseOf(this.runState);
        if (phase?.kind === 'running') this.setPhase({ ...phase, stepOuts: phase.stepOuts + 1 });
        await cdp.send('Debugger.stepOut', {}).catch(() => undefined);
        return;
      }
      case 'resume':
        return this.resumeSilently(cdp);
      case 'exception':
      case 'step':
      case 'pauseRequest':
      case 'debuggerStatement':
        return this.reportStop(e, kind.stop);
    }
  }

  /**
   * stopOnEntry in a replay: the hook paused just before the runtime invokes the workflow function. Put a one-shot
   * breakpoint at the function's first line and run on to it (so the stop is in the user's code, mapped like any other).
   */
  private async stopAtWorkflowEntry(cdp: CdpClient, e: PausedEvent): Promise<void> {
    const name = this.dbos?.plan.workflowName ?? '';
    let location: Location | undefined;
    try {
      location = await this.dbos?.workflowEntryLocation();
    } catch (err) {
      log('replay', `cannot locate the workflow function: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (location) {
      const r = await cdp.send('Debugger.setBreakpoint', { location }).catch((err: unknown) => {
        log('replay', `cannot set the entry breakpoint: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
      if (r) {
        this.entryStops = { ...this.entryStops, workflowBreakpoint: r.breakpointId };
        await this.resumeSilently(cdp);
        return;
      }
    }
    // Not locatable (e.g. a native or bound function): stop where the runtime is about to call it.
    this.reportStop(e, { reason: 'entry', description: `Paused before workflow ${name} starts`, breakpointIds: [] });
  }

  /** The debuggee stopped: show it, or (re-running quietly) go on with the travel. */
  private reportStop(e: PausedEvent, info: StopInfo, { endsRunTo = false } = {}): void {
    const before = phaseOf(this.runState);
    const frames = e.callFrames;
    this.setPhase({ kind: 'paused', frames, runTo: endsRunTo ? undefined : runToOf(this.runState) });
    const consumed = this.dbos?.consumed.size ?? 0;
    if (this.runState.kind === 'travelling') {
      this.quietStop(info, frames, consumed).catch((err: unknown) => this.travel.abort(err instanceof Error ? err : new Error(String(err))));
      return;
    }
    this.travel.recordStop(info, consumed);
    this.prepareStandby();
    // A step over (or into) durable calls says what they returned from the recording; their bodies never run.
    const action = before?.kind === 'running' ? before.action : undefined;
    const ops = info.reason === 'step' && (action === 'next' || action === 'stepIn') ? [...this.dbos?.consumedSinceResume ?? []] : [];
    if (ops.length === 0 || !this.dbos) {
      this.stoppedEmitter.fire(info);
      return;
    }
    // The messages first (they ask the debuggee how the revived values differ), then the stop.
    void this.dbos.revivalNotes(ops.map((o) => o.functionId)).catch(() => new Map<number, string>()).then((notes) => {
      for (const op of ops) this.outputEmitter.fire({ category: 'console', text: `${durableCallMessage(op, action === 'stepIn', notes.get(op.functionId))}\n` });
      this.stoppedEmitter.fire(info);
    });
  }

  /** A stop of a quiet re-run: re-execute the next part, or arrive (the travel's stop is shown, out of quiet). */
  private async quietStop(info: StopInfo, frames: CallFrame[], consumed: number): Promise<void> {
    const cdp = this.requireCdp();
    const top = frames[0] && { frame: frames[0], url: this.urlOf(frames[0]) };
    const step = await this.travel.quietStop(info, { ...this.inForce(), cdp, consumed, top });
    if (step.kind === 'next') return this.act(step.action);
    // Out of quiet (unless the travel failed meanwhile, or already left it for this stop).
    const state = this.runState;
    if (state.kind === 'travelling' && state.phase.kind === 'paused' && state.phase.frames === frames) this.enter(state.phase);
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
    this.requireCdp();
    this.requirePaused();
    if (this.runState.kind !== 'travelling') this.travel.recordAction(action, this.inForce());
    if (this.dbos) this.dbos.consumedSinceResume = [];
    if (typeof action === 'object') await this.requireReplay().setRunTo(action.runTo);
    const methods = { continue: 'Debugger.resume', next: 'Debugger.stepOver', stepIn: 'Debugger.stepInto', stepOut: 'Debugger.stepOut' } as const;
    const cdp = this.requireCdp();
    const paused = this.requirePaused();
    this.setPhase(running(action, paused.runTo));
    await cdp.send(typeof action === 'object' ? 'Debugger.resume' : methods[action], {});
  }

  private requireReplay(): DbosChannel {
    if (!this.dbos) {
      throw new AdapterError(ErrorCode.NotReplaying, 'Time travel needs a recorded workflow: launch with "workflowId" or "traceFile".');
    }
    return this.dbos;
  }

  private async resumeSilently(cdp: CdpClient): Promise<void> {
    await cdp.send('Debugger.resume', {}).catch((err) => log('replay', `resume failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  private onDebuggeeExit(debuggee: DebuggeeProcess, e: DebuggeeExit): void {
    if (debuggee !== this.debuggee || this.silenced.has(debuggee)) return;
    if (this.runState.kind === 'travelling') this.travel.abort(new Error(`the program exited (${describeExit(e.code, e.signal)}) before reaching that stop`));
    this.enter({ kind: 'exited' });
    this.cdp?.dispose();
    this.breakpoints.detach();
    const program = this.args?.program ?? (this.args?.modules.length ? `loading ${this.args.modules.join(', ')}` : 'the program');
    const message = exitMessage(e, {
      program, killedByUs: this.killedByUs, replay: !!this.plan?.replay,
      verdict: this.plan?.replay ? readVerdict(this.plan.replay) : undefined, replayStarted: !!this.dbos?.lastEvent,
    });
    this.exitedEmitter.fire({ code: e.code, signal: e.signal, message });
  }

  private frame(index: number): CallFrame {
    const f = this.requirePaused().frames[index];
    if (!f) throw new AdapterError(ErrorCode.NoSuchFrame, `There is no stack frame ${index} in the current stop.`);
    return f;
  }

  private requirePaused(): Extract<Phase, { kind: 'paused' }> {
    const phase = phaseOf(this.runState);
    if (phase?.kind !== 'paused') {
      throw new AdapterError(ErrorCode.NotPaused, phase?.kind === 'running' ? 'The program is running; pause it first.' : 'The program is not paused.');
    }
    return phase;
  }

  private requireCdp(): CdpClient {
    if (!this.cdp || this.cdp.isClosed || this.runState.kind === 'idle' || this.runState.kind === 'exited') {
      throw new AdapterError(ErrorCode.NotLaunched, this.runState.kind === 'exited' ? 'The program has exited.' : 'The program has not been launched yet.');
    }
    return this.cdp;
  }
}
