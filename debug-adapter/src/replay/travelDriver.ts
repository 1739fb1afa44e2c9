// Time travel for the controller: records each part of a run with the breakpoints in force, and goes back (step back,
// reverse continue, run back to an operation) by re-running the program and re-executing the parts quietly under
// those breakpoints, through the debuggee's gate. Runs in the debug adapter process.
import { errors } from '../errors';
import { log } from '../logger';
import type { BreakpointManager } from './breakpoints';
import type { CdpClient } from './cdpClient';
import type { CallFrame } from './cdpTypes';
import type { ExceptionFilters, StopInfo } from './controllerTypes';
import type { DbosChannel, DbosSnapshot } from './dbosChannel';
import { setPauseOnExceptions } from './pauseOnExceptions';
import { latestEarlierStop } from './reverseSearch';
import { TimeTravel, type Segment, type TravelAction } from './timeTravel';
import { readSeq, setGate, startTrace, takeReached, takeTrace, type TraceEntry } from './travelGate';

/** The breakpoints and filters in force when an action was taken: a re-run applies them again for that part. */
interface TravelConfig {
  breakpoints: number[];
  dbos: DbosSnapshot | undefined;
  filters: ExceptionFilters;
}

/**
 * What is in force now besides the breakpoints: the replay channel (absent when plain Node is debugged: then only the
 * bookkeeping runs) and the user's exception filters.
 */
export interface InForce {
  dbos: DbosChannel | undefined;
  filters: ExceptionFilters;
}

/** What a travel request runs with. */
export interface TravelContext extends InForce {
  /** Replaces the debuggee with a fresh one of the same program that starts with `initial`, re-running quietly. */
  relaunch(initial: TravelAction): Promise<void>;
}

/** A stop the quiet re-run came to. */
export interface QuietPause extends InForce {
  cdp: CdpClient;
  /** Operations consumed so far in this re-run. */
  consumed: number;
  /** The paused top frame and its script URL. */
  top: { frame: CallFrame; url: string } | undefined;
}

/** What the controller does after a quiet stop. */
export type QuietStep =
  /** Re-execute the next part (its breakpoints and filters are in force now). */
  | { kind: 'next'; action: TravelAction }
  /** Arrived, not shown: reverse continue's trace run, its second run follows at once. */
  | { kind: 'arrived'; announce: false }
  /** Arrived (the user's breakpoints are in force again): write `message`, then show `stop` once the request answered. */
  | { kind: 'arrived'; announce: true; message: string; stop: StopInfo };

export class TravelDriver {
  private readonly travel = new TimeTravel<TravelConfig>();
  /** Reverse continue's first re-run: the clock at each stop. */
  private tracing: { seqs: number[] } | undefined;
  /** When the current travel began (a reverse continue may re-run twice). */
  private started: number | undefined;
  /** Where the last travel arrived. */
  private arrival: QuietPause | undefined;

  constructor(private readonly breakpoints: BreakpointManager) {}

  /** A fresh run (launch, restart). */
  reset(initial: TravelAction, now: InForce): void {
    this.travel.reset(initial, this.configOf(now));
    this.retainBreakpoints();
  }

  recordAction(action: TravelAction, now: InForce): void {
    this.travel.recordAction(action, this.configOf(now));
  }

  recordStop(info: StopInfo, consumed: number): void {
    this.travel.recordStop({ reason: info.reason, consumed });
  }

  abort(e: Error): void {
    this.travel.abort(e);
    this.started = undefined;
  }

  /** A new debuggee, before it runs: the breakpoints of the part it starts with (the user's own, unless re-running). */
  async prepare(cdp: CdpClient, now: InForce): Promise<void> {
    await this.applyConfig(this.travel.currentSegment(), cdp, now);
    if (this.tracing) await startTrace(cdp);
  }

  /** During a re-run whose part ends at a chosen pass: the stop to show if this pause is that pass. */
  async endingAt(cdp: CdpClient): Promise<StopInfo | undefined> {
    const ending = this.travel.currentSegment()?.target;
    if (!ending || !(await takeReached(cdp).catch(() => false))) return undefined;
    return { ...ending.stop };
  }

  /** A stop while re-running: on to the next part, or arrived at the destination (shown, under the user's breakpoints again). */
  async quietStop(info: StopInfo, here: QuietPause): Promise<QuietStep> {
    if (this.tracing) this.tracing.seqs.push(await readSeq(here.cdp));
    const r = this.travel.onQuietStop({ reason: info.reason, consumed: here.consumed });
    if (!r.arrived) {
      await this.applyConfig(r.next, here.cdp, here);
      return { kind: 'next', action: r.next.action };
    }
    this.arrival = here;
    this.retainBreakpoints();
    // Reverse continue's second run follows at once.
    if (!r.announce) return { kind: 'arrived', announce: false };
    await this.applyConfig(undefined, here.cdp, here);
    const ms = this.started === undefined ? undefined : Math.round(performance.now() - this.started);
    this.started = undefined;
    return {
      kind: 'arrived',
      announce: true,
      message: `Travelled back: the replay ran again to here (${here.consumed} recorded operations answered${ms === undefined ? '' : `, ${ms} ms`}).\n`,
      stop: { ...info, description: `${info.description ?? 'Paused'} (travelled back)` },
    };
  }

  /** Back to the previous stop. */
  async stepBack(ctx: TravelContext): Promise<void> {
    const target = this.travel.position - 1;
    if (target < 0) throw errors.nothingBefore(' to step back to');
    await this.travelTo(target, ctx);
  }

