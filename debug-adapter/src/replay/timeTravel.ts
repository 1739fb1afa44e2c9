// Time travel bookkeeping: the stops of one replay run, the action that led to each and the breakpoints in force when
// it was taken, so the controller can go back to stop k by re-running the program and re-executing segments 0..k
// quietly under the same breakpoints (a replay is deterministic, so the re-run passes exactly the same points).
// Runs in the debug adapter process.
import type { GateTarget } from './travelGate';

/** What led from one stop to the next; the first action is how the run itself started. */
export type TravelAction = 'continue' | 'next' | 'stepIn' | 'stepOut' | { runTo: number };

export interface StopRecord {
  reason: string;
  /** Operations consumed when this stop was reached. */
  consumed: number;
}

/** The stop a segment with a target ends at (a breakpoint pass found by reverse continue, an operation run back to). */
export interface TargetStop {
  reason: 'breakpoint' | 'function breakpoint' | 'step';
  description: string;
  breakpointIds: number[];
}

/** The part of a run from one stop to the next: the action taken and the breakpoints (config C) in force. */
export interface Segment<C> {
  action: TravelAction;
  config: C;
  /** Ends at this pass instead of where the action alone would (reverse continue to a breakpoint set later). */
  target?: { gate: GateTarget; stop: TargetStop };
}

interface Journey<C> {
  target: number;
  /** Stops seen so far in the re-run. */
  seen: number;
  segments: Segment<C>[];
  stops: StopRecord[];
  /** False while tracing for reverse continue: the arrival is not shown to the user. */
  announce: boolean;
  resolve(): void;
  reject(e: Error): void;
}

export class TimeTravel<C> {
  /** segments[i] led to stops[i]; while the program runs there is one more segment than stops. */
  private segments: Segment<C>[] = [];
  private stops: StopRecord[] = [];
  private journey: Journey<C> | undefined;

  /** Index of the current stop (-1 before the first). */
  get position(): number {
    return this.stops.length - 1;
  }

  get history(): readonly StopRecord[] {
    return this.stops;
  }

  /** Every segment of the history (and of a journey under way): their configs and targets must stay re-playable. */
  allSegments(): readonly Segment<C>[] {
    return [...this.segments, ...(this.journey?.segments ?? [])];
  }

  /** The segment being re-executed now, during a journey. */
  currentSegment(): Segment<C> | undefined {
    const j = this.journey;
    return j ? j.segments[j.seen + 1] : undefined;
  }

  /** A fresh run starts with `initial` (continue, or run to an operation). */
  reset(initial: TravelAction, config: C): void {
    this.segments = [{ action: initial, config }];
    this.stops = [];
  }

  /** The user resumed from the current stop. */
  recordAction(action: TravelAction, config: C): void {
    if (this.journey) return;
    this.segments.length = this.stops.length;
    this.segments.push({ action, config });
  }

  recordStop(stop: StopRecord): void {
    if (this.journey) return;
    this.stops.push(stop);
  }

  /** The latest earlier stop that a breakpoint or an exception made (not a step), else the first stop. */
  previousBreak(): number {
    for (let i = this.position - 1; i >= 0; i--) {
      if (this.stops[i].reason !== 'step' && this.stops[i].reason !== 'pause') return i;
    }
    return 0;
  }

  /**
   * Plans a re-run to stop `target`, or with `ending`, to a pass inside segment `target` (the stop found there replaces
   * stop `target` and everything after it). `arrived` resolves when the controller reaches it.
   */
  begin(
    target: number,
    options: { announce: boolean; ending?: Segment<C>['target'] },
  ): { first: Segment<C>; arrived: Promise<void> } {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const arrived = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const segments = this.segments.slice(0, target + 1);
    if (options.ending) segments[target] = { ...segments[target], target: options.ending };
    const stops = this.stops.slice(0, options.ending ? target : target + 1);
    this.journey = { target, seen: -1, segments, stops, announce: options.announce, resolve, reject };
    return { first: segments[0], arrived };
  }

  /**
   * A stop during a re-run: either the target (history is cut there, the journey ends, the caller shows the stop if
   * `announce`) or an intermediate one (the caller re-executes the returned segment quietly).
   */
  onQuietStop(stop: StopRecord): { arrived: true; announce: boolean } | { arrived: false; next: Segment<C> } {
    const j = this.journey!;
    j.seen++;
    if (j.seen >= j.target) {
      this.segments = j.segments;
      this.stops = j.stops.length > j.target ? j.stops : [...j.stops, stop];
      this.journey = undefined;
      j.resolve();
      return { arrived: true, announce: j.announce };
    }
    return {
      arrived: false,
      next: j.segments[j.seen + 1] ?? { action: 'continue', config: j.segments[j.seen].config },
    };
  }

  /** The re-run ended some other way (the program exited, the adapter failed). */
  abort(e: Error): void {
    const j = this.journey;
    this.journey = undefined;
    j?.reject(e);
  }
}
