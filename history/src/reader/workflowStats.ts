// Per-workflow statistics of a DBOS system database: run counts per (name, class) and the step names recorded for one.
// Shared code (language server, CLI, extension host): read-only, parameterized, bounded by a statement timeout.
import type pg from 'pg';
import { classifyDatabaseError, lockHolders, lockTimeoutFor, tablesOf } from '../db/connection.js';
import { quoteIdent } from '../db/schemaDetection.js';
import { errors } from '../errors.js';
import type { SchemaInfo } from './readerTypes.js';

/**
 * Statuses counted as failed: the run ended in an error. CANCELLED is not a failure of the code (someone cancelled it),
 * so it is counted as recorded but not failed.
 */
export const FAILED_STATUSES = ['ERROR', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED'] as const;

/**
 * Default bound of the counts query. No index of the DBOS schema leads with `name`, so counting by name reads the whole
 * table (a sequential scan + hash aggregate; measured in bench/languageServer.bench.ts); past this it is cancelled.
 */
export const DEFAULT_STATS_TIMEOUT_MS = 5000;
/** At most this many (name, class) groups are returned; more means a generated-name workload, not workflow code. */
export const DEFAULT_MAX_GROUPS = 10_000;
/** Step names are read from the newest runs of a workflow only, so one query touches a bounded number of rows. */
export const DEFAULT_STEP_NAME_RUNS = 200;
/** At most this many distinct step names per workflow. */
export const MAX_STEP_NAMES = 10_000;

export interface WorkflowRunCount {
  name: string;
  /** '' for free functions (class_name NULL). */
  className: string;
  /** Every workflow_status row of that (name, class): finished, in flight or enqueued. */
  recorded: number;
  /** Rows whose status is in FAILED_STATUSES. */
  failed: number;
}

export interface WorkflowRunCounts {
  counts: WorkflowRunCount[];
  /** More than maxGroups groups existed; `counts` holds the first maxGroups by name, class. */
  truncated: boolean;
}

export interface WorkflowStatsOptions {
  /** statement_timeout of the query, ms (default 5000). */
  statementTimeoutMs?: number;
  /** lock_timeout of the query, ms (default: half the statement timeout, at most 5 s; 0 = none). */
  lockTimeoutMs?: number;
  /** host:port/db for messages (never the URL: no password). */
  target?: string;
}

function timeoutOf(options: WorkflowStatsOptions): number {
  const ms = options.statementTimeoutMs ?? DEFAULT_STATS_TIMEOUT_MS;
  if (!Number.isInteger(ms) || ms < 1) {
    throw errors.badOption('statementTimeoutMs', ms, 'a positive integer (ms)');
  }
  return ms;
}

/**
 * Runs `sql` in a READ ONLY transaction with a statement_timeout on a borrowed client (or the client given), and turns a
 * timeout into StatsTimeout (306) naming `what`, and other errors into the reader's catalogue.
 */
async function readOnly<R extends pg.QueryResultRow>(
  db: pg.Pool | pg.PoolClient,
  sql: string,
  values: unknown[],
  options: WorkflowStatsOptions,
  what: string,
  schema: string,
): Promise<R[]> {
  const timeoutMs = timeoutOf(options);
  const lockMs = lockTimeoutFor(timeoutMs, options.lockTimeoutMs);
  const target = options.target ?? 'the database';
  const isClient = typeof (db as pg.PoolClient).release === 'function';
  let client: pg.PoolClient;
  try {
    client = isClient ? (db as pg.PoolClient) : await (db as pg.Pool).connect();
  } catch (e) {
    throw classifyDatabaseError(e, `postgresql://${options.target ?? 'localhost'}`);
  }
  let broken: Error | undefined;
  try {
    // timeoutMs is a validated integer, so inlining it is safe.
    await client.query(
      `BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL lock_timeout = ${lockMs}`,
    );
    try {
      const rows = (await client.query<R>(sql, values)).rows;
      await client.query('COMMIT');
      return rows;
    } catch (e) {
      await client.query('ROLLBACK').catch((re: Error) => (broken = re));
      if ((e as { code?: string }).code === '57014') {
        throw errors.statsTimeout(what, target, timeoutMs, e);
      }
      if ((e as { code?: string }).code === '55P03') {
        const tables = tablesOf(sql, quoteIdent(schema));
        const holders = await lockHolders(client, schema, tables);
        throw classifyDatabaseError(e, `postgresql://${options.target ?? 'localhost'}`, {
          lockTimeoutMs: lockMs,
          tables: tables.map((t) => `${schema}.${t}`),
          holders,
        });
      }
      throw e;
    }
  } catch (e) {
    throw classifyDatabaseError(e, `postgresql://${options.target ?? 'localhost'}`);
  } finally {
    if (!isClient) client.release(broken);
  }
}

/**
 * Recorded and failed run counts per (name, class) over the whole `<schema>.workflow_status`, in one query:
 * `GROUP BY name, class_name` (a sequential scan: no index leads with name; the caller caches the answer).
 */
export async function workflowRunCounts(
  db: pg.Pool | pg.PoolClient,
  schema: SchemaInfo,
  options: WorkflowStatsOptions & { maxGroups?: number } = {},
): Promise<WorkflowRunCounts> {
  const maxGroups = options.maxGroups ?? DEFAULT_MAX_GROUPS;
  if (!Number.isInteger(maxGroups) || maxGroups < 1) {
    throw errors.badOption('maxGroups', maxGroups, 'a positive integer');
  }
  const failed = FAILED_STATUSES.map((s) => `'${s}'`).join(', ');
  const rows = await readOnly<{
    name: string | null;
    class_name: string;
    recorded: number | string;
    failed: number | string;
  }>(
    db,
    `SELECT name, coalesce(class_name, '') AS class_name, count(*) AS recorded,
            count(*) FILTER (WHERE status IN (${failed})) AS failed
       FROM ${quoteIdent(schema.schema)}.workflow_status
      GROUP BY name, coalesce(class_name, '')
      ORDER BY name, 2
      LIMIT $1::int`,
    [maxGroups + 1],
    options,
    `run counts per workflow in ${schema.schema}.workflow_status`,
    schema.schema,
  );
  const truncated = rows.length > maxGroups;
  return {
    counts: rows.slice(0, maxGroups).map((r) => ({
      name: r.name ?? '',
      className: r.class_name,
      recorded: Number(r.recorded),
      failed: Number(r.failed),
    })),
    truncated,
  };
}

export interface RecordedStepNames {
  /** Distinct operation_outputs.function_name of the sampled runs (steps, SDK operations, child workflow starts). */
  names: string[];
  /** How many runs were read (at most `runs`). */
  runsRead: number;
}

/**
 * The distinct function_name values recorded by the newest `runs` runs of workflow (name, className) — className ''
 * for free functions. Bounded: at most `runs` status rows, each joined to its operation_outputs by the primary key.
 */
export async function recordedStepNames(
  db: pg.Pool | pg.PoolClient,
  schema: SchemaInfo,
  name: string,
  className: string,
  options: WorkflowStatsOptions & { runs?: number } = {},
): Promise<RecordedStepNames> {
  const runs = options.runs ?? DEFAULT_STEP_NAME_RUNS;
  if (!Number.isInteger(runs) || runs < 1) {
    throw errors.badOption('runs', runs, 'a positive integer');
  }
  if (typeof name !== 'string' || typeof className !== 'string') {
    throw errors.badFilter('Workflow name and class', 'strings', [name, className]);
  }
  const s = quoteIdent(schema.schema);
  const rows = await readOnly<{ function_name: string | null; runs: number | string }>(
    db,
    `WITH recent AS (
       SELECT workflow_uuid FROM ${s}.workflow_status
        WHERE name = $1::text AND coalesce(class_name, '') = $2::text
        ORDER BY created_at DESC LIMIT $3::int)
     SELECT o.function_name, (SELECT count(*) FROM recent) AS runs
       FROM (SELECT DISTINCT op.function_name FROM recent r JOIN ${s}.operation_outputs op ON op.workflow_uuid = r.workflow_uuid) o
      LIMIT ${MAX_STEP_NAMES}`,
    [name, className, runs],
    options,
    `the step names recorded for workflow '${className ? className + '.' : ''}${name}'`,
    schema.schema,
  );
  return { names: rows.map((r) => r.function_name ?? '').sort(), runsRead: rows.length ? Number(rows[0].runs) : 0 };
}
