// Seeds a DBOS 5.3.0 system database (already migrated by DBOS.migrate) with synthetic workflows, all in SQL.
// Runs in the benchmark and test processes, never in the product.
import type pg from 'pg';

/** Names by skew: index 0 is the most common (~37%), index 19 the least (~1.7%). */
export const SEED_NAMES = [
  'processOrder',
  'sendEmail',
  'chargeCard',
  'syncInventory',
  'generateInvoice',
  'refreshCache',
  'importCsv',
  'notifyWebhook',
  'resizeImage',
  'computeReport',
  'archiveLogs',
  'reindexSearch',
  'rotateKeys',
  'exportData',
  'scoreFraud',
  'provisionTenant',
  'mergeAccounts',
  'backfillMetrics',
  'auditPermissions',
  'migrateTenant',
];
/** Drawn for 0.05% of rows: the rare name. */
export const SEED_RARE_NAME = 'reconcileLedger';
export const SEED_CLASSES = ['OrderService', 'MailService', 'BillingService', 'InventoryService', 'ReportService'];
export const SEED_QUEUES = ['default-queue', 'email-queue', 'rare-queue'];
/** Application versions follow time: v1 is the oldest 1/12 of rows, v12 the newest. */
export const SEED_VERSIONS = 12;
export const SEED_DAY_MS = 86_400_000;
/** created_at of the newest seeded row is about SEED_T0 + 30 days. */
export const SEED_T0 = 1_760_000_000_000;

export interface SeedOptions {
  count: number;
  /** Steps (operation_outputs rows) per workflow, 0..n; the average is (steps+1)/2 … here uniform 1..steps. */
  stepsPerWorkflow?: number;
  /** Also fill workflow_input / workflow_output (5.x payload tables). */
  payloads?: boolean;
  log?: (msg: string) => void;
}

/** Deterministic SQL for a workflow ID of row i (uuid-shaped, from md5). */
const uuidOf = (i: string) =>
  `(substr(md5(${i}::text),1,8)||'-'||substr(md5(${i}::text),9,4)||'-4'||substr(md5(${i}::text),14,3)||'-a'||substr(md5(${i}::text),18,3)||'-'||substr(md5(${i}::text),21,12))`;

/**
 * Inserts `count` workflow_status rows (then operation_outputs and payloads), then ANALYZE. Distribution:
 * - created_at: evenly over 30 days in row order, ± 1 s of jitter;
 * - status: SUCCESS 90%, ERROR 6%, CANCELLED 1.5%, ENQUEUED 1.4%, PENDING 1%, MAX_RECOVERY_ATTEMPTS_EXCEEDED 0.1%;
 * - name: 20 names, skewed (r^3), plus SEED_RARE_NAME at 0.05%; class by name (every other name has none);
 * - queue: 30% of rows (all ENQUEUED ones): default-queue 75%, email-queue 24%, rare-queue 1%;
 * - parent: every 10th row is a child `${parentId}-${n}` of a row up to 1000 rows older;
 * - application_version: v1..v12 by time.
 */
