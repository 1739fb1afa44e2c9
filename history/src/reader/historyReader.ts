// Read-only access to a DBOS system database: listing, one workflow's full record, and whole traces.
// Shared code (CLI, debug adapter, extension host). Every query is parameterized and bounded.
import type pg from 'pg';
import {
  classifyDatabaseError,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  describeDatabase,
  lockHolders,
  lockTimeoutFor,
  openPool,
  tablesOf,
  type ConnectOptions,
  type QueryContext,
} from '../db/connection.js';
import {
  DEFAULT_SCHEMA,
  detectSchema,
  quoteIdent,
  type DetectedSchema,
  type SystemTable,
} from '../db/schemaDetection.js';
import { ErrorCode, errors, HistoryError } from '../errors.js';
import {
  TRACE_FORMAT,
  TRACE_FORMAT_VERSION,
  type ExportedWorkflow,
  type NotificationRow,
  type OperationOutputRow,
  type StreamRow,
  type Trace,
  type WorkflowEventHistoryRow,
  type WorkflowEventRow,
  type WorkflowStatusRow,
} from '../../../protocol/traceModel.js';
import type {
  PageRequest,
  SchemaInfo,
  WorkflowDetail,
  WorkflowFilter,
  WorkflowPage,
  WorkflowSummary,
} from './readerTypes.js';
import { listWorkflows } from './listWorkflows.js';
import { checkOperationRows } from '../trace/recordingChecks.js';

/** Upper bounds on what one call reads; past them the reader refuses instead of exhausting memory. */
export interface ReaderLimits {
  operationsPerWorkflow: number;
  childrenPerWorkflow: number;
  eventsPerWorkflow: number;
  streamRowsPerWorkflow: number;
  notificationsPerTrace: number;
  workflowsPerTrace: number;
}

export const DEFAULT_LIMITS: ReaderLimits = {
  operationsPerWorkflow: 200_000,
  childrenPerWorkflow: 10_000,
  eventsPerWorkflow: 100_000,
  streamRowsPerWorkflow: 200_000,
  notificationsPerTrace: 200_000,
  workflowsPerTrace: 1_000,
};

export interface HistoryReaderOptions extends ConnectOptions {
  /** System schema name (DBOSConfig.systemDatabaseSchemaName), default `dbos`. */
  schema?: string;
  limits?: Partial<ReaderLimits>;
}

/** Columns every status row carries in the trace, NULL when the schema predates them. */
const STATUS_KEYS = [
  'workflow_uuid',
  'status',
  'name',
  'class_name',
  'config_name',
  'authenticated_user',
  'assumed_role',
  'authenticated_roles',
  'inputs',
  'output',
  'error',
  'executor_id',
  'created_at',
  'updated_at',
  'application_version',
  'application_id',
  'recovery_attempts',
  'queue_name',
  'workflow_timeout_ms',
  'workflow_deadline_epoch_ms',
  'started_at_epoch_ms',
  'deduplication_id',
  'priority',
  'queue_partition_key',
  'forked_from',
  'parent_workflow_id',
  'serialization',
];
const PAYLOAD_COLUMNS = new Set(['inputs', 'output', 'error']);
const OPERATION_KEYS = [
  'workflow_uuid',
  'function_id',
  'function_name',
  'output',
  'error',
  'child_workflow_id',
  'started_at_epoch_ms',
  'completed_at_epoch_ms',
  'serialization',
];

export class HistoryReader {
  private closed = false;
  readonly limits: ReaderLimits;

