// The replay runtime's error catalogue: numbered codes by area, its error classes, one factory per error (the wording).
// Runs in the user's program (preloaded with the replay runtime).
import { DBOSUnexpectedStepError } from '@dbos-inc/dbos-sdk/internal/error';
import { ReplayEnv, type DivergenceKind, type SourceLocation } from '../../protocol/replayProtocol.js';

/**
 * Codes by area: 1xx setup and the trace, 2xx registration, 3xx recorded values, 4xx divergence and the end of the
 * recording, 5xx an SDK API the replay does not provide there, 6xx the program's end, 7xx the workflow body's I/O
 * outside steps, 9xx internal.
 * A code never changes meaning once released; add new ones at the end of an area.
 *
 * Not here: the SDK's own checks that sdk/* reproduces with the SDK's class and message (DBOSError, the waitFirst,
 * debouncer and decorator checks, `X is not a registered DBOS workflow function`), and the SDK's own
 * DBOSStepAlreadyRecordedError (sdk/sdkModule.ts), which data sources construct: user code and the comparison of
 * results see exactly what the SDK throws.
 */
export const ReplayErrorCode = {
  /** The preload did not run: getSession() before the runtime was loaded. */
  RuntimeNotLoaded: 101,
  /** ReplayEnv.traceFile is not set. */
  TraceFileNotSet: 102,
  /** The trace file cannot be read or is not JSON. */
  TraceFileUnreadable: 103,
  /** JSON, but not a dbos-replay trace. */
  NotATrace: 104,
  /** A trace of a format version this runtime does not read. */
  UnsupportedTraceVersion: 105,
  /** The requested workflow is not in the trace. */
  WorkflowNotInTrace: 106,
  /** A line of the batch file is not JSON. */
  BatchLineUnreadable: 107,

  /** The recorded workflow is not registered by the program. */
  WorkflowNotRegistered: 201,
  /** The recorded configured instance is not created by the program. */
  InstanceNotCreated: 202,
  /** A DBOS decorator got the TC39 decorator shape: the file is compiled without experimentalDecorators. */
  NoExperimentalDecorators: 203,

  /** A recorded value, error or input cannot be revived with the app's serializer. */
  RecordedValueUnreadable: 301,

  /** The code made a call where nothing was recorded (divergence `extra-call`). */
  CallNotRecorded: 401,
  /** The code called another function than the one recorded at this function_id (divergence `renamed`). */
  CallRenamed: 402,
  /** The workflow ended without making a recorded call (divergence `missing-call`). */
  CallMissing: 403,
  /** The replayed result differs from the recorded one (divergence `result`). */
  ResultDiffers: 404,
  /** The recording of an unfinished run ends before this call (verdict `incomplete`). */
  RecordingEnds: 405,
  /** The workflow's verdict is written; its code still runs but gets no more answers. */
  ReplayEnded: 406,

  /** A durable call outside the replayed workflow, where the replay runs nothing. */
  OutsideWorkflow: 501,
  /** A durable call inside a step or transaction (whose body the replay never runs). */
  InsideStep: 502,
  /** An API that would reach the database (DBOSClient, a data source's client). */
  NoDatabase: 503,
  /** An API whose answer is not recorded. */
  NotRecorded: 504,

  /** The program threw before it called DBOS.launch(). */
  ThrewBeforeLaunch: 601,
  /** The program exited without calling DBOS.launch(). */
  ExitedWithoutLaunch: 602,
  /** The program exited before the replayed workflow finished. */
  ExitedBeforeEnd: 603,
  /** The workflow's code called process.exit(). */
  ExitCalledInWorkflow: 604,
  /** The workflow did not finish within its time limit (verdict `timeout`). */
  TimedOut: 605,

  /** I/O outside a step under the `block` side-effect policy: thrown into the workflow at the call. */
  SideEffectBlocked: 701,

  /** A bug: keeps its stack. */
  Internal: 901,
} as const;

export type ReplayErrorCodeValue = (typeof ReplayErrorCode)[keyof typeof ReplayErrorCode];

/** Set as a non-enumerable property: an error's summary in the verdict and its serialization stay what they were. */
function setCode(e: Error, code: ReplayErrorCodeValue): void {
  Object.defineProperty(e, 'code', { value: code, enumerable: false, configurable: true });
}

