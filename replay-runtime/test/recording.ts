// Test helper: reads a recorded workflow's trace (and its children's) back from a scratch database with plain
// SELECTs, the way the SDK's export shapes it. Runs in the test process.
import pg from 'pg';
import type { ExportedWorkflow, Trace } from '../../protocol/traceModel.js';

const NUMERIC = [
  'created_at',
  'updated_at',
  'recovery_attempts',
  'workflow_timeout_ms',
  'workflow_deadline_epoch_ms',
  'started_at_epoch_ms',
  'completed_at',
  'completed_at_epoch_ms',
  'priority',
  'function_id',
  'offset',
];

function numbers<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = { ...row };
  for (const k of NUMERIC) if (typeof out[k] === 'string') out[k] = Number(out[k]);
  return out as T;
}

async function exportOne(c: pg.Client, id: string, v5Payloads: boolean): Promise<ExportedWorkflow | null> {
  // 4.x keeps the payloads on workflow_status (no workflow_input/workflow_output tables).
  const st = v5Payloads
    ? await c.query(
        `SELECT ws.*, COALESCE(wi.inputs, ws.inputs) AS inputs, COALESCE(wo.output, ws.output) AS output,
      COALESCE(wo.error, ws.error) AS error
    FROM dbos.workflow_status ws LEFT JOIN dbos.workflow_input wi USING (workflow_uuid) LEFT JOIN dbos.workflow_output wo USING (workflow_uuid)
    WHERE ws.workflow_uuid = $1`,
        [id],
      )
    : await c.query('SELECT ws.* FROM dbos.workflow_status ws WHERE ws.workflow_uuid = $1', [id]);
  if (st.rows.length === 0) return null;
  const ops = await c.query(
    `SELECT workflow_uuid, function_id, function_name, output, error, child_workflow_id, started_at_epoch_ms,
      completed_at_epoch_ms, serialization FROM dbos.operation_outputs WHERE workflow_uuid = $1 ORDER BY function_id`,
    [id],
  );
  const ev = await c.query(
    'SELECT workflow_uuid, key, value, serialization FROM dbos.workflow_events WHERE workflow_uuid = $1',
    [id],
  );
  const evh = await c.query(
    'SELECT workflow_uuid, function_id, key, value, serialization FROM dbos.workflow_events_history WHERE workflow_uuid = $1',
    [id],
  );
  const streams = await c.query(
    'SELECT workflow_uuid, key, value, "offset", function_id, serialization FROM dbos.streams WHERE workflow_uuid = $1',
    [id],
  );
  return {
    workflow_status: numbers(st.rows[0]),
    operation_outputs: ops.rows.map(numbers),
    workflow_events: ev.rows,
    workflow_events_history: evh.rows.map(numbers),
    streams: streams.rows.map(numbers),
  };
}

/** The trace of a recorded workflow and its descendants, as the history reader will build it. */
export async function traceFromDatabase(url: string, rootId: string): Promise<Trace> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const {
      rows: [t],
    } = await c.query("SELECT to_regclass('dbos.workflow_input') IS NOT NULL AS v5");
    const workflows: ExportedWorkflow[] = [];
    const queue = [rootId];
    while (queue.length) {
      const id = queue.shift()!;
      const w = await exportOne(c, id, t.v5 as boolean);
      if (!w) throw new Error(`no recorded workflow ${id}`);
      workflows.push(w);
      const kids = await c.query(
        'SELECT workflow_uuid FROM dbos.workflow_status WHERE parent_workflow_id = $1 ORDER BY created_at',
        [id],
      );
      queue.push(...kids.rows.map((r) => r.workflow_uuid as string));
    }
    return {
      format: 'dbos-replay-trace',
      version: 1,
      createdAt: new Date().toISOString(),
      source: { kind: 'postgres' },
      rootWorkflowId: rootId,
      workflows,
    };
  } finally {
    await c.end();
  }
}
