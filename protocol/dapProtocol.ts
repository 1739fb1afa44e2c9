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

/**
 * Extension-host environment variable: when set to a port, the extension connects to a debug adapter already
 * listening there (`dbos-replay dap --port N`, or the "Adapter as server" launch configuration of this repository)
 * instead of starting dist/debug-adapter.js, so the adapter can be debugged while VS Code drives it.
 */
export const ADAPTER_SERVER_PORT_ENV = 'DBOS_REPLAY_ADAPTER_SERVER_PORT';
