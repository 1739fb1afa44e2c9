// Names and argument shapes of the adapter's custom DAP requests, shared with the extension (which imports this file).
// Runs in the debug adapter process and in the extension host; imports nothing.

export enum CustomRequest {
  /** Run (forward, or back by re-running) to the call of recorded operation `functionId`. */
  RunToOperation = 'dbosReplay/runToOperation',
}

export interface RunToOperationArguments {
  /** function_id of the recorded operation in the replayed workflow. */
  functionId: number;
}
