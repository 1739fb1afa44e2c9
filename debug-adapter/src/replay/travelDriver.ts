// Time travel for the controller: records each part of a run with the breakpoints in force, and goes back (step back,
// reverse continue, run back to an operation) by re-running the program and re-executing the parts quietly under
// those breakpoints, through the debuggee's gate. Runs in the debug adapter process.
import { AdapterError, ErrorCode } from '../errors';
import { log } from '../logger';
import type { BreakpointManager } from './breakpoints';
import type { CdpClient } from './cdpClient';
import type { CallFrame } from './cdpTypes';
import type { ExceptionFilters, StopInfo } from './controllerTypes';
import type { DbosChannel, DbosSnapshot } from './dbosChannel';
import { latestEarlierStop } from './reverseSearch';
import { TimeTravel, type Segment, type TravelAction } from './timeTravel';
import { readSeq, setGate, startTrace, takeReached, takeTrace, type TraceEntry } from './travelGate';

/** The breakpoints and filters in force when an action was taken: a re-run applies them again for that part. */
interface TravelConfig {
  breakpoints: number[];
  dbos: DbosSnapshot | undefined;
  filters: ExceptionFilters;
}

/** What the driver needs of the controller. */
export interface TravelHost {
  readonly breakpoints: BreakpointManager;
  cdp(): CdpClient;
  /** The replay channel (undefined when plain Node is debugged: then only the bookkeeping runs). */
  dbos(): DbosChannel | undefined;
  exceptionFilters(): ExceptionFilters;
  applyExceptionFilters(filters: ExceptionFilters): Promise<void>;
  /** A fresh debuggee of the same program that starts with `initial`. */
  relaunch(initial: TravelAction): Promise<void>;
  /** Resumes the paused debuggee with an action. */
  act(action: TravelAction): Promise<void>;
  /** The paused top frame and its script URL. */
  top(): { frame: CallFrame; url: string } | undefined;
  output(text: string): void;
  /** Shows a stop to the user. */
  stopped(info: StopInfo): void;
  prepareStandby(): void;
}

export class TravelDriver {
  private readonly travel = new TimeTravel<TravelConfig>();
  /** Reverse continue's first re-run: the clock at each stop. */
  private tracing: { seqs: number[] } | undefined;
  /** When the current travel began (a reverse continue may re-run twice). */
  private started: number | undefined;

  constructor(private readonly host: TravelHost) {}

  /** True while re-executing: stops, output and exits are not shown. */
  get quiet(): boolean {
    return this.travel.quiet;
  }

  /** A fresh run (launch, restart). */
  reset(initial: TravelAction): void {
    this.travel.reset(initial, this.currentConfig());
    this.retainBreakpoints();
  }

  recordAction(action: TravelAction): void {
    this.travel.recordAction(action, this.currentConfig());
  }

  recordStop(info: StopInfo, consumed: number): void {
    this.travel.recordStop({ reason: info.reason, consumed });
  }

  abort(e: Error): void {
    this.travel.abort(e);
    this.started = undefined;
  }

  /** A new debuggee, before it runs: the breakpoints of the part it starts with (the user's own, unless re-running). */
  async prepare(cdp: CdpClient): Promise<void> {
    await this.applyConfig(this.travel.quiet ? this.travel.currentSegment() : undefined, cdp);
    if (this.tracing) await startTrace(cdp);
  }

  /** During a re-run whose part ends at a chosen pass: the stop to show if this pause is that pass. */
  async endingAt(cdp: CdpClient): Promise<StopInfo | undefined> {
    const ending = this.travel.currentSegment()?.target;
    if (!ending || !(await takeReached(cdp).catch(() => false))) return undefined;
    return { ...ending.stop };
  }

  /** A stop while re-running: the destination (shown, under the user's breakpoints again), or on to the next part. */
  async quietStop(info: StopInfo, consumed: number): Promise<void> {
    const cdp = this.host.cdp();
    if (this.tracing) this.tracing.seqs.push(await readSeq(cdp));
    const r = this.travel.onQuietStop({ reason: info.reason, consumed });
    if (!r.arrived) {
      await this.applyConfig(r.next, cdp);
      return this.host.act(r.next.action);
    }
    this.retainBreakpoints();
    if (!r.announce) {
      // Reverse continue's second run follows at once.
      this.host.prepareStandby();
      return;
    }
    await this.applyConfig(undefined, cdp);
    const ms = this.started === undefined ? undefined : Math.round(performance.now() - this.started);
    this.started = undefined;
    this.host.output(`Travelled back: the replay ran again to here (${consumed} recorded operations answered${ms === undefined ? '' : `, ${ms} ms`}).\n`);
    // The travel request answers first; its stop follows.
    setImmediate(() => {
      this.host.stopped({ ...info, description: `${info.description ?? 'Paused'} (travelled back)` });
      this.host.prepareStandby();
    });
  }

  /** Back to the previous stop. */
  stepBack(): Promise<void> {
    const target = this.travel.position - 1;
    if (target < 0) throw new AdapterError(ErrorCode.TimeTravelFailed, 'This is the first stop of the replay: there is nothing before it to step back to.');
    return this.travelTo(target);
  }

