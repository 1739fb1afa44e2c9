// Opens read-only connection pools to a DBOS system database and turns connection failures into clear messages.
// Shared code (CLI, debug adapter, extension host); never logs or returns a password.
import pg from 'pg';
import { ErrorCode, HistoryError } from '../errors.js';

export interface ConnectOptions {
  /** Per-statement limit, ms (default 30 s): a stuck query never holds the UI. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Pool size (default 4, at most 10): the reader runs few queries at once. */
  maxConnections?: number;
}

/** Where the fix goes, repeated in every connection message. */
export const DB_URL_HINT = '--db / DBOS_SYSTEM_DATABASE_URL';

const MAX_POOL = 10;
const INT8_OID = 20;

/** int8 columns as numbers: epoch milliseconds and counters are far below 2^53. Scoped to our pools only. */
const readerTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new HistoryError(ErrorCode.InvalidDatabaseUrl,
      `The database URL is not a valid URL. Use the form postgresql://user:password@host:5432/dbname in ${DB_URL_HINT}.`);
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new HistoryError(ErrorCode.InvalidDatabaseUrl,
      `The database URL has scheme '${u.protocol.replace(/:$/, '')}', not postgresql. ` +
      `Use the form postgresql://user:password@host:5432/dbname in ${DB_URL_HINT}.`);
  }
  return u;
}

/** The URL with its password replaced by `***`, for logs. Never throws. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    // A password can also ride in the query string (libpq `password=`).
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return '<unparseable database URL>';
  }
}

/** `host:port/db`: what a message names as the target; no user, no password. Never throws. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    const port = u.port || '5432';
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username || 'postgres';
    return `${host}:${port}/${db}`;
  } catch {
    return '<unparseable database URL>';
  }
}

/** The database name in the URL, decoded. */
function databaseName(url: string): string {
  const d = describeDatabase(url);
  return d.slice(d.indexOf('/') + 1);
}

/** Every form in which the URL's password could appear in a message. */
function secretsOf(url: string): string[] {
  try {
    const u = new URL(url);
    const out = new Set<string>();
    for (const p of [u.password, u.searchParams.get('password') ?? '']) {
      if (!p) continue;
      out.add(p);
      try {
        out.add(decodeURIComponent(p));
      } catch {
        // a malformed escape: the raw form is already covered
      }
    }
    return [...out].filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

/** Removes the URL's password from any text (a last line of defence for messages we did not write). */
export function scrubSecrets(text: string, url: string): string {
  let out = text;
  for (const s of secretsOf(url)) out = out.split(s).join('***');
  return out;
}

/**
 * A pool whose every session is read-only with a statement timeout. The settings go into the URL's libpq
 * `options` (pg lets the connection string override config fields, so that is the one place they stick),
 * appended to any options the user gave.
 */
export function openPool(url: string, opts: ConnectOptions = {}): pg.Pool {
  const u = parseUrl(url);
  const statementTimeoutMs = Math.max(1, Math.floor(opts.statementTimeoutMs ?? 30_000));
  const ours = `-c default_transaction_read_only=on -c statement_timeout=${statementTimeoutMs}`;
  const theirs = u.searchParams.get('options');
  u.searchParams.set('options', theirs ? `${theirs} ${ours}` : ours);
  const pool = new pg.Pool({
    connectionString: u.toString(),
    max: Math.min(MAX_POOL, Math.max(1, opts.maxConnections ?? 4)),
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 10_000,
    application_name: 'dbos-replay',
    types: readerTypes,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => {});
  return pool;
}

interface PgLikeError {
  code?: string;
  message?: string;
  errors?: unknown[];
}

function errnoOf(e: unknown): string | undefined {
  const err = e as PgLikeError;
  if (typeof err?.code === 'string') return err.code;
  // Node reports a refused dual-stack connect as an AggregateError whose parts carry the code.
  if (Array.isArray(err?.errors)) {
    for (const part of err.errors) {
      const c = errnoOf(part);
      if (c) return c;
    }
  }
  return undefined;
}

/**
 * Turns an error from connecting to or querying `url` into a HistoryError with an actionable message.
 * HistoryErrors pass through unchanged.
 */
export function classifyDatabaseError(e: unknown, url: string): HistoryError {
  if (e instanceof HistoryError) return e;
  const target = describeDatabase(url);
  const code = errnoOf(e);
  const raw = scrubSecrets(String((e as PgLikeError)?.message ?? e), url);
  const user = (() => {
    try {
      return decodeURIComponent(new URL(url).username) || 'postgres';
    } catch {
      return 'postgres';
    }
  })();
  const reach = (why: string) => new HistoryError(ErrorCode.ServerUnreachable,
    `Cannot reach the Postgres server at ${target} (${why}). ` +
    `Check that the server is running and the host and port in ${DB_URL_HINT}.`, { cause: e });
  switch (code) {
    case 'ECONNREFUSED':
      return reach('connection refused');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return reach('unknown host');
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return reach('timed out');
    case 'ECONNRESET':
      return reach('connection reset');
    case '28P01':
      return new HistoryError(ErrorCode.AuthenticationFailed,
        `The Postgres server at ${target} rejected the password for user '${user}'. Fix the password in ${DB_URL_HINT}.`,
        { cause: e });
    case '28000':
      return new HistoryError(ErrorCode.AuthenticationFailed,
        `The Postgres server at ${target} refused user '${user}' (${raw}). Fix the user in ${DB_URL_HINT} or the server's pg_hba.conf.`,
        { cause: e });
    case '3D000':
      return new HistoryError(ErrorCode.DatabaseMissing,
        `Database '${databaseName(url)}' does not exist on the Postgres server at ${target.slice(0, target.indexOf('/'))}. ` +
        `Point ${DB_URL_HINT} at the DBOS system database (usually <app name>_dbos_sys).`, { cause: e });
    case '42501':
      return new HistoryError(ErrorCode.PermissionDenied,
        `User '${user}' may not read the DBOS tables at ${target} (${raw}). Grant it SELECT or use another user in ${DB_URL_HINT}.`,
        { cause: e });
    case '57014':
      return new HistoryError(ErrorCode.QueryTimeout,
        `A query to ${target} ran past the statement timeout and was cancelled. Narrow the filter or raise the timeout.`,
        { cause: e });
    default:
      break;
  }
  if (/timeout|timed out/i.test(raw)) return reach('timed out');
  return new HistoryError(ErrorCode.DatabaseError, `Database error at ${target}: ${raw}`, { cause: e });
}