/** The catalogue code of an error made here, or undefined. */
export function replayErrorCode(e: unknown): ReplayErrorCodeValue | undefined {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'number' && Object.values(ReplayErrorCode).includes(code as ReplayErrorCodeValue)
    ? (code as ReplayErrorCodeValue)
    : undefined;
}

/** An error of the catalogue whose message says what to change: the verdict shows it without the runtime's stack. */
export function isUserError(e: unknown): boolean {
  const code = replayErrorCode(e);
  return code !== undefined && code !== ReplayErrorCode.Internal;
}

/** A setup, registration or program-end failure: ends the replay with verdict `error`; never thrown into user code. */
export class ReplayError extends Error {
  declare readonly code: ReplayErrorCodeValue;
  constructor(code: ReplayErrorCodeValue, message: string) {
    super(message);
    this.name = 'DBOSReplayError';
    setCode(this, code);
  }
}

/** A recorded value that cannot be revived: a replay error, never a divergence. */
export class RecordedValueError extends Error {
  declare readonly code: ReplayErrorCodeValue;
  constructor(message: string) {
    super(message);
    this.name = 'RecordedValueError';
    setCode(this, ReplayErrorCode.RecordedValueUnreadable);
  }
}

const DIVERGENCE_CODE: Record<DivergenceKind, ReplayErrorCodeValue> = {
  'extra-call': ReplayErrorCode.CallNotRecorded,
  renamed: ReplayErrorCode.CallRenamed,
  'missing-call': ReplayErrorCode.CallMissing,
  result: ReplayErrorCode.ResultDiffers,
};

/**
 * The typed error thrown into user code at a divergence; extends the SDK's own determinism error
 * (DBOSUnexpectedStepError, code 26) so code that matches on it keeps working.
 */
export class DBOSReplayDivergenceError extends DBOSUnexpectedStepError {
  declare readonly code: ReplayErrorCodeValue;
  readonly functionId: number;
  readonly kind: DivergenceKind;
  /** The recorded function_name at this function_id, or null when nothing was recorded there. */
  readonly recorded: string | null;
  /** What the code called, or null when the code made no call (recorded call never made). */
  readonly called: string | null;
  readonly location: SourceLocation | null;

  constructor(
    workflowId: string,
    functionId: number,
    kind: DivergenceKind,
    recorded: string | null,
    called: string | null,
    location: SourceLocation | null,
    message?: string,
  ) {
    super(workflowId, functionId, called ?? '(no call)', recorded ?? '(nothing)');
    this.name = 'DBOSReplayDivergenceError';
    this.functionId = functionId;
    this.kind = kind;
    this.recorded = recorded;
    this.called = called;
    this.location = location;
    if (message) this.message = message;
    setCode(this, DIVERGENCE_CODE[kind]);
  }
}

function recordingEndsMessage(functionId: number, called: string): string {
  return `the recording ends here: the original run never completed step ${functionId} (${called})`;
}

/** Stops the replay at the end of an incomplete recording; never caught by the runtime's callers. */
export class DBOSReplayIncompleteError extends Error {
  declare readonly code: ReplayErrorCodeValue;
  constructor(
    readonly workflowId: string,
    readonly functionId: number,
    readonly called: string,
  ) {
    super(recordingEndsMessage(functionId, called));
    this.name = 'DBOSReplayIncompleteError';
    setCode(this, ReplayErrorCode.RecordingEnds);
  }
}

/** Thrown into workflow code whose replay has ended (its recording stops there, or its verdict is written). */
export class ReplayEndedError extends Error {
  declare readonly code: ReplayErrorCodeValue;
  constructor(code: ReplayErrorCodeValue, message: string) {
    super(message);
    this.name = 'DBOSReplayEndedError';
    setCode(this, code);
  }
}

const OUTSIDE_WORKFLOW = 'outside the replayed workflow, where the replay runs nothing';