  private constructor(
    /** The read-only pool; exposed for the listing and for tests, never for writes (sessions refuse them). */
    readonly pool: pg.Pool,
    private readonly detected: DetectedSchema,
    /** host:port/db, what messages name. */
    readonly target: string,
    limits: Partial<ReaderLimits> | undefined,
    /** The connect options' timeouts: messages name them, the listing takes an explicit statement timeout. */
    private readonly timeouts: Pick<ConnectOptions, 'statementTimeoutMs' | 'lockTimeoutMs'>,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Connects, checks the schema, and returns a reader; throws HistoryError with an actionable message. */
  static async connect(url: string, opts: HistoryReaderOptions = {}): Promise<HistoryReader> {
    const target = describeDatabase(url);
    const pool = openPool(url, opts);
    try {
      const detected = await detectSchema(pool, opts.schema ?? DEFAULT_SCHEMA, target);
      const timeouts = { statementTimeoutMs: opts.statementTimeoutMs, lockTimeoutMs: opts.lockTimeoutMs };
      return new HistoryReader(pool, detected, target, opts.limits, timeouts);
    } catch (e) {
      await pool.end().catch(() => {});
      throw classifyDatabaseError(e, url, timeoutContext(opts));
    }
  }

  get schemaInfo(): SchemaInfo {
    const { schema, migrationVersion, generation, hasPayloadTables } = this.detected;
    return { schema, migrationVersion, generation, hasPayloadTables };
  }

  /** A note for the user when the schema is newer than the reader was checked against. */
  get warning(): string | undefined {
    return this.detected.warning;
  }

  private get s(): string {
    return quoteIdent(this.detected.schema);
  }

  private has(table: SystemTable, column?: string): boolean {
    const cols = this.detected.columns[table];
    return cols !== undefined && (column === undefined || cols.includes(column));
  }

  /** `alias.col`, or `NULL::type AS col` when the column does not exist in this schema version. */
  private col(table: SystemTable, alias: string, column: string, type = 'text'): string {
    return this.has(table, column) ? `${alias}.${quoteIdent(column)}` : `NULL::${type} AS ${quoteIdent(column)}`;
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    if (this.closed) throw errors.internal('The history reader was used after close().');
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (e) {
      throw await this.classify(e, sql);
    }
  }

  /** A database error as the catalogue's; a lock wait names the tables of `sql` and who holds them. */
  private async classify(e: unknown, sql: string): Promise<HistoryError> {
    const ctx: QueryContext = timeoutContext(this.timeouts);
    if ((e as { code?: string })?.code === '55P03') {
      const tables = tablesOf(sql, this.s);
      ctx.tables = tables.map((t) => `${this.detected.schema}.${t}`);
      ctx.holders = await lockHolders(this.pool, this.detected.schema, tables);
    }
    // The pool's URL is not kept; messages name the target only.
    return classifyDatabaseError(e, `postgresql://${this.target}`, ctx);
  }

  /** Reads `limit + 1` rows and refuses past the bound, naming it. */
  private async bounded<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
    limit: number,
    what: string,
  ): Promise<R[]> {
    const rows = await this.query<R>(`${sql} LIMIT ${Number(limit) + 1}`, params);
    if (rows.length > limit) {
      throw errors.tooManyRows(what, limit, this.detected.schema, this.target);
    }
    return rows;
  }

  listWorkflows(filter: WorkflowFilter = {}, page: PageRequest = {}): Promise<WorkflowPage> {
    const { statementTimeoutMs, lockTimeoutMs } = this.timeouts;
    // The listing's own 2 s bound stays the default; a timeout the user gave applies to it too.
    return listWorkflows(this.pool, this.detected, filter, page, { statementTimeoutMs, lockTimeoutMs }).catch((e) => {
      throw classifyDatabaseError(e, `postgresql://${this.target}`, timeoutContext(this.timeouts));
    });
  }

  /** The status row with payloads read as COALESCE(payload table, legacy column), or undefined. */
  private async statusRow(id: string): Promise<WorkflowStatusRow | undefined> {
    return (await this.statusRows([id]))[0];
  }

  /** Status rows of many workflows (at most one per ID; unknown IDs have none). */
  private async statusRows(ids: string[]): Promise<WorkflowStatusRow[]> {
    const own = (this.detected.columns.workflow_status ?? []).filter((c) => !PAYLOAD_COLUMNS.has(c));
    const v5 = this.detected.hasPayloadTables;
    const payloads = v5
      ? `COALESCE(wi.inputs, ws.inputs) AS inputs, COALESCE(wo.output, ws.output) AS output, COALESCE(wo.error, ws.error) AS error`
      : `ws.inputs, ws.output, ws.error`;
    const joins = v5
      ? `LEFT JOIN ${this.s}.workflow_input wi ON wi.workflow_uuid = ws.workflow_uuid
         LEFT JOIN ${this.s}.workflow_output wo ON wo.workflow_uuid = ws.workflow_uuid`
      : '';
    const rows = await this.query<Record<string, unknown>>(
      `SELECT ${own.map((c) => `ws.${quoteIdent(c)}`).join(', ')}, ${payloads}
         FROM ${this.s}.workflow_status ws ${joins}
        WHERE ws.workflow_uuid = ANY($1::text[])`,
      [ids],
    );
    for (const row of rows) for (const k of STATUS_KEYS) if (!(k in row)) row[k] = null;
    return rows as WorkflowStatusRow[];
  }

