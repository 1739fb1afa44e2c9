// A minimal read-only reader of the `dbos` schema, standing in until history/src/reader/historyReader.ts lands.
// Runs in the extension host. Delete it when workflowHistory.ts imports the shared HistoryReader.
import pg from 'pg';
import type { WorkflowFilter, WorkflowPage, PageRequest, WorkflowSummary } from '../../../history/src/reader/readerTypes.js';
import type { ExportedWorkflow, OperationOutputRow, WorkflowStatusRow } from '../../../history/src/trace/traceModel.js';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export class InterimHistoryReader {
  private constructor(private readonly pool: pg.Pool, private readonly hasPayloadTables: boolean) {}

  static async connect(url: string): Promise<InterimHistoryReader> {
    const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
    pool.on('error', () => {}); // an idle client's error surfaces on the next query
    try {
      const { rows } = await pool.query<{ status: string | null; payload: string | null }>(
        "SELECT to_regclass('dbos.workflow_status')::text AS status, to_regclass('dbos.workflow_output')::text AS payload");
      if (!rows[0].status) {
        throw Object.assign(new Error('This database has no dbos.workflow_status table: it is not a DBOS system database.'), { code: 'NOT_DBOS' });
      }
      return new InterimHistoryReader(pool, rows[0].payload !== null);
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
  }

  async listWorkflows(filter: WorkflowFilter, page: PageRequest): Promise<WorkflowPage> {
    const limit = Math.min(Math.max(page.limit ?? 50, 1), 1000);
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => (args.push(v), `$${args.length}`);
    if (filter.status?.length) where.push(`status = ANY(${arg(filter.status)})`);
    if (filter.name) where.push(`name = ${arg(filter.name)}`);
    if (filter.idPrefix) where.push(`workflow_uuid LIKE ${arg(filter.idPrefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%')}`);
    if (page.cursor) {
      const [createdAt, id] = JSON.parse(Buffer.from(page.cursor, 'base64url').toString()) as [number, string];
      where.push(`(created_at, workflow_uuid) < (${arg(createdAt)}, ${arg(id)})`);
    }
    const { rows } = await this.pool.query(
      `SELECT workflow_uuid, name, class_name, config_name, status, created_at, updated_at, queue_name, application_version
         FROM dbos.workflow_status ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY created_at DESC, workflow_uuid DESC LIMIT ${limit + 1}`, args);
    const workflows: WorkflowSummary[] = rows.slice(0, limit).map((r) => ({
      workflowId: r.workflow_uuid, name: r.name, className: r.class_name || null, configName: r.config_name || null,
      status: r.status, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
      completedAt: r.status === 'SUCCESS' || r.status === 'ERROR' ? Number(r.updated_at) : null,
      queueName: r.queue_name ?? null, parentWorkflowId: null, applicationVersion: r.application_version ?? null, forkedFrom: null,
    }));
    const last = workflows[workflows.length - 1];
    const nextCursor = rows.length > limit && last
      ? Buffer.from(JSON.stringify([last.createdAt, last.workflowId])).toString('base64url') : null;
    return { workflows, nextCursor };
  }

  async getWorkflow(workflowId: string): Promise<ExportedWorkflow | undefined> {
    const status = await this.pool.query(this.hasPayloadTables
      ? `SELECT s.*, COALESCE(i.inputs, s.inputs) AS inputs, COALESCE(o.output, s.output) AS output, COALESCE(o.error, s.error) AS error
           FROM dbos.workflow_status s LEFT JOIN dbos.workflow_input i USING (workflow_uuid)
           LEFT JOIN dbos.workflow_output o USING (workflow_uuid) WHERE s.workflow_uuid = $1`
      : 'SELECT * FROM dbos.workflow_status WHERE workflow_uuid = $1', [workflowId]);
    if (status.rows.length === 0) return undefined;
    const ops = await this.pool.query('SELECT * FROM dbos.operation_outputs WHERE workflow_uuid = $1 ORDER BY function_id', [workflowId]);
    const s = status.rows[0];
    const workflow_status = { ...s, created_at: Number(s.created_at), updated_at: Number(s.updated_at) } as WorkflowStatusRow;
    const operation_outputs = ops.rows.map((o) => ({
      ...o, started_at_epoch_ms: num(o.started_at_epoch_ms), completed_at_epoch_ms: num(o.completed_at_epoch_ms),
    })) as OperationOutputRow[];
    return { workflow_status, operation_outputs, workflow_events: [], workflow_events_history: [], streams: [] };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