  /** Back to a recorded operation that already ran: to the part of this run where it was, stopping at it. */
  runBackTo(functionId: number, name: string, consumedIndex: number): Promise<void> {
    const segment = this.travel.history.findIndex((stop) => stop.consumed > consumedIndex);
    this.started = performance.now();
    return this.travelTo(segment < 0 ? this.travel.position : segment, { ending: {
      gate: { functionId }, stop: { reason: 'step', description: `Ran to recorded operation #${functionId} ${name}`.trimEnd(), breakpointIds: [] } } });
  }

  /**
   * Back to the latest earlier point where a breakpoint the user has now stops (set before or after the program passed
   * it), a function breakpoint, or an exception stop, else to the first stop.
   */
  async reverseContinue(): Promise<void> {
    const current = this.currentConfig();
    if (this.travel.allSegments().every((s) => sameConfig(s.config, current))) {
      // The breakpoints never changed in this run: its own stops are all the breakpoint hits there were.
      if (this.travel.position === 0) throw new AdapterError(ErrorCode.TimeTravelFailed, 'This is the first stop of the replay: there is nothing before it.');
      return this.travelTo(this.travel.previousBreak());
    }
    // Re-run to here recording every breakpoint pass and operation, then go to the latest one that stops now.
    this.started = performance.now();
    const here = this.travel.position;
    const history = [...this.travel.history];
    this.tracing = { seqs: [] };
    let trace: TraceEntry[];
    let seqs: number[];
    try {
      await this.travelTo(here, { announce: false });
      trace = await takeTrace(this.host.cdp());
      seqs = this.tracing.seqs;
    } finally {
      this.tracing = undefined;
    }
    log('replay', `reverse continue trace: ${trace.filter((x) => x.kind === 'bp').length} breakpoint passes, ${trace.filter((x) => x.kind === 'op').length} operations, clock at stops ${seqs.join(', ')}`);
    const top = this.host.top();
    const { breakpoints } = this.host;
    const choice = latestEarlierStop({
      trace, seqs, history,
      pausedAtOperation: !!top && !!this.host.dbos()?.isPauseScript(top.url),
      boundHere: (id) => !!top && !!breakpoints.byId(id)?.locations.some((l) => l.scriptId === top.frame.location.scriptId
        && l.lineNumber === top.frame.location.lineNumber && (l.columnNumber ?? 0) === (top.frame.location.columnNumber ?? 0)),
      stopsAtPass: (id, n) => {
        const bp = breakpoints.byId(id);
        return !!bp && breakpoints.isCurrent(id) && bp.spec.logMessage === undefined && (!bp.hitTest || bp.hitTest(n));
      },
      functionStops: (ops) => this.host.dbos()?.stopsInTrace(ops, current.dbos) ?? new Map(),
    });
    log('replay', `reverse continue: ${JSON.stringify(choice)}`);
    if (choice.kind === 'stop') return this.travelTo(choice.index);
    return this.travelTo(choice.segment, { ending: choice.ending });
  }

  /**
   * Re-runs the program to stop `target` of this run (or to a pass inside segment `target`), quietly re-executing the
   * actions that led there under the breakpoints in force then.
   */
  private async travelTo(target: number, options: { announce?: boolean; ending?: Segment<TravelConfig>['target'] } = {}): Promise<void> {
    const { first, arrived } = this.travel.begin(target, { announce: options.announce ?? true, ending: options.ending });
    this.started ??= performance.now();
    log('replay', `travel to stop ${target}${options.ending ? ` ending at ${JSON.stringify(options.ending.gate)}` : ''}`);
    try {
      await this.host.relaunch(first.action);
      await arrived;
    } catch (e) {
      this.abort(e instanceof Error ? e : new Error(String(e)));
      throw new AdapterError(ErrorCode.TimeTravelFailed, `Cannot go back to stop ${target + 1} of this replay: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private currentConfig(): TravelConfig {
    return { breakpoints: this.host.breakpoints.currentIds(), dbos: this.host.dbos()?.snapshot(), filters: this.host.exceptionFilters() };
  }

  /** Puts a part's breakpoints and filters (and its target) in force in the debuggee; undefined: the user's own now. */
  private async applyConfig(segment: Segment<TravelConfig> | undefined, cdp: CdpClient): Promise<void> {
    const config = segment?.config ?? this.currentConfig();
    await setGate(cdp, { active: config.breakpoints, target: segment?.target?.gate ?? null });
    if (config.dbos) await this.host.dbos()?.restore(config.dbos);
    await this.host.applyExceptionFilters(config.filters);
  }

  /** Replaced breakpoints stay bound only while some part of the history still needs them. */
  private retainBreakpoints(): void {
    this.host.breakpoints.retain(new Set(this.travel.allSegments().flatMap((s) =>
      [...s.config.breakpoints, ...s.target && 'bp' in s.target.gate ? [s.target.gate.bp] : []])));
  }
}

function sameConfig(a: TravelConfig, b: TravelConfig): boolean {
  return a.dbos?.functionBreakpoints === b.dbos?.functionBreakpoints && a.dbos?.filters === b.dbos?.filters && a.filters === b.filters
    && a.breakpoints.length === b.breakpoints.length && a.breakpoints.every((id, i) => id === b.breakpoints[i]);
}