/** Not available in replay: the call would run outside the replayed workflow (a live write or read). */
export class DBOSReplayUnsupportedError extends Error {
  declare readonly code: ReplayErrorCodeValue;
  constructor(what: string, why = OUTSIDE_WORKFLOW, code: ReplayErrorCodeValue = ReplayErrorCode.OutsideWorkflow) {
    super(`dbos-replay: ${what} is not available ${why}.`);
    this.name = 'DBOSReplayUnsupportedError';
    setCode(this, code);
  }
}

/** Thrown into the workflow at an I/O call outside a step when the side-effect policy is `block`. */
export class DBOSReplaySideEffectError extends Error {
  declare readonly code: ReplayErrorCodeValue;
  constructor(message: string) {
    super(message);
    this.name = 'DBOSReplaySideEffectError';
    setCode(this, ReplayErrorCode.SideEffectBlocked);
  }
}

const list = (names: string[]) => names.join(', ') || 'none';

/**
 * The factories of every error the replay runtime raises: each names what failed, the value, and the fix, so the
 * wording lives here and a call site reads `fail(errors.notRegistered(qualified, workflowId, known))`.
 */
export const errors = {
  // 1xx setup and the trace
  runtimeNotLoaded: () =>
    new ReplayError(
      ReplayErrorCode.RuntimeNotLoaded,
      'dbos-replay: the replay runtime is not initialized (load it with node --require <dist>/replay-runtime.js)',
    ),
  traceFileNotSet: () =>
    new ReplayError(
      ReplayErrorCode.TraceFileNotSet,
      `${ReplayEnv.traceFile} is not set: the replay runtime needs the recorded trace (a dbos-replay trace JSON file).`,
    ),
  traceUnreadable: (file: string, why: string) =>
    new ReplayError(ReplayErrorCode.TraceFileUnreadable, `cannot read the trace file ${file}: ${why}`),
  notATrace: (file: string, format: unknown) =>
    new ReplayError(
      ReplayErrorCode.NotATrace,
      `${file} is not a dbos-replay trace (format ${JSON.stringify(format)}, expected "dbos-replay-trace").`,
    ),
  unsupportedTraceVersion: (file: string, version: unknown, supported: number[]) =>
    new ReplayError(
      ReplayErrorCode.UnsupportedTraceVersion,
      `${file} is a trace of format version ${JSON.stringify(version)}; this replay runtime reads version(s) ${supported.join(', ')}. ` +
        'Re-create the trace with this dbos-replay, or update dbos-replay.',
    ),
  workflowNotInTrace: (workflowId: string, file: string, held: string[]) =>
    new ReplayError(
      ReplayErrorCode.WorkflowNotInTrace,
      `workflow ${workflowId} is not in the trace ${file} (it holds ${held.join(', ') || 'nothing'}). ` +
        `Replay one of those, or export a trace of it (\`dbos-replay export ${workflowId}\`).`,
    ),
  batchLineUnreadable: (file: string, line1: number, why: string) =>
    new ReplayError(
      ReplayErrorCode.BatchLineUnreadable,
      `cannot parse line ${line1} of the batch file ${file}: ${why}`,
    ),

  // 2xx registration
  notRegistered: (qualified: string, workflowId: string, known: string[]) =>
    new ReplayError(
      ReplayErrorCode.WorkflowNotRegistered,
      `workflow ${qualified} (recorded for ${workflowId}) is not registered in this program. ` +
        `Registered workflows: ${list(known)}. Load the module that registers ${qualified} ` +
        `(pass it as the program, or list it in the modules to load), before DBOS.launch().`,
    ),
  instanceNotCreated: (className: string | null, configName: string, workflowId: string, created: string[]) =>
    new ReplayError(
      ReplayErrorCode.InstanceNotCreated,
      `configured instance ${className}/${configName} (recorded for ${workflowId}) ` +
        `is not created in this program. Created instances: ${list(created)}. ` +
        `Create it (new ${className}('${configName}', …)) before DBOS.launch().`,
    ),

  // 3xx recorded values
  recordedValueUnreadable: (what: string, cause: unknown) =>
    new RecordedValueError(`cannot deserialize ${what}: ${cause instanceof Error ? cause.message : String(cause)}`),

  // 4xx divergence and the end of the recording
  callNotRecorded: (
    workflowId: string,
    functionId: number,
    called: string,
    moreRecorded: boolean,
    location: SourceLocation | null,
  ) =>
    new DBOSReplayDivergenceError(
      workflowId,
      functionId,
      'extra-call',
      null,
      called,
      location,
      moreRecorded
        ? `Replay of workflow ${workflowId} diverged at step ${functionId}: the code called ${called}, but nothing was recorded at this function_id.`
        : `Replay of workflow ${workflowId} diverged at step ${functionId}: the code called ${called}, one call more than the recording has.`,
    ),
  /** The SDK's own message (DBOSUnexpectedStepError): recorded X when Y was expected. */
  callRenamed: (
    workflowId: string,
    functionId: number,
    recorded: string,
    called: string,
    location: SourceLocation | null,
  ) => new DBOSReplayDivergenceError(workflowId, functionId, 'renamed', recorded, called, location),
  callMissing: (workflowId: string, functionId: number, recorded: string, returned: boolean, unconsumed: number) =>
    new DBOSReplayDivergenceError(
      workflowId,
      functionId,
      'missing-call',
      recorded,
      null,
      null,
      `Replay of workflow ${workflowId} diverged at step ${functionId}: ${recorded} was recorded, ` +
        `but the workflow ${returned ? 'returned' : 'threw'} without calling it (${unconsumed} recorded operation(s) never consumed).`,
    ),
  /** `difference` is one of resultDifference's lines. */
  resultDiffers: (workflowId: string, difference: string) =>
    new DBOSReplayDivergenceError(
      workflowId,
      -1,
      'result',
      null,
      null,
      null,
      `Replay of workflow ${workflowId}: ${difference}`,
    ),
  recordingEnds: (functionId: number, called: string) =>
    new ReplayEndedError(ReplayErrorCode.RecordingEnds, recordingEndsMessage(functionId, called)),
  replayEnded: (workflowId: string, called: string) =>
    new ReplayEndedError(
      ReplayErrorCode.ReplayEnded,
      `dbos-replay: the replay of workflow ${workflowId} has ended; ${called} gets no answer`,
    ),

  // 5xx an SDK API the replay does not provide there
  outsideWorkflow: (what: string) => new DBOSReplayUnsupportedError(what),
  insideStep: (what: string) =>
    new DBOSReplayUnsupportedError(what, 'inside a step or transaction', ReplayErrorCode.InsideStep),
  dbosClient: () =>
    new DBOSReplayUnsupportedError('DBOSClient', 'in replay (it would reach the database)', ReplayErrorCode.NoDatabase),
  debouncerClient: () =>
    new DBOSReplayUnsupportedError(
      'DebouncerClient.debounce',
      'in replay (it would enqueue through the database)',
      ReplayErrorCode.NoDatabase,
    ),
  dataSourceClient: (className: string) =>
    new DBOSReplayUnsupportedError(
      `${className}.client`,
      'in replay: transaction bodies never run, their recorded outcome is returned',
      ReplayErrorCode.NoDatabase,
    ),
  replayRecordedStep: () =>
    new DBOSReplayUnsupportedError('replayRecordedStep', 'in replay', ReplayErrorCode.NoDatabase),
  workflowInputs: () =>
    new DBOSReplayUnsupportedError(
      'handle.getWorkflowInputs()',
      "in replay: a handle's workflow inputs are not recorded",
      ReplayErrorCode.NotRecorded,
    ),

  // 6xx the program's end
  threwBeforeLaunch: (why: string) =>
    new ReplayError(ReplayErrorCode.ThrewBeforeLaunch, `the program threw before calling DBOS.launch(): ${why}`),
  exitedWithoutLaunch: (exitCode: number) =>
    new ReplayError(
      ReplayErrorCode.ExitedWithoutLaunch,
      `the program exited (code ${exitCode}) without calling DBOS.launch(). ` +
        'The replay starts at DBOS.launch(): call it once the workflows are registered. A command-line app may need ' +
        'its arguments (after `--`: `dbos-replay run … --program app.js -- arg1 arg2`; "args" in launch.json), or ' +
        'load only the modules that register the workflows instead of the entry (--modules a.js,b.js; "modules" in launch.json).',
    ),
  exitCalledInWorkflow: (exitCode: number, at: string | null) =>
    new ReplayError(
      ReplayErrorCode.ExitCalledInWorkflow,
      `the program exited with code ${exitCode} during the workflow: process.exit(${exitCode}) was called` +
        `${at ? ` at ${at}` : ''}. A workflow body that ends the process cannot be replayed to its end: ` +
        'return or throw from the workflow instead.',
    ),
  timedOut: (workflow: string, limitSeconds: number, last: { functionId: number; name: string } | null) =>
    new ReplayError(
      ReplayErrorCode.TimedOut,
      `workflow ${workflow} did not finish within the ${limitSeconds} s limit ` +
        `(${last ? `the last recorded operation it reached is #${last.functionId} ${last.name}` : 'it reached no recorded operation'}). ` +
        'It may loop forever or wait on something the replay never answers; raise the limit with --timeout SECONDS (0: no limit).',
    ),
  noExperimentalDecorators: (decorator: string, member: string, tsconfig: string | undefined) =>
    new ReplayError(
      ReplayErrorCode.NoExperimentalDecorators,
      `${decorator} on ${member}: this file is compiled without experimentalDecorators: DBOS decorators need it ` +
        `(tsconfig ${tsconfig ?? 'none found: tsx compiled it with its defaults'}). Set "experimentalDecorators": true in ` +
        "the program's tsconfig.json; dbos-replay compiles a .ts program with the tsconfig.json nearest to it unless " +
        'TSX_TSCONFIG_PATH names another.',
    ),
  exitedBeforeEnd: (exitCode: number, why: string | null) =>
    new ReplayError(
      ReplayErrorCode.ExitedBeforeEnd,
      `the program exited (code ${exitCode}) before the replayed workflow finished${why ? `: ${why}` : ' (it awaited something that never settles)'}`,
    ),

  // 7xx the workflow body's I/O outside steps
  sideEffectBlocked: (workflowId: string, detail: string, at: string | null) =>
    new DBOSReplaySideEffectError(
      `dbos-replay: ${detail}${at ? ` at ${at}` : ''} is I/O outside a step in workflow ${workflowId}; the replay ` +
        `blocks it (${ReplayEnv.sideEffects}=block, --side-effects=block). Move the call into a step ` +
        '(DBOS.runStep or a @DBOS.step() function), or replay with --side-effects=warn to let it run and list it.',
    ),

  // 9xx internal
  internal: (message: string) => new ReplayError(ReplayErrorCode.Internal, message),
} as const;

