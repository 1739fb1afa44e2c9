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
