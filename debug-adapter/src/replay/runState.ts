// The replay controller's run state as one value: what the debuggee is doing (launching, running, paused), whether it
// is re-running quietly for time travel, and the data each of those carries; and the one place it changes.
// Runs in the debug adapter process.
import { errors } from '../errors';
import { log } from '../logger';
import type { CallFrame, PausedEvent } from './cdpTypes';
import type { TravelAction } from './timeTravel';

/** The debuggee's own phase, as the controller drives it. */
export type Phase =
  /** Started (or being started), connected, waiting for run(); `prerun`: a standby already paused at the program's first line. */
  | { kind: 'launching'; prerun: PausedEvent | undefined }
  | {
      kind: 'running';
      /** What the user (or a time travel re-run) resumed with; a run starts with 'continue' or a run to an operation. */
      action: TravelAction;
      /** A pause was requested: the next pause is that request's (unless something else claims it). */
      pausing: boolean;
      /** Running to recorded operation #runTo: breakpoints on the way are passed. */
      runTo: number | undefined;
      /** A step out of skipped code (the runtime, Node internals) already taken by this step, to give up after 20. */
      stepOuts: number;
    }
  | {
      kind: 'paused';
      frames: CallFrame[];
      /** An exception stop on the way to an operation does not end the run to it: resuming runs on to it. */
      runTo: number | undefined;
    };

export type RunState =
  | { kind: 'idle' }
  | Phase
  /** Time travel re-runs the program quietly (no stops, output or exits shown) to an earlier stop; `phase` is the re-run's. */
  | { kind: 'travelling'; phase: Phase }
  | { kind: 'exited' };

/** stopOnEntry's one-shot stops still due in one debuggee's run (they outlive the phases between). */
export interface EntryStops {
  /** Plain Node: stop at the program's first line. */
  program: boolean;
  /** The CDP breakpoint at the program's first line (it pauses a module compiled by a loader before it runs). */
  programBreakpoint: string | undefined;
  /** Replay: the one-shot CDP breakpoint at the first line of the workflow function. */
  workflowBreakpoint: string | undefined;
}

export const NO_ENTRY_STOPS: EntryStops = {
  program: false,
  programBreakpoint: undefined,
  workflowBreakpoint: undefined,
};

/** The debuggee's phase, travelling or not; idle and exited have none. */
export function phaseOf(state: RunState): Phase | undefined {
  if (state.kind === 'travelling') return state.phase;
  return state.kind === 'idle' || state.kind === 'exited' ? undefined : state;
}

/** The state after the debuggee enters `phase`: a quiet re-run stays quiet until it arrives. */
export function withPhase(state: RunState, phase: Phase): RunState {
  return state.kind === 'travelling' ? { kind: 'travelling', phase } : phase;
}

/** Running from a pause (or the launch) with `action`. */
export function running(action: TravelAction, runTo: number | undefined): Phase {
  return {
    kind: 'running',
    action,
    pausing: false,
    runTo: typeof action === 'object' ? action.runTo : runTo,
    stepOuts: 0,
  };
}

export function isStep(action: TravelAction): boolean {
  return action === 'next' || action === 'stepIn' || action === 'stepOut';
}

/** What the next pause ends: a step, a pause request, or a continue (also when the debuggee is not running). */
export function pendingOf(state: RunState): 'continue' | 'step' | 'pause' {
  const p = phaseOf(state);
  if (p?.kind !== 'running') return 'continue';
  return p.pausing ? 'pause' : isStep(p.action) ? 'step' : 'continue';
}

/** The operation being run to, if any. */
export function runToOf(state: RunState): number | undefined {
  const p = phaseOf(state);
  return p?.kind === 'running' || p?.kind === 'paused' ? p.runTo : undefined;
}

/** One line for the log. */
export function describeState(state: RunState): string {
  const p = phaseOf(state);
  const phase = !p
    ? ''
    : p.kind === 'running'
      ? `running ${typeof p.action === 'object' ? `to #${p.action.runTo}` : p.action}${p.pausing ? ' (pause requested)' : ''}${p.runTo !== undefined ? ` runTo #${p.runTo}` : ''}`
      : p.kind === 'paused'
        ? `paused (${p.frames.length} frames)`
        : `launching${p.prerun ? ' (pre-run)' : ''}`;
  return state.kind === 'travelling' ? `travelling: ${phase}` : p ? phase : state.kind;
}

/** Holds a run state: every change goes through enter(), which logs it. */
export class RunStateCell {
  private value: RunState = { kind: 'idle' };

  get now(): RunState {
    return this.value;
  }

  get kind(): RunState['kind'] {
    return this.value.kind;
  }

  /** The debuggee's phase, travelling or not. */
  get phase(): Phase | undefined {
    return phaseOf(this.value);
  }

  enter(next: RunState): void {
    const from = describeState(this.value);
    const to = describeState(next);
    if (from !== to) log('replay', `state: ${from} -> ${to}`);
    this.value = next;
  }

  /** The debuggee enters `phase`; a quiet re-run stays quiet. */
  setPhase(phase: Phase): void {
    this.enter(withPhase(this.value, phase));
  }

  /** A new debuggee is being started: for the user, or (`travelling`) for a quiet re-run. */
  launching(travelling: boolean): void {
    const phase: Phase = { kind: 'launching', prerun: undefined };
    this.enter(travelling ? { kind: 'travelling', phase } : phase);
  }

  /** The quiet re-run is over (arrived, or failed where it got to): its phase is the user's. */
  endTravel(): void {
    if (this.value.kind === 'travelling') this.enter(this.value.phase);
  }

  /** The paused phase, or the error a request that needs a stop answers with. */
  paused(): Extract<Phase, { kind: 'paused' }> {
    const phase = this.phase;
    if (phase?.kind !== 'paused') throw errors.notPaused(phase?.kind === 'running');
    return phase;
  }

  /** Frame `index` of the current stop. */
  frame(index: number): CallFrame {
    const f = this.paused().frames[index];
    if (!f) throw errors.noSuchFrame(index);
    return f;
  }

  /** The inspector connection of a live debuggee, or the error a request that needs one answers with. */
  live<T extends { readonly isClosed: boolean }>(cdp: T | undefined): T {
    if (!cdp || cdp.isClosed || this.value.kind === 'idle' || this.value.kind === 'exited') {
      throw errors.notLaunched(
        this.value.kind === 'exited' ? 'The program has exited.' : 'The program has not been launched yet.',
      );
    }
    return cdp;
  }
}