/** How a replayed result differs from the recorded one: the `difference` of errors.resultDiffers. */
export const resultDifference = {
  threwInstead: (name: string, message: string) => `the recorded run returned, the replay threw ${name}: ${message}`,
  unserializable: (why: string) => `the replayed result cannot be serialized: ${why}`,
  valueDiffers: (replayed: string, recorded: string) =>
    `the replayed result ${replayed} differs from the recorded output ${recorded}`,
  returnedInstead: (name: string, message: string) => `the recorded run threw ${name}: ${message}, the replay returned`,
  otherError: (recordedName: string, recordedMessage: string, name: string, message: string) =>
    `the recorded run threw ${recordedName}: ${recordedMessage}, the replay threw ${name}: ${message}`,
} as const;

/** What a divergence message ends with when concurrent branches may explain it (engine/workflowReplay.ts). */
export const divergenceNote = {
  /** An answer delivered before the code reserved an operation the recorded run had already started. */
  timing: (answered: number, reserved: number) =>
    `the answer of step ${answered} was delivered before the code reserved step ${reserved}, ` +
    'which the recorded run had already started: IDs taken after an await in concurrent branches depend on timing the replay cannot reproduce (a non-durable await?)',
  /** The ID was taken after the replay chose which of concurrent branches resumes first. */
  concurrentOrder: (firstResumed: number) =>
    'this ID was taken after an await in concurrent branches; the replay resumed them in the recorded ' +
    `completion order, step ${firstResumed}'s branch first, and the code called another operation there than the recorded run did`,
  /** Appends ` (Note: …)` to the divergence's message. */
  append: (err: DBOSReplayDivergenceError, note: string): void => {
    err.message += ` (Note: ${note}.)`;
  },
} as const;
