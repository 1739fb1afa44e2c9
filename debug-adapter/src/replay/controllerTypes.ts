// The shapes the replay controller reports to the DAP session: states, stops, output, exits, frames, scopes, filters.
// Runs in the debug adapter process. Positions are 0-based; nothing here is a DAP type.

import type { RunState } from './runState';

/** The kind of the controller's run state: idle, launching, running, paused, travelling or exited. */
export type ControllerState = RunState['kind'];

export type StopReason = 'entry' | 'breakpoint' | 'step' | 'pause' | 'exception' | 'function breakpoint';

export interface StopInfo {
  reason: StopReason;
  /** Short text for the UI (e.g. "Paused on exception"). */
  description?: string;
  /** Longer detail, e.g. the exception's message. */
  text?: string;
  /** User breakpoint ids that caused the stop. */
  breakpointIds: number[];
}

export interface OutputInfo {
  category: 'stdout' | 'stderr' | 'console' | 'important';
  text: string;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** One line (plus the first stderr lines after a crash) to show the user. */
  message: string;
}

export interface StackFrameInfo {
  index: number;
  name: string;
  /** Original source path when mapped, else the script's path; undefined for Node internals. */
  path: string | undefined;
  /** Name to show when there is no path (e.g. `node:internal/…`). */
  sourceName: string;
  line0: number;
  column0: number;
  /** In skipFiles (Node internals, node_modules): de-emphasize. */
  skipped: boolean;
}

export interface ScopeInfo {
  name: string;
  objectId: string | undefined;
  expensive: boolean;
}

/** Exception stops: V8's (uncaught, caught) and the replay's (divergence, a recorded step error, I/O outside a step). */
export interface ExceptionFilters {
  uncaught: boolean;
  caught: boolean;
  divergence: boolean;
  recordedStepError: boolean;
  sideEffect: boolean;
}

export type EvaluateContext = 'watch' | 'hover' | 'repl' | 'clipboard' | 'variables';
