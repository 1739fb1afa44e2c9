// Opens read-only connection pools to a DBOS system database and turns connection failures into clear messages.
// Shared code (CLI, debug adapter, extension host); never logs or returns a password.
import pg from 'pg';
import { errors, HistoryError } from '../errors.js';

export interface ConnectOptions {
  /** Per-statement limit, ms (default 30 s, 0 = none): a stuck query never holds the UI. */
  statementTimeoutMs?: number;
  /**
   * How long a statement waits for a table lock another transaction holds, ms (0 = forever). Default: 5 s, or half the
   * statement timeout when that is shorter, so a lock wait ends as a lock wait (55P03), not as a slow query (57014).
   */
  lockTimeoutMs?: number;
  /** How long to wait for a connection, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Pool size (default 4, at most 10): the reader runs few queries at once. */
  maxConnections?: number;
}

const MAX_POOL = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;

/** The lock_timeout that goes with a statement timeout: the one given, else 5 s or half the statement timeout. */
export function lockTimeoutFor(statementTimeoutMs: number, lockTimeoutMs?: number): number {
  if (lockTimeoutMs !== undefined) return Math.max(0, Math.floor(lockTimeoutMs));
  if (statementTimeoutMs <= 0) return DEFAULT_LOCK_TIMEOUT_MS;
  return Math.max(1, Math.min(DEFAULT_LOCK_TIMEOUT_MS, Math.floor(statementTimeoutMs / 2)));
}
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
 * A pool whose every session is read-only with a statement timeout and a lock timeout. The settings go into the URL's libpq
 * `options` (pg lets the connection string override config fields, so that is the one place they stick),
 * appended to any options the user gave.
 */
export function openPool(url: string, opts: ConnectOptions = {}): pg.Pool {
  const u = parseUrl(url);
  const statementTimeoutMs = Math.max(0, Math.floor(opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS));
  const lockTimeoutMs = lockTimeoutFor(statementTimeoutMs, opts.lockTimeoutMs);
  const ours =
    `-c default_transaction_read_only=on -c statement_timeout=${statementTimeoutMs} ` +
    `-c lock_timeout=${lockTimeoutMs}`;
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

/** What a message about a cancelled query can say beyond the error itself. */
export interface QueryContext {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /** The tables the statement read (`dbos.workflow_status`), for a lock wait. */
  tables?: string[];
  /** Backend pids holding a lock on them, when looked up (lockHolders). */
  holders?: number[];
}

/**
 * Turns an error from connecting to or querying `url` into a HistoryError with an actionable message.
 * HistoryErrors pass through unchanged.
 */
export function classifyDatabaseError(e: unknown, url: string, ctx: QueryContext = {}): HistoryError {
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
      return errors.queryTimeout(target, ctx.statementTimeoutMs, e);
    case '55P03':
      return errors.lockTimeout(target, ctx, e);
    default:
      break;
  }
  if (/timeout|timed out/i.test(raw)) return reach('timed out');
  return errors.databaseError(target, raw, e);
}

/** `"dbos".workflow_status` / `dbos.workflow_status` → `workflow_status`: the tables of `schema` a statement names. */
export function tablesOf(sql: string, schemaIdent: string): string[] {
  const out = new Set<string>();
  const esc = schemaIdent.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const m of sql.matchAll(new RegExp(`${esc}\\.([a-z_]+)`, 'g'))) out.add(m[1]);
  return [...out];
}

/**
 * The backend pids that hold a lock blocking reads (ACCESS EXCLUSIVE) on any of `tables` of `schema`, for the message
 * of a lock wait. Reads pg_locks (readable by every role); never throws (an empty list when it cannot tell).
 */
export async function lockHolders(db: pg.Pool | pg.ClientBase, schema: string, tables: string[]): Promise<number[]> {
  try {
    const { rows } = await db.query<{ pid: number }>(
      `SELECT DISTINCT l.pid FROM pg_catalog.pg_locks l
         JOIN pg_catalog.pg_class c ON c.oid = l.relation
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND l.granted AND l.mode = 'AccessExclusiveLock'
          AND l.pid <> pg_backend_pid()
        ORDER BY l.pid`,
      [schema, tables],
    );
    return rows.map((r) => Number(r.pid));
  } catch {
    return [];
  }
}