  /** `Workflow 'x'` for one ID, `N workflows` for a set (bound messages). */
  private whose(ids: string[]): string {
    return ids.length === 1 ? `Workflow '${ids[0]}'s` : `The ${ids.length} workflows'`;
  }

  // Each reads the rows of a set of workflows in one statement (WHERE workflow_uuid = ANY($1)), ordered by workflow,
  // under the per-workflow bound: a set that exceeds it is split by exportWorkflows, a single workflow is refused.
  private operations(ids: string[]): Promise<OperationOutputRow[]> {
    const present = this.detected.columns.operation_outputs ?? [];
    const cols = [
      ...OPERATION_KEYS.map((c) => this.col('operation_outputs', 'op', c, c.endsWith('_ms') ? 'bigint' : 'text')),
      ...present.filter((c) => !OPERATION_KEYS.includes(c)).map((c) => `op.${quoteIdent(c)}`),
    ];
    return this.bounded<OperationOutputRow>(
      `SELECT ${cols.join(', ')} FROM ${this.s}.operation_outputs op WHERE op.workflow_uuid = ANY($1::text[])
        ORDER BY op.workflow_uuid, op.function_id`,
      [ids],
      this.limits.operationsPerWorkflow,
      `${this.whose(ids)} operation_outputs`,
    );
  }

  private events(ids: string[]): Promise<WorkflowEventRow[]> {
    return this.bounded<WorkflowEventRow>(
      `SELECT e.workflow_uuid, e.key, e.value, ${this.col('workflow_events', 'e', 'serialization')}
         FROM ${this.s}.workflow_events e WHERE e.workflow_uuid = ANY($1::text[]) ORDER BY e.workflow_uuid, e.key`,
      [ids],
      this.limits.eventsPerWorkflow,
      `${this.whose(ids)} workflow_events`,
    );
  }

  private async eventHistory(ids: string[]): Promise<WorkflowEventHistoryRow[]> {
    if (!this.has('workflow_events_history')) return [];
    return this.bounded<WorkflowEventHistoryRow>(
      `SELECT h.workflow_uuid, h.function_id, h.key, h.value, ${this.col('workflow_events_history', 'h', 'serialization')}
         FROM ${this.s}.workflow_events_history h WHERE h.workflow_uuid = ANY($1::text[])
        ORDER BY h.workflow_uuid, h.function_id, h.key`,
      [ids],
      this.limits.eventsPerWorkflow,
      `${this.whose(ids)} workflow_events_history`,
    );
  }

  private async streams(ids: string[]): Promise<StreamRow[]> {
    if (!this.has('streams')) return [];
    const fid = this.has('streams', 'function_id') ? 'st.function_id' : '0 AS function_id';
    return this.bounded<StreamRow>(
      `SELECT st.workflow_uuid, st.key, st.value, st."offset", ${fid}, ${this.col('streams', 'st', 'serialization')}
         FROM ${this.s}.streams st WHERE st.workflow_uuid = ANY($1::text[]) ORDER BY st.workflow_uuid, st.key, st."offset"`,
      [ids],
      this.limits.streamRowsPerWorkflow,
      `${this.whose(ids)} streams`,
    );
  }

  private notifications(ids: string[]): Promise<NotificationRow[]> {
    const consumed = this.has('notifications', 'consumed') ? 'n.consumed' : 'false AS consumed';
    return this.bounded<NotificationRow>(
      `SELECT n.message_uuid, n.destination_uuid, n.topic, n.message, n.created_at_epoch_ms,
              ${this.col('notifications', 'n', 'serialization')}, ${consumed},
              ${this.col('notifications', 'n', 'consumed_by_function_id', 'int4')}
         FROM ${this.s}.notifications n WHERE n.destination_uuid = ANY($1::text[])
        ORDER BY n.created_at_epoch_ms, n.message_uuid`,
      [ids],
      this.limits.notificationsPerTrace,
      `The notifications to ${ids.length === 1 ? `'${ids[0]}'` : 'the trace'}`,
    );
  }

