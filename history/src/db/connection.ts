// Opens read-only connection pools to a DBOS system database and turns connection failures into clear messages.
// Shared code (CLI, debug adapter, extension host); never logs or returns a password.
import pg from 'pg';
import { errors, HistoryError } from '../errors.js';

export interface ConnectOptions {
  /** Per-statement limit, ms (default 30 s): a stuck query never holds the UI. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Pool size (default 4, at most 10): the reader runs few queries at once. */
  maxConnections?: number;
}

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
    throw errors.invalidDatabaseUrl('is not a valid URL');
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw errors.invalidDatabaseUrl(`has scheme '${u.protocol.replace(/:$/, '')}', not postgresql`);
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
  const reach = (why: string) => errors.serverUnreachable(target, why, e);
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
      return errors.passwordRejected(target, user, e);
    case '28000':
      return errors.userRefused(target, user, raw, e);
    case '3D000':
      return errors.databaseMissing(databaseName(url), target.slice(0, target.indexOf('/')), e);
    case '42501':
      return errors.permissionDenied(user, target, raw, e);
    case '57014':
      return errors.queryTimeout(target, e);
    default:
      break;
  }
  if (/timeout|timed out/i.test(raw)) return reach('timed out');
  return errors.databaseError(target, raw, e);
}
