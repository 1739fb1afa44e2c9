// Error catalogue of the debug adapter: numbered codes by area, user errors vs internal errors.
// Runs in the debug adapter process.

/** Codes by area: 1xxx launch, 2xxx requests in the wrong state, 3xxx inspector (CDP), 4xxx source maps, 5xxx replay, 9xxx internal. */
export enum ErrorCode {
  LaunchArgument = 1001,
  ProgramNotFound = 1002,
  SpawnFailed = 1003,
  InspectorNotReady = 1004,
  AlreadyLaunched = 1005,
  RuntimeMissing = 1006,
  NoSuchWorkflow = 1007,
  TraceUnreadable = 1008,
  NoDatabaseUrl = 1009,
  NotLaunched = 2001,
  NotPaused = 2002,
  NoSuchFrame = 2003,
  NoSuchVariable = 2004,
  EvaluateFailed = 2005,
  BadRequest = 2006,
  NotSupported = 2007,
  CdpClosed = 3001,
  CdpCallFailed = 3002,
  SourceMapUnreadable = 4001,
  NotReplaying = 5001,
  NoSuchOperation = 5002,
  TimeTravelFailed = 5003,
  Internal = 9001,
}

/** An error with a catalogue code. `user` errors are shown to the user and carry the fix in their message. */
export class AdapterError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly user = true,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AdapterError';
  }
}

/** Normalises anything thrown into an AdapterError, keeping the stack of internal errors. */
export function toAdapterError(e: unknown): AdapterError {
  if (e instanceof AdapterError) return e;
  if (e instanceof Error) {
    const wrapped = new AdapterError(ErrorCode.Internal, `Internal error: ${e.message}`, false, { cause: e });
    wrapped.stack = e.stack;
    return wrapped;
  }
  return new AdapterError(ErrorCode.Internal, `Internal error: ${String(e)}`, false);
}
