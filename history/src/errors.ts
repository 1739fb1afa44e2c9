// The error catalogue of the history reader, the trace file and the CLI: numbered codes by area, user messages.
// Shared code (CLI, debug adapter, extension host).

/**
 * Codes by area: 1xx connection, 2xx schema, 3xx reading, 4xx trace file, 5xx CLI usage, 9xx internal.
 * A code never changes meaning once released; add new ones at the end of an area.
 */
export const ErrorCode = {
  /** Server unreachable: refused, unknown host, timeout. */
  ServerUnreachable: 101,
  /** Password (or other) authentication failed. */
  AuthenticationFailed: 102,
  /** The database named in the URL does not exist. */
  DatabaseMissing: 103,
  /** The URL cannot be parsed or names no database. */
  InvalidDatabaseUrl: 104,
  /** No URL given and none in the environment. */
  NoDatabaseUrl: 105,
  /** The role may not read the schema (42501). */
  PermissionDenied: 106,
  /** A query ran past statement_timeout (57014). */
  QueryTimeout: 107,
  /** Any other database error while connecting or querying. */
  DatabaseError: 108,
  /** A query waited past lock_timeout for a lock another transaction holds (55P03). */
  LockTimeout: 109,

  /** The database has no DBOS system schema. */
  NotASystemDatabase: 201,
  /** The schema is there but of a version we do not read. */
  UnsupportedSchemaVersion: 202,

  /** No workflow with that ID. */
  WorkflowNotFound: 301,
  /** A workflow has more rows than the reader's bound. */
  TooManyRows: 302,
  /** The cursor given to a listing is not one we issued. */
  InvalidCursor: 303,
  /** A listing filter or page size we cannot serve as given. */
  InvalidFilter: 304,
  /** A listing no index serves ran past its statement timeout: narrow the filter. */
  ListingTimeout: 305,
  /** A per-workflow statistics query (run counts, step names) ran past its statement timeout. */
  StatsTimeout: 306,
  /** The recorded rows break an invariant every DBOS recording keeps (one operation row per function_id). */
  CorruptRecording: 307,

  /** Trace file missing or unreadable. */
  TraceFileUnreadable: 401,
  /** Trace file is not JSON. */
  TraceNotJson: 402,
  /** JSON, but neither a trace nor a DBOS export. */
  NotATrace: 403,
  /** A trace of a format version we do not read. */
  UnsupportedTraceVersion: 404,
  /** A required field is missing or of the wrong type. */
  TraceFieldMissing: 405,
  /** Trace file cannot be written. */
  TraceFileUnwritable: 406,
  /** Trace file larger than MAX_TRACE_FILE_BYTES, or not a regular file (a device). */
  TraceFileTooLarge: 407,

  /** Bad command-line arguments (exit code 2). */
  Usage: 501,

  /** A bug: keeps its stack. */
  Internal: 901,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An error with a numbered code and a message meant for the user: what failed, the value, what to change.
 * `userError` errors are printed without a stack; internal ones keep it.
 */
export class HistoryError extends Error {
  readonly code: ErrorCodeValue;
  readonly userError: boolean;

  constructor(code: ErrorCodeValue, message: string, options?: { cause?: unknown; userError?: boolean }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'HistoryError';
    this.code = code;
    this.userError = options?.userError ?? code !== ErrorCode.Internal;
  }
}

/** A usage error of the CLI: exit code 2, printed with the command's usage. */
export class UsageError extends HistoryError {
  constructor(message: string) {
    super(ErrorCode.Usage, message);
    this.name = 'UsageError';
  }
}

export function isHistoryError(e: unknown): e is HistoryError {
  return e instanceof HistoryError;
}

/** Where the fix of a connection problem goes, repeated in every connection message. */
export const DB_URL_HINT = '--db / DBOS_SYSTEM_DATABASE_URL';
const URL_FORM = 'postgresql://user:password@host:5432/dbname';
/** The CLI options that set the reader's timeouts (cli/src/cliSupport.ts DB_OPTIONS), named by timeout messages. */
const STATEMENT_TIMEOUT_OPTION = '--statement-timeout SECONDS';
const LOCK_TIMEOUT_OPTION = '--lock-timeout SECONDS';

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB (${bytes} bytes)`;
}

/** What to do with a trace that cannot be read as one. */
const REEXPORT = 'Re-export it with `dbos-replay export`.';

/**
 * The factories of every error the shared read side raises: each names what failed, the value, and the fix, so the
 * wording lives here and a call site reads `throw errors.workflowNotFound(id, schema, target)`.
 */
export const errors = {
  // 1xx connection
  invalidDatabaseUrl: (problem: string) =>
    new HistoryError(
      ErrorCode.InvalidDatabaseUrl,
      `The database URL ${problem}. Use the form ${URL_FORM} in ${DB_URL_HINT}.`,
    ),
  noDatabaseUrl: (message: string) => new HistoryError(ErrorCode.NoDatabaseUrl, message),
  serverUnreachable: (target: string, why: string, cause: unknown) =>
    new HistoryError(
      ErrorCode.ServerUnreachable,
      `Cannot reach the Postgres server at ${target} (${why}). Check that the server is running and the host and port in ${DB_URL_HINT}.`,
      { cause },
    ),
  passwordRejected: (target: string, user: string, cause: unknown) =>
    new HistoryError(
      ErrorCode.AuthenticationFailed,
      `The Postgres server at ${target} rejected the password for user '${user}'. Fix the password in ${DB_URL_HINT}.`,
      { cause },
    ),
  userRefused: (target: string, user: string, detail: string, cause: unknown) =>
    new HistoryError(
      ErrorCode.AuthenticationFailed,
      `The Postgres server at ${target} refused user '${user}' (${detail}). Fix the user in ${DB_URL_HINT} or the server's pg_hba.conf.`,
      { cause },
    ),
  databaseMissing: (database: string, server: string, cause: unknown) =>
    new HistoryError(
      ErrorCode.DatabaseMissing,
      `Database '${database}' does not exist on the Postgres server at ${server}. ` +
        `Point ${DB_URL_HINT} at the DBOS system database (usually <app name>_dbos_sys).`,
      { cause },
    ),
  permissionDenied: (user: string, target: string, detail: string, cause: unknown) =>
    new HistoryError(
      ErrorCode.PermissionDenied,
      `User '${user}' may not read the DBOS tables at ${target} (${detail}). Grant it SELECT or use another user in ${DB_URL_HINT}.`,
      { cause },
    ),
  queryTimeout: (target: string, timeoutMs: number | undefined, cause: unknown) =>
    new HistoryError(
      ErrorCode.QueryTimeout,
      `A query to ${target} ran past the statement timeout${timeoutMs ? ` of ${seconds(timeoutMs)}` : ''} and was ` +
        'cancelled: the query itself was slow (a lock wait is reported as such). Narrow the filter, or raise ' +
        `${STATEMENT_TIMEOUT_OPTION} (0 = no limit).`,
      { cause },
    ),
  lockTimeout: (
    target: string,
    wait: { tables?: string[]; holders?: number[]; lockTimeoutMs?: number },
    cause: unknown,
  ) => {
    const tables = wait?.tables ?? [];
    const holders = wait?.holders ?? [];
    const lockTimeoutMs = wait?.lockTimeoutMs;
    return new HistoryError(
      ErrorCode.LockTimeout,
      `Reading ${tables.length ? tables.join(', ') : 'a table of the DBOS schema'} at ${target} waited ` +
        `${lockTimeoutMs ? `more than ${seconds(lockTimeoutMs)} ` : ''}for a lock and gave up: another transaction holds ` +
        `a lock that blocks reads on ${tables.length === 1 ? 'that table' : 'it'}` +
        `${holders.length ? ` (backend pid ${holders.join(', ')})` : ''}, such as LOCK TABLE, ALTER TABLE, VACUUM FULL or a ` +
        'migration. This is not a slow query. Retry when that transaction ends, or find the holder: SELECT pid, state, ' +
        `query FROM pg_stat_activity WHERE pid IN (SELECT pid FROM pg_locks WHERE relation = '${tables[0] ?? 'dbos.workflow_status'}'::regclass ` +
        `AND granted). To wait longer, raise ${LOCK_TIMEOUT_OPTION} (0 = wait forever).`,
      { cause },
    );
  },
  missingPrivileges: (
    user: string,
    target: string,
    schema: string,
    missing: { usage?: boolean; tables?: string[] },
  ) => {
    const usage = missing?.usage ?? false;
    const tables = missing?.tables ?? [];
    const what = [...(usage ? [] : [`the schema ${schema} (USAGE)`]), ...tables.map((t) => `${schema}.${t}`)];
    const grants = [
      ...(usage ? [] : [`GRANT USAGE ON SCHEMA ${schema} TO ${user};`]),
      ...(tables.length ? [`GRANT SELECT ON ${tables.map((t) => `${schema}.${t}`).join(', ')} TO ${user};`] : []),
    ];
    return new HistoryError(
      ErrorCode.PermissionDenied,
      `User ${user} may not read ${what.join(', ')} at ${target}: dbos-replay reads every table of the DBOS schema, ` +
        'and a table it cannot read would look empty (inputs and outputs read as null, a false divergence). ' +
        `As the schema's owner, run: ${grants.join(' ')} Or connect as another user in ${DB_URL_HINT}.`,
    );
  },
  databaseError: (target: string, detail: string, cause: unknown) =>
    new HistoryError(ErrorCode.DatabaseError, `Database error at ${target}: ${detail}`, { cause }),

  // 2xx schema
  notASystemDatabase: (target: string, schema: string) =>
    new HistoryError(
      ErrorCode.NotASystemDatabase,
      `${target} is not a DBOS system database: no table ${schema}.workflow_status. ` +
        'Point --db at the system database (<app name>_dbos_sys) or set --schema.',
    ),
  schemaTooOld: (target: string, schema: string) =>
    new HistoryError(
      ErrorCode.UnsupportedSchemaVersion,
      `${target} has ${schema}.workflow_status but no ${schema}.dbos_migrations: it was made by a DBOS SDK older than ` +
        `this reader supports. Upgrade the app's DBOS SDK (its launch migrates the schema) and record again.`,
    ),
  /**
   * A table or column the reader needs is missing. `newest` is the newest migration version the reader was checked
   * against: past it the schema is a newer SDK's, otherwise an older SDK's, a hand-altered one, or not DBOS's.
   */
  schemaUnreadable: (target: string, version: number, newest: number, what: string) =>
    new HistoryError(
      ErrorCode.UnsupportedSchemaVersion,
      `${target} has a DBOS schema (migration version ${version}) that this reader cannot read: ${what}. ` +
        (version > newest
          ? `That version is newer than ${newest}, the newest this dbos-replay was checked against: a newer DBOS SDK ` +
            'changed the schema. Update dbos-replay.'
          : `Every DBOS SDK schema this reader supports (TS SDK 2.x up to migration ${newest}) has it, so this schema ` +
            'was made by an older DBOS SDK, was altered by hand (a column or table dropped), or is not a DBOS schema. ' +
            "If the app runs an older SDK, upgrade the app's DBOS SDK (its launch migrates the schema) and record " +
            'again; otherwise point --db at the system database the app itself uses, or restore the dropped part.'),
    ),

  // 3xx reading
  workflowNotFound: (id: string, schema: string, target: string) =>
    new HistoryError(
      ErrorCode.WorkflowNotFound,
      `No recorded workflow '${id}' in ${schema}.workflow_status at ${target}. Check the ID with \`dbos-replay list\`.`,
    ),
  tooManyRows: (what: string, limit: number, schema: string, target: string) =>
    new HistoryError(
      ErrorCode.TooManyRows,
      `${what} has more than ${limit} rows in ${schema} at ${target}; dbos-replay reads at most ${limit}.`,
    ),
  tooManyWorkflowsAsked: (asked: number, max: number) =>
    new HistoryError(
      ErrorCode.TooManyRows,
      `exportWorkflows was asked for ${asked} workflows at once; it reads at most ${max} per call.`,
    ),
  tooManyDescendants: (id: string, max: number, target: string) =>
    new HistoryError(
      ErrorCode.TooManyRows,
      `Workflow '${id}' has more than ${max} descendants at ${target}; a trace holds at most ${max} workflows.`,
    ),
  noStatusTable: (schema: string, database: string) =>
    new HistoryError(
      ErrorCode.InvalidFilter,
      `No table ${schema}.workflow_status in database ${database}. Point the connection at the DBOS system database, or fix the schema name.`,
    ),
  badCursor: (cursor: string, why: string) =>
    new HistoryError(
      ErrorCode.InvalidCursor,
      `Malformed workflow listing cursor '${cursor.length > 80 ? cursor.slice(0, 80) + '…' : cursor}': ${why}. ` +
        'Pass the nextCursor of the previous page unchanged, or null for the first page.',
    ),
  badPageSize: (limit: unknown, max: number) =>
    new HistoryError(
      ErrorCode.InvalidFilter,
      `Workflow listing page size ${String(limit)} is out of range: use an integer from 1 to ${max}.`,
    ),
  badFilter: (what: string, expected: string, got: unknown) =>
    new HistoryError(ErrorCode.InvalidFilter, `${what} must be ${expected}, got ${JSON.stringify(got)}.`),
  badOption: (name: string, value: unknown, expected: string) =>
    new HistoryError(ErrorCode.InvalidFilter, `${name} ${String(value)} must be ${expected}.`),
  unsupportedFilter: (key: string, column: string, schema: string) =>
    new HistoryError(
      ErrorCode.InvalidFilter,
      `Workflow filter ${key} needs column ${column}, which ${schema}.workflow_status of this DBOS version lacks. Remove that filter.`,
    ),
  listingTimeout: (schema: string, filter: string, timeoutMs: number, why: string, cause: unknown) =>
    new HistoryError(
      ErrorCode.ListingTimeout,
      `Listing workflows in ${schema}.workflow_status with ${filter} took longer than ${timeoutMs} ms and was cancelled: ${why}. ` +
        `Narrow the filter: add a created-at range, status or ID prefix, or raise ${STATEMENT_TIMEOUT_OPTION}.`,
      { cause },
    ),
  statsTimeout: (what: string, target: string, timeoutMs: number, cause: unknown) =>
    new HistoryError(
      ErrorCode.StatsTimeout,
      `Reading ${what} at ${target} took longer than ${timeoutMs} ms and was cancelled: no index of the DBOS schema ` +
        'serves a count by workflow name, so it reads the whole workflow_status table. Raise the timeout, or delete ' +
        'old workflows (DBOS system database retention).',
      { cause },
    ),

  duplicateOperation: (source: string, workflowId: string, functionId: number, rows: number, name: string) =>
    new HistoryError(
      ErrorCode.CorruptRecording,
      `Workflow '${workflowId}' in ${source} has ${rows} operation_outputs rows for step ${functionId} ` +
        `(function_id ${functionId}, '${name}'): a DBOS recording has exactly one row per step (the table's primary ` +
        'key is workflow_uuid, function_id), so this recording is corrupt — a copy made without the primary key, or ' +
        'an edited trace. Replay refused: keep one row per function_id, or record the workflow again.',
    ),
  nonIntegerOperation: (source: string, workflowId: string, index: number, value: unknown) =>
    new HistoryError(
      ErrorCode.CorruptRecording,
      `Workflow '${workflowId}' in ${source} has an operation_outputs row (the ${index + 1}. of the workflow) whose ` +
        `function_id is ${JSON.stringify(value)}, not an integer: DBOS numbers steps with integers (an int4 column), ` +
        'so this is not a DBOS recording or it was altered. Replay refused: fix the column type, or record again.',
    ),

  // 4xx trace file
  traceUnreadable: (file: string, why: string, cause: unknown) =>
    new HistoryError(
      ErrorCode.TraceFileUnreadable,
      `Cannot read the trace file '${file}': ${why}. Check the path, or make one with \`dbos-replay export <id> -o ${file}\`.`,
      { cause },
    ),
  traceTooLarge: (file: string, size: number, limit: number) =>
    new HistoryError(
      ErrorCode.TraceFileTooLarge,
      `Trace file '${file}' is ${mib(size)}; dbos-replay reads trace files of at most ${mib(limit)} ` +
        '(history/TRACE_FORMAT.md). Export one workflow at a time (`dbos-replay export <id> -o <file>`), or replay ' +
        'it from the database (`dbos-replay run <id> --db …`) instead of a file.',
    ),
  traceNotRegular: (file: string, kind: string) =>
    new HistoryError(
      ErrorCode.TraceFileTooLarge,
      `Cannot read the trace file '${file}': it is ${kind}, not a regular file. Pass the path of a trace written by ` +
        '`dbos-replay export <id> -o <file>`.',
    ),
  traceEmpty: (label: string) =>
    new HistoryError(ErrorCode.TraceNotJson, `Trace file '${label}' is empty. ${REEXPORT}`),
  traceNotJson: (label: string, why: string) =>
    new HistoryError(
      ErrorCode.TraceNotJson,
      `Trace file '${label}' is not valid JSON (${why}); it may be truncated. ${REEXPORT}`,
    ),
  traceFieldMissing: (label: string, field: string, expected: string) =>
    new HistoryError(
      ErrorCode.TraceFieldMissing,
      `Trace file '${label}' is missing field ${field} (${expected}). ${REEXPORT}`,
    ),
  notATrace: (label: string, what: string, format: string) =>
    new HistoryError(
      ErrorCode.NotATrace,
      `'${label}' is not a dbos-replay trace: ${what}. Expected "format": "${format}" or a DBOS workflow export (an array of exported workflows).`,
    ),
  unsupportedTraceVersion: (label: string, version: unknown, supported: number) =>
    new HistoryError(
      ErrorCode.UnsupportedTraceVersion,
      `Trace file '${label}' has format version ${JSON.stringify(version)}; this dbos-replay reads version ${supported}. ` +
        'Update dbos-replay, or export the trace again with this version.',
    ),
  traceUnwritable: (file: string, why: string, cause: unknown) =>
    new HistoryError(
      ErrorCode.TraceFileUnwritable,
      `Cannot write the trace file '${file}': ${why}. Choose another path with -o.`,
      { cause },
    ),

  // 5xx usage, 9xx internal
  usage: (message: string) => new UsageError(message),
  internal: (message: string) => new HistoryError(ErrorCode.Internal, message),
} as const;

/** The name of a code (`ListingTimeout`), for logs and benchmark lines. */
export function errorCodeName(code: ErrorCodeValue): string {
  return Object.entries(ErrorCode).find(([, v]) => v === code)?.[0] ?? String(code);
}
