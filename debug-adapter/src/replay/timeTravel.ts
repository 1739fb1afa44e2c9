// Time travel bookkeeping: the stops of one replay run and the actions that led to each, so the controller can go
// back to stop k by re-running the program and re-executing actions 0..k quietly (a replay is deterministic).
// Runs in the debug adapter process.

/** What led from one stop to the next; the first action is how the run itself started. */
export type TravelAction = 'continue' | 'next' | 'stepIn' | 'stepOut' | { runTo: number };

export interface StopRecord {
  reason: string;
  /** Operations consumed when this stop was reached. */
  consumed: number;
}

interface Journey {
  target: number;
  /** Stops seen so far in the re-run. */
  seen: number;
  actions: TravelAction[];
  stops: StopRecord[];
  resolve(): void;
  reject(e: Error): void;
}

export class TimeTravel {
  private actions: TravelAction[] = [];
  private stops: StopRecord[] = [];
  private journey: Journey | undefined;

  /** Index of the current stop (-1 before the first). */
  get position(): number {
    return this.stops.length - 1;
  }

  /** True while re-executing: stops, output and exits are not shown. */
  get quiet(): boolean {
    return this.journey !== undefined;
  }

  /** A fresh run starts with `initial` (continue, or run to an operation). */
  reset(initial: TravelAction = 'continue'): void {
    this.actions = [initial];
    this.stops = [];
  }

  /** The user resumed from the current stop. */
  recordAction(action: TravelAction): void {
    if (this.journey) return;
    this.actions.length = this.stops.length;
    this.actions.push(action);
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

  /** Plans a re-run to stop `target`; `arrived` resolves when the controller reaches it. */
  begin(target: number): { initial: TravelAction; arrived: Promise<void> } {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const arrived = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.journey = { target, seen: -1, actions: this.actions.slice(0, target + 1), stops: this.stops.slice(0, target + 1), resolve, reject };
    return { initial: this.journey.actions[0] ?? 'continue', arrived };
  }

  /**
   * A stop during a re-run: either the target (history is cut there, the journey ends, the caller shows the stop)
   * or an intermediate one (the caller re-executes the returned action quietly).
   */
  onQuietStop(): { arrived: true } | { arrived: false; next: TravelAction } {
    const j = this.journey!;
    j.seen++;
    if (j.seen >= j.target) {
      this.actions = j.actions;
      this.stops = j.stops;
      this.journey = undefined;
      j.resolve();
      return { arrived: true };
    }
    return { arrived: false, next: j.actions[j.seen + 1] ?? 'continue' };
  }

  /** The re-run ended some other way (the program exited, the adapter failed). */
  abort(e: Error): void {
    const j = this.journey;
    this.journey = undefined;
    j?.reject(e);
  }
}