  /** Back to a recorded operation that already ran: to the part of this run where it was, stopping at it. */
  async runBackTo(functionId: number, name: string, consumedIndex: number, ctx: TravelContext): Promise<void> {
    const segment = this.travel.history.findIndex((stop) => stop.consumed > consumedIndex);
    this.started = performance.now();
    await this.travelTo(segment < 0 ? this.travel.position : segment, ctx, {
      ending: {
        gate: { functionId },
        stop: {
          reason: 'step',
          description: `Ran to recorded operation #${functionId} ${name}`.trimEnd(),
          breakpointIds: [],
        },
      },
    });
  }

  /**
   * Back to the latest earlier point where a breakpoint the user has now stops (set before or after the program passed
   * it), a function breakpoint, or an exception stop, else to the first stop.
   */
  async reverseContinue(ctx: TravelContext): Promise<void> {
    const current = this.configOf(ctx);
    if (this.travel.allSegments().every((s) => sameConfig(s.config, current))) {
      // The breakpoints never changed in this run: its own stops are all the breakpoint hits there were.
      if (this.travel.position === 0) throw errors.nothingBefore('');
      await this.travelTo(this.travel.previousBreak(), ctx);
      return;
    }
    // Re-run to here recording every breakpoint pass and operation, then go to the latest one that stops now.
    this.started = performance.now();
    const here = this.travel.position;
    const history = [...this.travel.history];
    this.tracing = { seqs: [] };
    let trace: TraceEntry[];
    let seqs: number[];
    let top: QuietPause['top'];
    try {
      const arrival = await this.travelTo(here, ctx, { announce: false });
      trace = await takeTrace(arrival.cdp);
      seqs = this.tracing.seqs;
      top = arrival.top;
    } finally {
      this.tracing = undefined;
    }
    log(
      'replay',
      `reverse continue trace: ${trace.filter((x) => x.kind === 'bp').length} breakpoint passes, ${trace.filter((x) => x.kind === 'op').length} operations, clock at stops ${seqs.join(', ')}`,
    );
    const { breakpoints } = this;
    const choice = latestEarlierStop({
      trace,
      seqs,
      history,
      pausedAtOperation: !!top && !!ctx.dbos?.isPauseScript(top.url),
      boundHere: (id) =>
        !!top &&
        !!breakpoints
          .byId(id)
          ?.locations.some(
            (l) =>
              l.scriptId === top.frame.location.scriptId &&
              l.lineNumber === top.frame.location.lineNumber &&
              (l.columnNumber ?? 0) === (top.frame.location.columnNumber ?? 0),
          ),
      stopsAtPass: (id, n) => {
        const bp = breakpoints.byId(id);
        return !!bp && breakpoints.isCurrent(id) && bp.spec.logMessage === undefined && (!bp.hitTest || bp.hitTest(n));
      },
      functionStops: (ops) => ctx.dbos?.stopsInTrace(ops, current.dbos) ?? new Map(),
    });
    log('replay', `reverse continue: ${JSON.stringify(choice)}`);
    if (choice.kind === 'stop') await this.travelTo(choice.index, ctx);
    else await this.travelTo(choice.segment, ctx, { ending: choice.ending });
  }

  /**
   * Re-runs the program to stop `target` of this run (or to a pass inside segment `target`), quietly re-executing the
   * actions that led there under the breakpoints in force then. Resolves with the stop it arrived at.
   */
  private async travelTo(
    target: number,
    ctx: TravelContext,
    options: { announce?: boolean; ending?: Segment<TravelConfig>['target'] } = {},
  ): Promise<QuietPause> {
    const { first, arrived } = this.travel.begin(target, {
      announce: options.announce ?? true,
      ending: options.ending,
    });
    this.started ??= performance.now();
    log(
      'replay',
      `travel to stop ${target}${options.ending ? ` ending at ${JSON.stringify(options.ending.gate)}` : ''}`,
    );
    try {
      this.arrival = undefined;
      await ctx.relaunch(first.action);
      await arrived;
      if (!this.arrival) throw new Error('the re-run ended without a stop');
      return this.arrival;
    } catch (e) {
      this.abort(e instanceof Error ? e : new Error(String(e)));
      throw errors.cannotTravel(target + 1, e instanceof Error ? e.message : String(e));
    }
  }

  /** The config of a part taken now. */
  private configOf(now: InForce): TravelConfig {
    return { breakpoints: this.breakpoints.currentIds(), dbos: now.dbos?.snapshot(), filters: now.filters };
  }

  /** Puts a part's breakpoints and filters (and its target) in force in the debuggee; undefined: the user's own now. */
  private async applyConfig(segment: Segment<TravelConfig> | undefined, cdp: CdpClient, now: InForce): Promise<void> {
    const config = segment?.config ?? this.configOf(now);
    await setGate(cdp, { active: config.breakpoints, target: segment?.target?.gate ?? null });
    if (config.dbos) await now.dbos?.restore(config.dbos);
    await setPauseOnExceptions(cdp, config.filters);
  }

  /** Replaced breakpoints stay bound only while some part of the history still needs them. */
  private retainBreakpoints(): void {
    this.breakpoints.retain(
      new Set(
        this.travel
          .allSegments()
          .flatMap((s) => [...s.config.breakpoints, ...(s.target && 'bp' in s.target.gate ? [s.target.gate.bp] : [])]),
      ),
    );
  }
}

function sameConfig(a: TravelConfig, b: TravelConfig): boolean {
  return (
    a.dbos?.functionBreakpoints === b.dbos?.functionBreakpoints &&
    a.dbos?.filters === b.dbos?.filters &&
    a.filters === b.filters &&
    a.breakpoints.length === b.breakpoints.length &&
    a.breakpoints.every((id, i) => id === b.breakpoints[i])
  );
}