export async function seedWorkflows(client: pg.ClientBase, schema: string, opts: SeedOptions): Promise<void> {
  const s = '"' + schema.replace(/"/g, '""') + '"';
  const log = opts.log ?? (() => {});
  const n = opts.count;
  const names = `ARRAY[${SEED_NAMES.map((x) => `'${x}'`).join(',')}]`;
  const classes = `ARRAY[${SEED_CLASSES.map((x) => `'${x}'`).join(',')}]`;
  await client.query('SELECT setseed(0.42)');
  let t = Date.now();
  await client.query(`
    INSERT INTO ${s}.workflow_status (workflow_uuid, status, name, class_name, config_name, authenticated_user,
      assumed_role, authenticated_roles, executor_id, created_at, updated_at, completed_at, application_version,
      application_id, recovery_attempts, queue_name, parent_workflow_id, serialization, application_name, priority)
    SELECT
      CASE WHEN i % 10 = 0 THEN ${uuidOf('p')} || '-' || (i - p) ELSE ${uuidOf('i')} END,
      st, nm,
      CASE WHEN ni >= 0 AND ni % 2 = 0 THEN (${classes})[1 + (ni / 2) % ${SEED_CLASSES.length}] END,
      NULL, '', '', '[]', 'local',
      ca, ca + dur, CASE WHEN st IN ('SUCCESS','ERROR','CANCELLED','MAX_RECOVERY_ATTEMPTS_EXCEEDED') THEN ca + dur END,
      'v' || (1 + (i - 1) * ${SEED_VERSIONS} / ${n}), '',
      CASE WHEN st = 'ENQUEUED' THEN 0 ELSE 1 END,
      CASE WHEN st = 'ENQUEUED' OR rq < 0.3 THEN
        CASE WHEN rq2 < 0.75 THEN 'default-queue' WHEN rq2 < 0.99 THEN 'email-queue' ELSE 'rare-queue' END END,
      CASE WHEN i % 10 = 0 THEN ${uuidOf('p')} END,
      'js_superjson', 'bench-app', 0
    FROM (
      SELECT i, p, ni,
        CASE WHEN ni < 0 THEN '${SEED_RARE_NAME}' ELSE (${names})[1 + ni] END AS nm,
        CASE WHEN rs < 0.90 THEN 'SUCCESS' WHEN rs < 0.96 THEN 'ERROR' WHEN rs < 0.975 THEN 'CANCELLED'
             WHEN rs < 0.989 THEN 'ENQUEUED' WHEN rs < 0.999 THEN 'PENDING' ELSE 'MAX_RECOVERY_ATTEMPTS_EXCEEDED' END AS st,
        ${SEED_T0}::bigint + (i::bigint * ${30 * SEED_DAY_MS} / ${n}) + (rj * 1000)::bigint AS ca,
        (50 + rd * 5000)::bigint AS dur, rq, rq2
      FROM (
        SELECT i, random() AS rs, random() AS rj, random() AS rd, random() AS rq, random() AS rq2,
          CASE WHEN random() < 0.0005 THEN -1 ELSE floor(20 * power(random(), 3))::int END AS ni,
          greatest(1, i - 1 - 2 * floor(random() * 500)::int) AS p
        FROM generate_series(1, ${n}) AS i
      ) r
    ) x`);
  log(`seed: ${n} workflow_status rows in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const steps = opts.stepsPerWorkflow ?? 0;
  if (steps > 0) {
    t = Date.now();
    await client.query(`
      INSERT INTO ${s}.operation_outputs (workflow_uuid, function_id, function_name, output, started_at_epoch_ms,
        completed_at_epoch_ms, serialization, application_name)
      SELECT ws.workflow_uuid, f, 'step' || f, '{"json":' || f || ',"__dbos_serializer":"superjson"}',
        ws.created_at + f * 10, ws.created_at + f * 10 + 5, 'js_superjson', 'bench-app'
      FROM ${s}.workflow_status ws
      CROSS JOIN LATERAL generate_series(0, (hashtext(ws.workflow_uuid) & 2147483647) % ${steps}) AS f`);
    const c = await client.query(`SELECT count(*)::int AS n FROM ${s}.operation_outputs`);
    log(
      `seed: ${c.rows[0].n} operation_outputs rows (1..${steps} per workflow) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  if (opts.payloads) {
    t = Date.now();
    await client.query(`INSERT INTO ${s}.workflow_input (workflow_uuid, inputs)
      SELECT workflow_uuid, '{"json":[{"id":' || length(workflow_uuid) || '}],"__dbos_serializer":"superjson"}' FROM ${s}.workflow_status`);
    await client.query(`INSERT INTO ${s}.workflow_output (workflow_uuid, output, error)
      SELECT workflow_uuid,
        CASE WHEN status = 'SUCCESS' THEN '{"json":"ok","__dbos_serializer":"superjson"}' END,
        CASE WHEN status = 'ERROR' THEN '{"json":{"name":"Error","message":"boom"},"__dbos_serializer":"superjson"}' END
      FROM ${s}.workflow_status WHERE status IN ('SUCCESS', 'ERROR')`);
    log(`seed: workflow_input / workflow_output in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  t = Date.now();
  await client.query(`ANALYZE ${s}.workflow_status`);
  if (steps > 0) await client.query(`ANALYZE ${s}.operation_outputs`);
  if (opts.payloads) await client.query(`ANALYZE ${s}.workflow_input; ANALYZE ${s}.workflow_output`);
  log(`seed: ANALYZE in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
