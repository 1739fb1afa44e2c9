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

/**
 * One factory per error the adapter raises: each says what failed, the value, and what to change, so the wording
 * lives here and a call site reads `throw errors.noSuchOperation(workflowId, functionId, operations)`.
 */
export const errors = {
  // 1xxx launch
  launchArgument: (message: string) => new AdapterError(ErrorCode.LaunchArgument, message),
  programNotFound: (program: string) =>
    new AdapterError(
      ErrorCode.ProgramNotFound,
      `"program" ${JSON.stringify(program)} does not exist. Fix "program" (or "cwd") in launch.json.`,
    ),
  cannotStart: (executable: string, why: string) =>
    new AdapterError(
      ErrorCode.SpawnFailed,
      `Cannot start "runtimeExecutable" ${JSON.stringify(executable)}: ${why}. Install it or set "runtimeExecutable" in launch.json to a full path.`,
    ),
  exitedBeforeInspector: (executable: string, exit: string, stderrTail: string[]) =>
    new AdapterError(
      ErrorCode.SpawnFailed,
      `${executable} exited (${exit}) before its inspector was ready.` +
        (stderrTail.length ? ` It printed:\n${stderrTail.join('\n')}` : ''),
    ),
  debuggeeAborted: (executable: string) =>
    new AdapterError(ErrorCode.SpawnFailed, `${executable} was stopped while starting: the session ended.`, false),
  inspectorTimeout: (executable: string, timeoutMs: number) =>
    new AdapterError(
      ErrorCode.InspectorNotReady,
      `${executable} did not open the Node inspector within ${timeoutMs} ms. ` +
        'Check that "runtimeExecutable" is node (or passes node flags through, like tsx) and that NODE_OPTIONS does not already set --inspect.',
    ),
  inspectorUnreachable: (url: string, why: string) =>
    new AdapterError(ErrorCode.InspectorNotReady, `Cannot connect to the Node inspector at ${url}: ${why}`),
  alreadyLaunched: () =>
    new AdapterError(
      ErrorCode.AlreadyLaunched,
      'The program is already running in this session. Restart or stop it first.',
    ),
  sessionAlreadyLaunched: () =>
    new AdapterError(ErrorCode.AlreadyLaunched, 'This session already launched a program. Start a new debug session.'),
  runtimeMissing: (runtimePath: string) =>
    new AdapterError(
      ErrorCode.RuntimeMissing,
      `The replay runtime ${runtimePath} is missing. Build dbos-replay (npm run build) or reinstall the extension.`,
    ),
  workflowNotInTrace: (id: string, traceFile: string, held: string[]) =>
    new AdapterError(
      ErrorCode.NoSuchWorkflow,
      `No recorded workflow '${id}' in the trace ${traceFile} (it holds ${held.join(', ')}). Fix "workflowId" in launch.json.`,
    ),
  workflowNotReadable: (readerMessage: string) =>
    new AdapterError(
      ErrorCode.NoSuchWorkflow,
      `${readerMessage} Pick a workflow in the Workflows view or fix "workflowId" (or "databaseUrl") in launch.json.`,
    ),
  traceUnreadable: (file: string, why: string) =>
    new AdapterError(
      ErrorCode.TraceUnreadable,
      `Cannot read "traceFile" ${file}: ${why} Fix "traceFile" in launch.json.`,
    ),
  noDatabaseUrl: (workflowId: string | undefined, configFile: string) =>
    new AdapterError(
      ErrorCode.NoDatabaseUrl,
      `No system database to read workflow '${workflowId}' from: set "databaseUrl" in launch.json, DBOS_SYSTEM_DATABASE_URL, or system_database_url in ${configFile}.`,
    ),

  // 2xxx requests in the wrong state, bad requests
  notLaunched: (what: string) => new AdapterError(ErrorCode.NotLaunched, what),
  notPaused: (running: boolean) =>
    new AdapterError(
      ErrorCode.NotPaused,
      running ? 'The program is running; pause it first.' : 'The program is not paused.',
    ),
  noSuchFrame: (frame: number | undefined) =>
    new AdapterError(ErrorCode.NoSuchFrame, `There is no stack frame ${frame} in the current stop.`),
  noSuchVariable: (reference: unknown) =>
    new AdapterError(
      ErrorCode.NoSuchVariable,
      `No variables with reference ${String(reference)} (values are released when the program resumes).`,
    ),
  evaluateFailed: (detail: string) => new AdapterError(ErrorCode.EvaluateFailed, detail),
  badRequest: (message: string) => new AdapterError(ErrorCode.BadRequest, message),

  // 3xxx inspector (CDP): internal unless the debuggee went away
  cdpClosed: (method: string) =>
    new AdapterError(ErrorCode.CdpClosed, `Cannot call ${method}: the debuggee is no longer connected.`),
  cdpCallClosed: (method: string, reason: string) =>
    new AdapterError(ErrorCode.CdpClosed, `${method} failed: ${reason}`, false),
  cdpCallFailed: (method: string, message: string) =>
    new AdapterError(ErrorCode.CdpCallFailed, `${method} failed: ${message}`, false),

  // 5xxx replay and time travel
  notReplaying: () =>
    new AdapterError(
      ErrorCode.NotReplaying,
      'Time travel needs a recorded workflow: launch with "workflowId" or "traceFile".',
    ),
  noSuchOperation: (workflowId: string, functionId: number, operations: { functionId: number; name: string }[]) =>
    new AdapterError(
      ErrorCode.NoSuchOperation,
      `Workflow ${workflowId} recorded no operation #${functionId}; ` +
        `its operations are #${operations.map((o) => `${o.functionId} ${o.name}`).join(', #')}.`,
    ),
  nothingBefore: (what: string) =>
    new AdapterError(
      ErrorCode.TimeTravelFailed,
      `This is the first stop of the replay: there is nothing before it${what}.`,
    ),
  cannotTravel: (stop1: number, why: string) =>
    new AdapterError(ErrorCode.TimeTravelFailed, `Cannot go back to stop ${stop1} of this replay: ${why}`),
} as const;

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
