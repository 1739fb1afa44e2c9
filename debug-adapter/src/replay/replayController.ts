// Owns one debuggee: its process, the inspector connection, source maps and breakpoints; turns CDP pauses into typed stops.
// Runs in the debug adapter process. Speaks 0-based positions and never sees a DAP type.
import { AdapterError, ErrorCode } from '../errors';
import type { ValidatedLaunchArguments } from '../launchArguments';
import { log } from '../logger';
import { BreakpointManager, type BreakpointSpec, type BreakpointState, type UserBreakpoint } from './breakpoints';
import type { CdpClient } from './cdpClient';
import type { CallFrame, Location, PausedEvent, RemoteObject } from './cdpTypes';
import { describeExit, exitMessage, type DebuggeeExit, type DebuggeeProcess } from './debuggeeProcess';
import { Emitter } from './emitter';
import { DbosChannel, durableCallMessage, type FunctionBreakpointSpec, type FunctionBreakpointState } from './dbosChannel';
import { readVerdict, type LaunchPlan } from './launchPlan';
import type { TravelAction } from './timeTravel';
import { TravelDriver } from './travelDriver';
import { setGate } from './travelGate';
import { conditionHolds, evaluateIn, logpointText, mapStack, scopesOf } from './frameInspector';
import { SkipFiles } from './skipFiles';
import type { ControllerState, EvaluateContext, ExceptionFilters, ExitInfo, OutputInfo, ScopeInfo, StackFrameInfo, StopInfo } from './controllerTypes';
import { StandbyDebuggee, startDebuggee, type WarmDebuggee } from './warmDebuggee';
import { SourceMapStore, urlRegexForPath, urlToPath } from './sourceMaps';
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

  private stateValue: ControllerState = 'idle';
  private debuggee: DebuggeeProcess | undefined;
  private cdp: CdpClient | undefined;
  private sourceMaps = new SourceMapStore();
  private skipFiles = new SkipFiles([]);
  private args: ValidatedLaunchArguments | undefined;
  private exceptionFilters: ExceptionFilters = { uncaught: false, caught: false, divergence: true, recordedStepError: false };
  private callFrames: CallFrame[] = [];
  private pendingAction: 'continue' | 'step' | 'pause' = 'continue';
  /** Plain Node debugging: stop at the program's first line. (A replay stops at the workflow function instead.) */
  private stopOnEntryPending = false;
  private programEntryBreakpoint: string | undefined;
  /** Replay with stopOnEntry: the one-shot CDP breakpoint at the first line of the workflow function. */
  private workflowEntryBreakpoint: string | undefined;
  private killedByUs = false;
  /** Debuggees ended by restart: their exit is not the session's end. */
  private readonly silenced = new WeakSet<DebuggeeProcess>();
  private plan: LaunchPlan | undefined;
  /** The replay channel while a recorded workflow is replayed (kept across restarts of the same plan). */
  private dbos: DbosChannel | undefined;
  private functionBreakpointSpecs: FunctionBreakpointSpec[] = [];
  private lastAction: TravelAction | undefined;
  /** runToOperation in progress: other stops are passed quietly. */
  private runningTo: number | undefined;
  private stepOutsFromSkipped = 0;
  private readonly standby = new StandbyDebuggee();
  /** Stops along this run, to travel back by re-executing (replay is deterministic). */
  private readonly travel = new TravelDriver({
    breakpoints: this.breakpoints,
    cdp: () => this.requireCdp(),
    dbos: () => this.dbos,
    exceptionFilters: () => this.exceptionFilters,
    applyExceptionFilters: (filters) => this.applyExceptionFilters(filters),
    relaunch: (initial) => this.relaunch(initial),
    act: (action) => this.act(action),
    top: () => {
      const frame = this.callFrames[0];
      return frame && { frame, url: frame.url || this.sourceMaps.urlOf(frame.location.scriptId) || '' };
    },
    output: (text) => this.outputEmitter.fire({ category: 'console', text }),
    stopped: (info) => this.stoppedEmitter.fire(info),
    prepareStandby: () => this.prepareStandby(),
  });
  /** A standby debuggee that already ran its preloads is paused at the program's first line: run() goes on from there. */
  private prerunPause: PausedEvent | undefined;

  get state(): ControllerState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.debuggee?.pid;
  }

  /** Starts the program paused before its first line, connects, and binds breakpoints; `run()` lets it go. */
  async launch(args: ValidatedLaunchArguments, plan: LaunchPlan): Promise<void> {
    if (this.stateValue !== 'idle' && this.stateValue !== 'exited') {
      throw new AdapterError(ErrorCode.AlreadyLaunched, 'The program is already running in this session. Restart or stop it first.');
    }
    this.stateValue = 'starting';
    this.args = args;
    this.killedByUs = false;
    this.skipFiles = new SkipFiles(args.skipFiles);
    this.stopOnEntryPending = args.stopOnEntry && !plan.replay;
    this.programEntryBreakpoint = undefined;
    this.workflowEntryBreakpoint = undefined;
    if (plan.replay && this.dbos?.plan !== plan.replay) {
      this.dbos?.dispose();
      this.dbos = new DbosChannel(plan.replay);
      this.dbos.onTrail((line) => {
        if (!this.travel.quiet) this.outputEmitter.fire({ category: 'console', text: `${line}\n` });
      });
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
      this.stateValue = 'exited';
      throw e;
    }
    const debuggee = started.debuggee;
    this.debuggee = debuggee;
    this.prerunPause = started.prerunPause;
    debuggee.onOutput((o) => {
      if (!this.travel.quiet && debuggee === this.debuggee) this.outputEmitter.fire(o);
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
        this.applyExceptionFilters(),
        this.stopOnEntryPending && args.program
          ? cdp.send('Debugger.setBreakpointByUrl', { urlRegex: urlRegexForPath(args.program), lineNumber: 0, columnNumber: 0 })
            .then((r) => { this.programEntryBreakpoint = r.breakpointId; })
          : undefined,
        // A time travel re-run is the same program: the maps read for the first run serve every re-run.
        this.breakpoints.attach(cdp).then(() => this.sourceMaps.outFilesMaps(args.outFiles, this.travel.quiet))
          .then(async (maps) => { for (const map of maps) await this.breakpoints.addSourceMap(map); }),
        this.dbos ? this.travel.prepare(cdp) : undefined,
      ]);
    } catch (e) {
      debuggee.kill('SIGKILL');
      throw e;
    }
  }

  /** Time travel re-runs the program: keep the next debuggee started, connected, hooked and pre-run, waiting. */
  private prepareStandby(evenIfRunning = false): void {
    if (!this.args || !this.plan?.replay || (this.stateValue !== 'paused' && !evenIfRunning)) return;
    this.standby.start(this.args, this.plan);
  }

  /** Lets the program run (after the client finished configuring breakpoints), optionally to a recorded operation. */
  async run(initial: TravelAction = 'continue'): Promise<void> {
    const cdp = this.requireCdp();
    if (this.stateValue !== 'starting') return;
    if (!this.travel.quiet) this.travel.reset(initial);
    if (typeof initial === 'object') {
      this.runningTo = initial.runTo;
      await this.dbos?.setRunTo(initial.runTo);
    }
    this.stateValue = 'running';
    this.pendingAction = 'continue';
    const prerun = this.prerunPause;
    this.prerunPause = undefined;
    // Handled as the program's first pause would be: bind what its maps say, then let it go.
    if (prerun) await this.handlePause(cdp, { ...prerun, reason: 'Break on start', hitBreakpoints: [] });
    else await cdp.send('Runtime.runIfWaitingForDebugger', {});
    // The first step back may come right after the first stop: have the next debuggee start now.
    if (!this.travel.quiet) this.prepareStandby(true);
  }

  async setBreakpoints(sourcePath: string, specs: BreakpointSpec[]): Promise<BreakpointState[]> {
    const states = await this.breakpoints.setForSource(sourcePath, specs);
    // The gate stops only at the breakpoints the user has now (replaced ones stay bound for time travel).
    if (this.dbos && this.cdp && !this.cdp.isClosed && !this.travel.quiet) {
      await setGate(this.cdp, { active: this.breakpoints.currentIds(), target: null }).catch(() => undefined);
    }
    return states;
  }

  async setExceptionFilters(filters: ExceptionFilters): Promise<void> {
    this.exceptionFilters = filters;
    await this.dbos?.setFilters(filters);
    if (this.cdp && !this.cdp.isClosed) await this.applyExceptionFilters();
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
    return this.travel.runBackTo(functionId, name, [...dbos.consumed].indexOf(functionId));
  }

  /** Back to the previous stop: re-runs the program and re-executes the recorded actions up to it. */
  stepBack(): Promise<void> {
    this.requireReplay();
    this.requirePaused();
    return this.travel.stepBack();
  }

  /**
   * Back to the latest earlier point where a breakpoint the user has now stops (set before or after the program passed
   * it), a function breakpoint, or an exception stop, else to the first stop.
   */
  reverseContinue(): Promise<void> {
    this.requireReplay();
    this.requirePaused();
    return this.travel.reverseContinue();
  }

  async pause(): Promise<void> {
    const cdp = this.requireCdp();
    if (this.stateValue === 'paused') return;
    if (this.stateValue !== 'running') throw new AdapterError(ErrorCode.NotLaunched, 'The program is not running, so it cannot be paused.');
    this.pendingAction = 'pause';
    await cdp.send('Debugger.pause', {});
    // A pause request taken by skipped (blackboxed) code that returns to the event loop without reaching user
    // code is dropped by V8; ask again until the program really stops.
    let tries = 0;
    const retry = setInterval(() => {
      if (this.stateValue !== 'running' || this.pendingAction !== 'pause' || cdp.isClosed || ++tries > 20) {
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
    this.requirePaused();
    return mapStack(this.callFrames, {
      urlOf: (f) => f.url || this.sourceMaps.urlOf(f.location.scriptId) || '',
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
    if (this.stateValue !== 'paused' && this.stateValue !== 'running') {
      throw new AdapterError(ErrorCode.NotLaunched, 'Nothing to evaluate in: the program is not running.');
    }
    return evaluateIn(cdp, this.stateValue === 'paused' ? this.frame(frameIndex ?? 0) : undefined, expression, context);
  }

  /** Ends the current debuggee quietly and launches the program again with the same breakpoints and filters. */
  async restart(args: ValidatedLaunchArguments, plan: LaunchPlan): Promise<void> {
    this.args = args;
    this.plan = plan;
    await this.relaunch('continue');
  }

  /** Replaces the debuggee with a fresh one (same arguments, same trace) that starts with `initial`. */
  private async relaunch(initial: TravelAction): Promise<void> {
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
    if (this.travel.quiet) {
      this.sourceMaps.forgetScripts();
    } else {
      await this.sourceMaps.dispose();
      this.sourceMaps = new SourceMapStore();
    }
    this.callFrames = [];
    this.stateValue = 'exited';
    this.runningTo = undefined;
    await this.launch(args, plan);
    await this.run(initial);
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
      if (this.stateValue === 'paused') this.stateValue = 'running';
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

  private async handlePause(cdp: CdpClient, e: PausedEvent): Promise<void> {
    const hits = e.hitBreakpoints ?? [];
    const top = e.callFrames[0];
    const topUrl = top ? top.url || this.sourceMaps.urlOf(top.location.scriptId) || '' : '';
    log('replay', `paused: ${e.reason} hits=${hits.length} at ${topUrl}:${top?.location.lineNumber}:${top?.location.columnNumber} (pending ${this.pendingAction})`);
    const ending = this.travel.quiet ? await this.travel.endingAt(cdp) : undefined;
    if (ending) {
      // The pass reverse continue (or run back to an operation) chose: whatever else this part's action would do, the re-run ends here.
      this.runningTo = undefined;
      await this.dbos?.setRunTo(null);
      this.reportStop(e, ending);
      return;
    }
    if (this.dbos && this.dbos.isPauseScript(topUrl) && top && !this.dbos.isHookBreak(top.location.lineNumber)) {
      // A step from the hook's stop (or into a durable call) passing through the pause script: on out, to the user's code.
      await cdp.send('Debugger.stepOut', {}).catch(() => undefined);
      return;
    }
    if (this.dbos && this.dbos.isPauseScript(topUrl) && this.dbos.lastEvent?.type === 'start') {
      await this.stopAtWorkflowEntry(cdp, e);
      return;
    }
    if (this.workflowEntryBreakpoint !== undefined && hits.includes(this.workflowEntryBreakpoint)) {
      const breakpointId = this.workflowEntryBreakpoint;
      this.workflowEntryBreakpoint = undefined;
      await cdp.send('Debugger.removeBreakpoint', { breakpointId }).catch(() => undefined);
      if (this.runningTo !== undefined) {
        await this.resumeSilently(cdp);
        return;
      }
      this.reportStop(e, { reason: 'entry', description: `Paused on entry to workflow ${this.dbos?.plan.workflowName ?? ''}`.trimEnd(), breakpointIds: [] });
      return;
    }
    if (this.dbos && this.dbos.isPauseScript(topUrl)) {
      // The runtime's hook stopped inside a durable call: the user's call site is the first shown frame.
      // A function breakpoint's condition runs in the user's frame that made the durable call.
      const callSite = e.callFrames.find((f) => !this.dbos?.isHiddenUrl(f.url || this.sourceMaps.urlOf(f.location.scriptId) || ''));
      const stop = await this.dbos.stopFor(this.dbos.lastEvent, (condition) => conditionHolds(cdp, callSite, condition), this.runningTo !== undefined);
      if (!stop || (this.runningTo !== undefined && !stop.runTo && stop.reason === 'function breakpoint')) {
        await this.resumeSilently(cdp);
        return;
      }
      if (stop.runTo || this.runningTo !== undefined) {
        this.runningTo = undefined;
        void this.dbos.setRunTo(null);
      }
      this.reportStop(e, { reason: stop.reason, description: stop.description, text: stop.text, breakpointIds: stop.breakpointIds });
      return;
    }
    if (this.dbos?.isHiddenUrl(topUrl) && e.reason === 'instrumentation') {
      await this.resumeSilently(cdp);
      return;
    }
    const atEntry = e.reason === 'instrumentation' || e.reason === 'Break on start'
      || hits.some((id) => id === this.programEntryBreakpoint || this.breakpoints.isEntryBreakpoint(id));
    let userHits: UserBreakpoint[] = this.breakpoints.userBreakpointsFor(hits);
    if (atEntry) {
      // A script is about to run: make sure its source map is loaded and its breakpoints are bound first.
      if (e.reason === 'instrumentation' && typeof e.data?.scriptId === 'string') {
        const map = await this.sourceMaps.loadForScript(e.data.scriptId, String(e.data.url ?? ''), e.data.sourceMapURL as string | undefined);
        if (map) await this.breakpoints.addSourceMap(map);
      }
      await this.sourceMaps.settled();
      await this.breakpoints.settled();
      if (this.stopOnEntryPending && top && this.args?.program && topUrl && urlToPath(topUrl) === this.args.program) {
        this.stopOnEntryPending = false;
        this.reportStop(e, { reason: 'entry', description: 'Paused on entry', breakpointIds: [] });
        return;
      }
      if (top) userHits = [...new Set([...userHits, ...this.breakpoints.userBreakpointsAt(top.location)])];
      if (userHits.length === 0) {
        await this.resumeSilently(cdp);
        return;
      }
    }
    if (this.runningTo !== undefined && e.reason !== 'exception' && e.reason !== 'promiseRejection') {
      // Running to a recorded operation passes breakpoints on the way.
      await this.resumeSilently(cdp);
      return;
    }
    if (userHits.length > 0) {
      const stopping: number[] = [];
      for (const bp of userHits) {
        if (!this.breakpoints.countHit(bp)) continue;
        if (bp.spec.logMessage !== undefined) {
          const text = await logpointText(cdp, e.callFrames[0], bp.spec.logMessage);
          if (text !== undefined) this.outputEmitter.fire({ category: 'console', text: `${text}\n` });
        } else {
          stopping.push(bp.id);
        }
      }
      if (stopping.length > 0) {
        this.reportStop(e, { reason: 'breakpoint', description: 'Paused on breakpoint', breakpointIds: stopping });
      } else if (this.pendingAction === 'step') {
        // A step that lands on a logpoint or an unmet hit count still ends as a step.
        this.reportStop(e, { reason: 'step', breakpointIds: [] });
      } else {
        await this.resumeSilently(cdp);
      }
      return;
    }
    if (e.reason === 'exception' || e.reason === 'promiseRejection') {
      const ex = e.data as Partial<RemoteObject> & { uncaught?: boolean } | undefined;
      const text = ex?.description ?? (ex?.value !== undefined ? String(ex.value) : 'exception');
      const uncaught = ex?.uncaught === true;
      this.reportStop(e, {
        reason: 'exception',
        description: `Paused on ${uncaught ? 'uncaught ' : ''}exception: ${text.split('\n')[0]}`,
        text,
        breakpointIds: [],
      });
      return;
    }
    if (this.pendingAction === 'step' && top && this.isSkipped(topUrl) && this.stepOutsFromSkipped++ < 20) {
      // A step into a durable call goes through the runtime and Node internals: step on out of them, back to user code.
      await cdp.send('Debugger.stepOut', {}).catch(() => undefined);
      return;
    }
    if (this.pendingAction === 'step') this.reportStop(e, { reason: 'step', breakpointIds: [] });
    else if (this.pendingAction === 'pause') this.reportStop(e, { reason: 'pause', description: 'Paused', breakpointIds: [] });
    else this.reportStop(e, { reason: 'breakpoint', description: 'Paused on debugger statement', breakpointIds: [] });
  }

  /**
   * stopOnEntry in a replay: the hook paused just before the runtime invokes the workflow function. Put a one-shot
   * breakpoint at the function's first line and run on to it (so the stop is in the user's code, mapped like any other).
   */
  private async stopAtWorkflowEntry(cdp: CdpClient, e: PausedEvent): Promise<void> {
    const name = this.dbos?.plan.workflowName ?? '';
    if (this.runningTo !== undefined) {
      await this.resumeSilently(cdp);
      return;
    }
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
        this.workflowEntryBreakpoint = r.breakpointId;
        await this.resumeSilently(cdp);
        return;
      }
    }
    // Not locatable (e.g. a native or bound function): stop where the runtime is about to call it.
    this.reportStop(e, { reason: 'entry', description: `Paused before workflow ${name} starts`, breakpointIds: [] });
  }

  private isSkipped(url: string): boolean {
    return !!this.dbos?.isHiddenUrl(url) || this.skipFiles.matches(url);
  }

  private reportStop(e: PausedEvent, info: StopInfo): void {
    this.stepOutsFromSkipped = 0;
    this.callFrames = e.callFrames;
    this.stateValue = 'paused';
    this.pendingAction = 'continue';
    if (this.travel.quiet) {
      this.travel.quietStop(info, this.dbos?.consumed.size ?? 0).catch((err: unknown) => this.travel.abort(err instanceof Error ? err : new Error(String(err))));
      return;
    }
    this.travel.recordStop(info, this.dbos?.consumed.size ?? 0);
    this.prepareStandby();
    // A step over (or into) durable calls says what they returned from the recording; their bodies never run.
    const action = this.lastAction;
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

  private async act(action: TravelAction): Promise<void> {
    this.requireCdp();
    this.requirePaused();
    this.travel.recordAction(action);
    this.lastAction = action;
    if (this.dbos) this.dbos.consumedSinceResume = [];
    if (typeof action === 'object') {
      this.requireReplay();
      this.runningTo = action.runTo;
      await this.dbos!.setRunTo(action.runTo);
      return this.resume('continue', 'Debugger.resume');
    }
    const methods = { continue: 'Debugger.resume', next: 'Debugger.stepOver', stepIn: 'Debugger.stepInto', stepOut: 'Debugger.stepOut' } as const;
    return this.resume(action === 'continue' ? 'continue' : 'step', methods[action]);
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

  private async resume(action: 'continue' | 'step', method: 'Debugger.resume' | 'Debugger.stepOver' | 'Debugger.stepInto' | 'Debugger.stepOut'): Promise<void> {
    const cdp = this.requireCdp();
    this.requirePaused();
    this.pendingAction = action;
    this.stateValue = 'running';
    this.callFrames = [];
    await cdp.send(method, {});
  }

  private async applyExceptionFilters(f: ExceptionFilters = this.exceptionFilters): Promise<void> {
    const state = f.caught ? 'all' : f.uncaught ? 'uncaught' : 'none';
    await this.requireCdp().send('Debugger.setPauseOnExceptions', { state });
  }

  private onDebuggeeExit(debuggee: DebuggeeProcess, e: DebuggeeExit): void {
    if (debuggee !== this.debuggee || this.silenced.has(debuggee)) return;
    if (this.travel.quiet) this.travel.abort(new Error(`the program exited (${describeExit(e.code, e.signal)}) before reaching that stop`));
    this.stateValue = 'exited';
    this.callFrames = [];
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
    this.requirePaused();
    const f = this.callFrames[index];
    if (!f) throw new AdapterError(ErrorCode.NoSuchFrame, `There is no stack frame ${index} in the current stop.`);
    return f;
  }

  private requirePaused(): void {
    if (this.stateValue !== 'paused') {
      throw new AdapterError(ErrorCode.NotPaused, this.stateValue === 'running' ? 'The program is running; pause it first.' : 'The program is not paused.');
    }
  }

  private requireCdp(): CdpClient {
    if (!this.cdp || this.cdp.isClosed || this.stateValue === 'idle' || this.stateValue === 'exited') {
      throw new AdapterError(ErrorCode.NotLaunched, this.stateValue === 'exited' ? 'The program has exited.' : 'The program has not been launched yet.');
    }
    return this.cdp;
  }
}
