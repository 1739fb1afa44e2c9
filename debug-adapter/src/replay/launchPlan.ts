// The seam between a launch configuration and the debuggee's command line: preload arguments and environment.
// Runs in the debug adapter process. The only module that will know where the built replay runtime lives.
import type { ValidatedLaunchArguments } from '../launchArguments';

export interface LaunchPlan {
  /** Node arguments placed before the program, e.g. `--require <dist/replay-runtime.js>`. */
  preload: string[];
  /** Environment added to the debuggee's, e.g. where the runtime finds the trace. Never a database URL. */
  env: Record<string, string>;
}

/**
 * Plain Node debugging for now: nothing preloaded. Replay wires in here (next step): when `workflowId` or
 * `traceFile` is set, load the trace through the history reader, write it where the runtime reads it, and
 * return `--require <built runtime>` plus the env that points the runtime at that trace.
 */
export function launchPlan(_args: ValidatedLaunchArguments): LaunchPlan {
  return { preload: [], env: {} };
}
