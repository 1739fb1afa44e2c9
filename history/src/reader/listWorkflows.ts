// The workflow listing: filters and keyset pagination over <schema>.workflow_status, read-only, newest first.
// Shared code (CLI, extension host, debug adapter): one bounded, parameterized query per page.
import type pg from 'pg';
import { classifyDatabaseError, lockHolders, lockTimeoutFor } from '../db/connection.js';
import { errors } from '../errors.js';
import type { PageRequest, SchemaInfo, WorkflowFilter, WorkflowPage, WorkflowSummary } from './readerTypes.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1000;
/** Default bound on one page's query; filters no index serves hit it instead of scanning for minutes. */
export const DEFAULT_LIST_TIMEOUT_MS = 2000;

export interface ListWorkflowsOptions {
  /** statement_timeout of the page query, in ms (default 2000; 0 = none). */
  statementTimeoutMs?: number;
  /** lock_timeout of the page query, in ms (default: half the statement timeout, at most 5 s; 0 = none). */
  lockTimeoutMs?: number;
}

// The SDK's partial-index predicates on status (5.3.0, as `\d dbos.workflow_status` prints them). A branch for one
// status repeats the predicate of the index that covers it, so the planner proves the partial index usable even for a
// generic plan. Only these constant strings enter the SQL text, never a user value.
const FAILED_PRED = `status = ANY (ARRAY['ERROR'::text, 'CANCELLED'::text, 'MAX_RECOVERY_ATTEMPTS_EXCEEDED'::text])`;
const IN_FLIGHT_PRED = `status = ANY (ARRAY['ENQUEUED'::text, 'PENDING'::text])`;
const PARTIAL_PREDICATES = new Map<string, string[]>(
  Object.entries({
    PENDING: [`status = 'PENDING'::text`, IN_FLIGHT_PRED], // idx_workflow_status_pending, idx_workflow_status_in_flight_v2
    ENQUEUED: [IN_FLIGHT_PRED], // idx_workflow_status_in_flight_v2
    DELAYED: [`status = 'DELAYED'::text`], // idx_workflow_status_delayed
    ERROR: [FAILED_PRED], // idx_workflow_status_failed (status, created_at)
    CANCELLED: [FAILED_PRED],
    MAX_RECOVERY_ATTEMPTS_EXCEEDED: [FAILED_PRED],
  }),
);

const SUMMARY_COLUMNS: Array<[column: string, optional: boolean]> = [
  ['workflow_uuid', false],
  ['name', false],
  ['class_name', false],
  ['config_name', false],
  ['status', false],
  ['created_at', false],
  ['updated_at', false],
  ['completed_at', true],
  ['queue_name', false],
  ['parent_workflow_id', true],
  ['application_version', false],
  ['forked_from', true],
];

/** What the listing needs to know about the table beyond SchemaInfo; read once per pool/client and schema. */
export interface TableFacts {
  columns: Set<string>;
  /** Whether workflow_uuid's collation orders by code point (C, POSIX, C.UTF-8): then an ID prefix is a PK range. */
  idOrderIsBytewise: boolean;
}

const factsCache = new WeakMap<object, Map<string, Promise<TableFacts>>>();

function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

async function tableFacts(cacheKey: object, client: pg.PoolClient, schema: string): Promise<TableFacts> {
  let bySchema = factsCache.get(cacheKey);
  if (!bySchema) factsCache.set(cacheKey, (bySchema = new Map()));
  let facts = bySchema.get(schema);
  if (!facts) {
    facts = readTableFacts(client, schema);
    bySchema.set(schema, facts);
    facts.catch(() => bySchema!.delete(schema));
  }
  return facts;
}