  private children(id: string): Promise<WorkflowSummary[]> {
    if (!this.has('workflow_status', 'parent_workflow_id')) return Promise.resolve([]);
    return this.bounded<Record<string, unknown>>(
      `SELECT ws.workflow_uuid, ws.name, ws.class_name, ws.config_name, ws.status, ws.created_at, ws.updated_at,
              ${this.col('workflow_status', 'ws', 'completed_at', 'bigint')}, ${this.col('workflow_status', 'ws', 'queue_name')},
              ws.parent_workflow_id, ${this.col('workflow_status', 'ws', 'application_version')},
              ${this.col('workflow_status', 'ws', 'forked_from')}
         FROM ${this.s}.workflow_status ws WHERE ws.parent_workflow_id = $1
        ORDER BY ws.created_at, ws.workflow_uuid`,
      [id],
      this.limits.childrenPerWorkflow,
      `Workflow '${id}'s children`,
    ).then((rows) => rows.map(summaryOf));
  }

  private notFound(id: string): HistoryError {
    return errors.workflowNotFound(id, this.detected.schema, this.target);
  }

  /** One workflow in the SDK's export shape, or undefined when there is no such status row. */
  async exportWorkflow(id: string): Promise<ExportedWorkflow | undefined> {
    const status = await this.statusRow(id);
    if (!status) return undefined;
    const [operation_outputs, workflow_events, workflow_events_history, streams] = await Promise.all([
      this.operations([id]),
      this.events([id]),
      this.eventHistory([id]),
      this.streams([id]),
    ]);
    checkOperationRows(operation_outputs, this.rowsSource);
    return { workflow_status: status, operation_outputs, workflow_events, workflow_events_history, streams };
  }

  /** Where rows come from, as a corrupt-recording message names it. */
  private get rowsSource(): string {
    return `${this.detected.schema}.operation_outputs at ${this.target}`;
  }

  /**
   * Many workflows in the export shape, in the order of `ids` (undefined for an ID with no status row), with five
   * set-based statements instead of five per workflow. At most `limits.workflowsPerTrace` IDs per call. A set whose
   * rows pass a per-workflow bound is read in halves; a single workflow past it is refused as by exportWorkflow.
   */
  async exportWorkflows(ids: string[]): Promise<(ExportedWorkflow | undefined)[]> {
    if (ids.length > this.limits.workflowsPerTrace) {
      throw errors.tooManyWorkflowsAsked(ids.length, this.limits.workflowsPerTrace);
    }
    if (ids.length === 0) return [];
    let parts: [WorkflowStatusRow[], OperationOutputRow[], WorkflowEventRow[], WorkflowEventHistoryRow[], StreamRow[]];
    try {
      parts = await Promise.all([
        this.statusRows(ids),
        this.operations(ids),
        this.events(ids),
        this.eventHistory(ids),
        this.streams(ids),
      ]);
    } catch (e) {
      if (!(e instanceof HistoryError && e.code === ErrorCode.TooManyRows) || ids.length === 1) throw e;
      const half = Math.ceil(ids.length / 2);
      return [...(await this.exportWorkflows(ids.slice(0, half))), ...(await this.exportWorkflows(ids.slice(half)))];
    }
    const [statuses, ops, events, history, streams] = parts;
    const byId = new Map<string, ExportedWorkflow>();
    for (const st of statuses) {
      byId.set(st.workflow_uuid, {
        workflow_status: st,
        operation_outputs: [],
        workflow_events: [],
        workflow_events_history: [],
        streams: [],
      });
    }
    for (const r of ops) byId.get(r.workflow_uuid)?.operation_outputs.push(r);
    for (const r of events) byId.get(r.workflow_uuid)?.workflow_events.push(r);
    for (const r of history) byId.get(r.workflow_uuid)?.workflow_events_history.push(r);
    for (const r of streams) byId.get(r.workflow_uuid)?.streams.push(r);
    for (const w of byId.values()) checkOperationRows(w.operation_outputs, this.rowsSource);
    return ids.map((id) => byId.get(id));
  }

