// A simple, correct workflow listing (keyset pages, newest first) used until the tuned listWorkflows.ts lands.
// Shared code (any process). Same signature as listWorkflows.ts, so switching is a one-line import change.
import type pg from 'pg';
import { ErrorCode, HistoryError } from '../errors.js';
import { quoteIdent } from '../db/schemaDetection.js';
import type { PageRequest, SchemaInfo, WorkflowFilter, WorkflowPage, WorkflowSummary } from './readerTypes.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

/** Escapes LIKE metacharacters so a user's prefix is matched literally (with ESCAPE '\'). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new HistoryError(ErrorCode.InvalidCursor,
    `The cursor '${cursor.slice(0, 40)}' is not one dbos-replay issued. Use the nextCursor of the previous page, or omit --cursor.`);
}

export async function listWorkflows(db: pg.Pool | pg.PoolClient, schema: SchemaInfo, filter: WorkflowFilter,
  page: PageRequest): Promise<WorkflowPage> {
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new HistoryError(ErrorCode.Usage, `The page size ${limit} is out of range: use 1 to ${MAX_LIMIT}.`);
  }
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.status?.length) where.push(`ws.status = ANY(${p(filter.status)}::text[])`);
  if (filter.name !== undefined) where.push(`ws.name = ${p(filter.name)}`);
  if (filter.className !== undefined) where.push(`ws.class_name = ${p(filter.className)}`);
  if (filter.queueName !== undefined) where.push(`ws.queue_name = ${p(filter.queueName)}`);
  if (filter.idPrefix !== undefined) where.push(`ws.workflow_uuid LIKE ${p(escapeLike(filter.idPrefix) + '%')} ESCAPE '\\'`);
  if (filter.parentWorkflowId !== undefined) where.push(`ws.parent_workflow_id = ${p(filter.parentWorkflowId)}`);
  if (filter.createdAfter !== undefined) where.push(`ws.created_at >= ${p(filter.createdAfter)}`);
  if (filter.createdBefore !== undefined) where.push(`ws.created_at < ${p(filter.createdBefore)}`);
  if (filter.applicationVersion !== undefined) where.push(`ws.application_version = ${p(filter.applicationVersion)}`);
  if (page.cursor) {
    const [c, id] = decodeCursor(page.cursor);
    where.push(`(ws.created_at, ws.workflow_uuid) < (${p(c)}, ${p(id)})`);
  }
  const has = (col: string) => (schema as { columns?: Record<string, string[]> }).columns?.workflow_status?.includes(col) ?? true;
  const opt = (col: string, cast: string) => (has(col) ? `ws.${col}` : `NULL::${cast} AS ${col}`);
  const sql = `SELECT ws.workflow_uuid, ws.name, ws.class_name, ws.config_name, ws.status, ws.created_at, ws.updated_at,
      ${opt('completed_at', 'bigint')}, ${opt('queue_name', 'text')}, ${opt('parent_workflow_id', 'text')},
      ${opt('application_version', 'text')}, ${opt('forked_from', 'text')}
    FROM ${quoteIdent(schema.schema)}.workflow_status ws
    ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
    ORDER BY ws.created_at DESC, ws.workflow_uuid DESC
    LIMIT ${p(limit + 1)}`;
  const { rows } = await db.query(sql, params);
  const workflows: WorkflowSummary[] = rows.slice(0, limit).map((r) => ({
    workflowId: r.workflow_uuid,
    name: r.name,
    className: r.class_name,
    configName: r.config_name,
    status: r.status,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
    queueName: r.queue_name,
    parentWorkflowId: r.parent_workflow_id,
    applicationVersion: r.application_version,
    forkedFrom: r.forked_from,
  }));
  const last = workflows[workflows.length - 1];
  return { workflows, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.workflowId) : null };
}