export async function readTableFacts(client: pg.ClientBase, schema: string): Promise<TableFacts> {
  const cols = await client.query<{ attname: string }>(
    `SELECT a.attname FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = 'workflow_status' AND a.attnum > 0 AND NOT a.attisdropped`,
    [schema],
  );
  if (cols.rows.length === 0) {
    const dbName = (await client.query<{ d: string }>('SELECT current_database() AS d')).rows[0].d;
    throw errors.noStatusTable(quoteIdent(schema), dbName);
  }
  // The collation the PK index compares workflow_uuid with; 'default' means the database's.
  const coll = await client.query<{ collname: string; collcollate: string | null; datcollate: string | null }>(
    `SELECT co.collname, co.collcollate, d.datcollate
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
       JOIN pg_catalog.pg_collation co ON co.oid = i.indcollation[0]
       JOIN pg_catalog.pg_database d ON d.datname = current_database()
      WHERE n.nspname = $1 AND ic.relname = 'workflow_status_pkey'`,
    [schema],
  );
  const row = coll.rows[0];
  const effective = !row ? '' : row.collname === 'default' ? (row.datcollate ?? '') : (row.collcollate ?? row.collname);
  const idOrderIsBytewise = /^(c|posix|ucs_basic|pg_c_utf8|c\.utf-?8)$/i.test(effective);
  return { columns: new Set(cols.rows.map((r) => r.attname)), idOrderIsBytewise };
}

/**
 * Cursor of the row after which the next page starts: base64url of JSON [created_at, workflow_uuid].
 * created_at is kept as its decimal text whatever the pool's int8 parser returned (string or number).
 */
export function encodeCursor(createdAt: string | number, workflowId: string): string {
  return Buffer.from(JSON.stringify([String(createdAt), workflowId]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; workflowId: string } {
  const bad = (why: string) => errors.badCursor(cursor, why);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad('not base64url');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('not JSON');
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
    throw bad('expected [created_at, workflow_id]');
  }
  if (
    !/^-?\d{1,19}$/.test(value[0]) ||
    BigInt(value[0]) > 9223372036854775807n ||
    BigInt(value[0]) < -9223372036854775808n
  ) {
    throw bad('created_at is not a bigint');
  }
  return { createdAt: value[0], workflowId: value[1] };
}

/** Smallest string above every string that starts with `prefix`, in code point order; null if there is none. */
export function prefixUpperBound(prefix: string): string | null {
  const cps = Array.from(prefix, (ch) => ch.codePointAt(0)!);
  while (cps.length > 0) {
    let last = cps.pop()! + 1;
    if (last >= 0xd800 && last <= 0xdfff) last = 0xe000; // Postgres text cannot hold surrogates.
    if (last <= 0x10ffff) return String.fromCodePoint(...cps, last);
  }
  return null;
}

/** LIKE pattern matching `prefix` literally: %, _ and the escape character \ are escaped. */
export function likePrefixPattern(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw errors.badPageSize(limit, MAX_PAGE_LIMIT);
  }
  return limit;
}

function checkFilter(filter: WorkflowFilter): void {
  const strings: Array<keyof WorkflowFilter> = [
    'name',
    'className',
    'queueName',
    'idPrefix',
    'parentWorkflowId',
    'applicationVersion',
  ];
  for (const key of strings) {
    const v = filter[key];
    if (v !== undefined && typeof v !== 'string') {
      throw errors.badFilter(`Workflow filter ${key}`, 'a string', v);
    }
  }
  for (const key of ['createdAfter', 'createdBefore'] as const) {
    const v = filter[key];
    if (v !== undefined && !Number.isSafeInteger(v)) {
      throw errors.badFilter(`Workflow filter ${key}`, 'epoch milliseconds (an integer)', v);
    }
  }
  if (
    filter.status !== undefined &&
    (!Array.isArray(filter.status) || filter.status.some((s) => typeof s !== 'string'))
  ) {
    throw errors.badFilter('Workflow filter status', 'a list of status strings', filter.status);
  }
}

export interface ListQuery {
  text: string;
  values: unknown[];
  /** Filters the SDK's indexes do not serve in this query (for the timeout message). */
  unindexed: string[];
}

/**
 * Builds the page query. Shape: one SELECT ordered by (created_at DESC, workflow_uuid DESC) with LIMIT limit+1, or for
 * several statuses a UNION ALL of one such SELECT per status (each can use its own index: the failed/pending partial
 * indexes or the created_at index) merged by a Merge Append under the outer ORDER BY/LIMIT.
 */