  /**
   * One-workflow traces of many workflows (no descendants, no notifications: a replay answers children and messages
   * from the workflow's own rows), read with exportWorkflows; throws WorkflowNotFound (301) for an unknown ID.
   */
  async loadTraces(ids: string[]): Promise<Trace[]> {
    const exported = await this.exportWorkflows(ids);
    const { schema, migrationVersion, generation } = this.detected;
    const createdAt = new Date().toISOString();
    return exported.map((w, i) => {
      if (!w) throw this.notFound(ids[i]);
      return {
        format: TRACE_FORMAT,
        version: TRACE_FORMAT_VERSION,
        createdAt,
        source: { kind: 'postgres', database: this.target, schema, migrationVersion, generation },
        rootWorkflowId: ids[i],
        workflows: [w],
      };
    });
  }

  /** Everything recorded for one workflow; throws WorkflowNotFound (301) for an unknown ID. */
  async getWorkflow(id: string): Promise<WorkflowDetail> {
    const exported = await this.exportWorkflow(id);
    if (!exported) throw this.notFound(id);
    const [children, notifications] = await Promise.all([this.children(id), this.notifications([id])]);
    return { summary: summaryOf(exported.workflow_status), exported, children, notifications };
  }

  /**
   * The trace of a workflow: the root first, then every descendant reachable through parent_workflow_id and
   * operation_outputs.child_workflow_id (breadth first), with the messages sent to any of them.
   */
  async loadTrace(id: string): Promise<Trace> {
    const root = await this.exportWorkflow(id);
    if (!root) throw this.notFound(id);
    const workflows: ExportedWorkflow[] = [root];
    const seen = new Set([id]);
    for (let i = 0; i < workflows.length; i++) {
      const wf = workflows[i];
      const wid = wf.workflow_status.workflow_uuid;
      const next = new Set<string>();
      for (const op of wf.operation_outputs) if (op.child_workflow_id) next.add(op.child_workflow_id);
      for (const c of await this.children(wid)) next.add(c.workflowId);
      for (const cid of next) {
        if (seen.has(cid)) continue;
        seen.add(cid);
        // A child named by an operation may be gone (deleted); the parent's rows still replay it.
        const child = await this.exportWorkflow(cid);
        if (!child) continue;
        if (workflows.length >= this.limits.workflowsPerTrace) {
          throw errors.tooManyDescendants(id, this.limits.workflowsPerTrace, this.target);
        }
        workflows.push(child);
      }
    }
    const notifications = await this.notifications(workflows.map((w) => w.workflow_status.workflow_uuid));
    const { schema, migrationVersion, generation } = this.detected;
    return {
      format: TRACE_FORMAT,
      version: TRACE_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      source: { kind: 'postgres', database: this.target, schema, migrationVersion, generation },
      rootWorkflowId: id,
      workflows,
      notifications,
    };
  }

  /** Ends the pool; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end().catch(() => {});
  }
}

/** The timeouts a message names: the ones given, else the pool's defaults. */
function timeoutContext(t: Pick<ConnectOptions, 'statementTimeoutMs' | 'lockTimeoutMs'>): QueryContext {
  const statementTimeoutMs = t.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  return { statementTimeoutMs, lockTimeoutMs: lockTimeoutFor(statementTimeoutMs, t.lockTimeoutMs) };
}

function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** A listing row from a status row (a full WorkflowStatusRow or the children query's subset). */
export function summaryOf(r: Record<string, unknown>): WorkflowSummary {
  return {
    workflowId: String(r.workflow_uuid),
    name: String(r.name ?? ''),
    className: strOrNull(r.class_name),
    configName: strOrNull(r.config_name),
    status: String(r.status ?? ''),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    completedAt: numOrNull(r.completed_at),
    queueName: strOrNull(r.queue_name),
    parentWorkflowId: strOrNull(r.parent_workflow_id),
    applicationVersion: strOrNull(r.application_version),
    forkedFrom: strOrNull(r.forked_from),
  };
}