export function buildListQuery(
  schema: string,
  facts: TableFacts,
  filter: WorkflowFilter,
  limit: number,
  cursor: { createdAt: string; workflowId: string } | null,
): ListQuery {
  const values: unknown[] = [];
  const param = (v: unknown, cast: string) => {
    values.push(v);
    return `$${values.length}::${cast}`;
  };
  const need = (column: string, key: string) => {
    if (!facts.columns.has(column)) {
      throw errors.unsupportedFilter(key, column, quoteIdent(schema));
    }
  };
  const common: string[] = [];
  const unindexed: string[] = [];
  const statuses = filter.status ? [...new Set(filter.status)] : undefined;
  const inFlightOnly =
    statuses !== undefined && statuses.length > 0 && statuses.every((s) => s === 'ENQUEUED' || s === 'PENDING');

  if (filter.name !== undefined) {
    common.push(`name = ${param(filter.name, 'text')}`);
    unindexed.push('name');
  }
  if (filter.className !== undefined) {
    common.push(`class_name = ${param(filter.className, 'text')}`);
    unindexed.push('className');
  }
  if (filter.queueName !== undefined) {
    common.push(`queue_name = ${param(filter.queueName, 'text')}`);
    // idx_workflow_status_in_flight_v2 leads with queue_name but only holds ENQUEUED/PENDING rows.
    if (!inFlightOnly) unindexed.push('queueName');
  }
  if (filter.applicationVersion !== undefined) {
    common.push(`application_version = ${param(filter.applicationVersion, 'text')}`);
    unindexed.push('applicationVersion');
  }
  if (filter.parentWorkflowId !== undefined) {
    need('parent_workflow_id', 'parentWorkflowId');
    // `= $n` implies the partial predicate `parent_workflow_id IS NOT NULL` (strict operator).
    common.push(`parent_workflow_id = ${param(filter.parentWorkflowId, 'text')}`);
  }
  if (filter.idPrefix !== undefined && filter.idPrefix !== '') {
    if (facts.idOrderIsBytewise) {
      // A range on workflow_status_pkey: exact in code point order.
      common.push(`workflow_uuid >= ${param(filter.idPrefix, 'text')}`);
      const hi = prefixUpperBound(filter.idPrefix);
      if (hi !== null) common.push(`workflow_uuid < ${param(hi, 'text')}`);
    } else {
      // Under a linguistic collation the PK's order is not code point order: no range is exact, and LIKE cannot use
      // the PK index (it needs text_pattern_ops or collation C). Correct first, bounded by the statement timeout.
      unindexed.push('idPrefix');
    }
    common.push(`workflow_uuid LIKE ${param(likePrefixPattern(filter.idPrefix), 'text')} ESCAPE '\\'`);
  }
  if (filter.createdAfter !== undefined) common.push(`created_at >= ${param(filter.createdAfter, 'bigint')}`);
  if (filter.createdBefore !== undefined) common.push(`created_at < ${param(filter.createdBefore, 'bigint')}`);
  if (cursor) {
    // The plain `created_at <=` lets the created_at index (and (status, created_at)) bound the scan; the row
    // comparison breaks ties on workflow_uuid.
    const c = param(cursor.createdAt, 'bigint');
    const id = param(cursor.workflowId, 'text');
    common.push(`created_at <= ${c}`, `(created_at, workflow_uuid) < (${c}, ${id})`);
  }
  const limitParam = param(limit + 1, 'int');

  const from = `${quoteIdent(schema)}.workflow_status`;
  const select = SUMMARY_COLUMNS.map(([col, optional]) =>
    optional && !facts.columns.has(col) ? `NULL AS ${col}` : col,
  ).join(', ');
  const order = 'ORDER BY created_at DESC, workflow_uuid DESC';
  const branch = (extra: string[]) => {
    const where = [...extra, ...common];
    return `SELECT ${select} FROM ${from}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ${order} LIMIT ${limitParam}`;
  };

  let text: string;
  if (statuses === undefined) {
    text = branch([]);
  } else if (statuses.length === 0) {
    text = branch(['false']);
  } else if (statuses.length === 1) {
    text = branch(statusClauses(statuses[0], param));
  } else {
    const parts = statuses.map((s) => `(${branch(statusClauses(s, param))})`);
    text = `SELECT * FROM (${parts.join(' UNION ALL ')}) AS w ${order} LIMIT ${limitParam}`;
  }
  return { text, values, unindexed };
}

function statusClauses(status: string, param: (v: unknown, cast: string) => string): string[] {
  return [`status = ${param(status, 'text')}`, ...(PARTIAL_PREDICATES.get(status) ?? [])];
}

// int8 columns arrive as strings from a default pool and as numbers from the reader's pool.
interface SummaryRow {
  workflow_uuid: string;
  name: string | null;
  class_name: string | null;
  config_name: string | null;
  status: string | null;
  created_at: string | number;
  updated_at: string | number;
  completed_at: string | number | null;
  queue_name: string | null;
  parent_workflow_id: string | null;
  application_version: string | null;
  forked_from: string | null;
}

function toSummary(r: SummaryRow): WorkflowSummary {
  return {
    workflowId: r.workflow_uuid,
    name: r.name ?? '',
    className: r.class_name,
    configName: r.config_name,
    status: r.status ?? '',
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
    queueName: r.queue_name,
    parentWorkflowId: r.parent_workflow_id,
    applicationVersion: r.application_version,
    forkedFrom: r.forked_from,
  };
}

/** host:port/db of a client's connection, for a message: never the URL (no password). */
function targetOf(client: pg.PoolClient): string {
  const p = (client as unknown as { connectionParameters?: { host?: string; port?: number; database?: string } })
    .connectionParameters;
  return `${p?.host ?? 'localhost'}:${p?.port ?? 5432}/${p?.database ?? ''}`;
}

function describeFilter(filter: WorkflowFilter): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length ? parts.join(', ') : 'no filter';
}

/**
 * One page of workflows, newest first by (created_at DESC, workflow_uuid DESC), in a READ ONLY transaction with a
 * statement_timeout. `db` is a pool (a client is borrowed) or a client that is not inside a transaction.
 */
export async function listWorkflows(
  db: pg.Pool | pg.PoolClient,
  schema: SchemaInfo,
  filter: WorkflowFilter,
  page: PageRequest,
  options: ListWorkflowsOptions = {},
): Promise<WorkflowPage> {
  const limit = checkLimit(page.limit);
  checkFilter(filter);
  const cursor = page.cursor ? decodeCursor(page.cursor) : null;
  const timeoutMs = options.statementTimeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
    throw errors.badOption('statementTimeoutMs', timeoutMs, 'a whole number of ms (0 = none)');
  }
  const lockMs = lockTimeoutFor(timeoutMs, options.lockTimeoutMs);

  const isClient = typeof (db as pg.PoolClient).release === 'function';
  const client = isClient ? (db as pg.PoolClient) : await (db as pg.Pool).connect();
  let broken: Error | undefined;
  try {
    const facts = await tableFacts(db, client, schema.schema);
    const q = buildListQuery(schema.schema, facts, filter, limit, cursor);
    // timeoutMs is a validated integer, so inlining it is safe; one round trip for all three statements. A page is at
    // most 1001 rows: parallel workers only add their start-up time (10+ ms measured at 1M rows), so none.
    await client.query(
      `BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL lock_timeout = ${lockMs}; ` +
        'SET LOCAL max_parallel_workers_per_gather = 0',
    );
    let rows: SummaryRow[];
    try {
      rows = (await client.query<SummaryRow>(q.text, q.values)).rows;
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch((re: Error) => (broken = re));
      if ((e as { code?: string }).code === '57014') {
        const slow = q.unindexed.length
          ? `no index of the DBOS schema serves ${q.unindexed.join(', ')}`
          : 'the indexes that serve this filter still read too many rows for one page';
        throw errors.listingTimeout(quoteIdent(schema.schema), describeFilter(filter), timeoutMs, slow, e);
      }
      if ((e as { code?: string }).code === '55P03') {
        const holders = await lockHolders(client, schema.schema, ['workflow_status']);
        throw classifyDatabaseError(e, `postgresql://${targetOf(client)}`, {
          lockTimeoutMs: lockMs,
          tables: [`${schema.schema}.workflow_status`],
          holders,
        });
      }
      throw e;
    }
    const more = rows.length > limit;
    if (more) rows = rows.slice(0, limit);
    const last = rows[rows.length - 1];
    return {
      workflows: rows.map(toSummary),
      nextCursor: more ? encodeCursor(last.created_at, last.workflow_uuid) : null,
    };
  } finally {
    if (!isClient) client.release(broken);
  }
}
