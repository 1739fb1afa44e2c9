// Records the v4 fixture: runs each case under a fixed workflow ID with the real SDK 4.26 and checks the outcomes.
// Runs as `npm run record` in its own process, started by the test harness (scripts/fixtures.mjs).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { KnexDataSource } from '@dbos-inc/knex-datasource';
import { Client } from 'pg';
import {
  APP_DATABASE_URL_ENV,
  ORDERS_DDL,
  STEP_RUNS_DDL,
  Orders,
  appDbConfig,
  closeStepCounter,
  sendReceipt,
  strictFraudCheck,
  type OrderRequest,
  type OrderResult,
} from './workflows';

interface ManifestEntry {
  id: string;
  name: string;
  className: string | null;
  configName: string | null;
  status: string;
  parent?: string;
}

/** Each body must have run exactly this often in a fresh recording. */
const EXPECTED_RUNS: Record<string, number> = {
  insertOrder: 2, // v4-order-ok and v4-order-fail
  chargePayment: 2, // v4-order-ok and v4-temp-step (called outside a workflow)
  printLabel: 1,
  awkwardValues: 1,
  reserveStock: 1,
  loadOrder: 1,
  emailReceipt: 1,
  'FraudCheck.score': 1,
};

function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the recorder through the harness (npm test), which creates the databases.`);
  return v;
}

function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`v4 fixture recording is wrong: ${what}`);
}

async function prepareAppDatabase(appUrl: string): Promise<void> {
  const c = new Client({ connectionString: appUrl });
  await c.connect();
  try {
    await c.query(ORDERS_DDL);
    await c.query(STEP_RUNS_DDL);
  } finally {
    await c.end();
  }
  // dbos.transaction_completion, the knex data source's checkpoint table.
  await KnexDataSource.initializeDBOSSchema(appDbConfig);
}

async function runCases(): Promise<void> {
  const ok: OrderRequest = {
    orderId: 'v4-order-ok',
    customer: 'alice',
    sku: 'sold-out',
    amountCents: 4200,
    requestedAt: new Date('2025-06-01T12:00:00.000Z'),
  };
  const res: OrderResult = await (await DBOS.startWorkflow(Orders.placeOrder, { workflowID: 'v4-order-ok' })(ok)).getResult();
  check(res.order.order_id === 'v4-order-ok' && res.order.created_at instanceof Date, 'order row with a Date');
  check(res.label === 'LABEL-v4-order-ok', `label ${res.label}`);
  check(res.stock.startsWith('backordered: No stock left'), `stock ${res.stock}`);
  check(typeof res.awkward.big === 'bigint' && res.awkward.map instanceof Map, 'awkward values');

  const fail: OrderRequest = { ...ok, orderId: 'v4-order-fail', customer: 'mallory', amountCents: 0, sku: 'widget' };
  let failed: unknown;
  try {
    await (await DBOS.startWorkflow(Orders.placeOrder, { workflowID: 'v4-order-fail' })(fail)).getResult();
  } catch (e) {
    failed = e;
  }
  check(failed instanceof Error && failed.name === 'OrderRejectedError', `v4-order-fail threw ${String(failed)}`);

  const receipt = await (await DBOS.startWorkflow(sendReceipt, { workflowID: 'v4-receipt' })('v4-order-ok')).getResult();
  check(receipt.orderedAt instanceof Date && receipt.to === 'alice', 'receipt');

  const verdict = await (
    await DBOS.startWorkflow(strictFraudCheck, { workflowID: 'v4-fraud-review' }).review('v4-order-ok', 4200)
  ).getResult();
  check(verdict.score === 42 && verdict.verdict === 'accept', `fraud verdict ${JSON.stringify(verdict)}`);

  // Outside any workflow: 4.26 wraps a registered step in a temp workflow `temp_workflow-step-<name>`; DBOS.send goes
  // straight to the notifications table (sendDirect), with no workflow (4.0–4.9 recorded `temp_workflow-send-…`).
  const pay = await DBOS.withNextWorkflowID('v4-temp-step', () => Orders.chargePayment('v4-temp', 100));
  check(pay.paymentId === 'pay-v4-temp' && pay.chargedAt instanceof Date, `temp step ${JSON.stringify(pay)}`);
  await DBOS.send('v4-order-ok', 'late note', 'notes');
}

async function checkRecording(manifest: ManifestEntry[], appUrl: string): Promise<void> {
  // Exactly the manifest's workflows: the DBOS.send outside a workflow must not have recorded one.
  const all = (await DBOS.listWorkflows({})).map((s) => s.workflowID).sort();
  check(JSON.stringify(all) === JSON.stringify(manifest.map((w) => w.id).sort()), `workflows ${all.join(', ')}`);
  for (const w of manifest) {
    const s = await DBOS.getWorkflowStatus(w.id);
    check(s, `no workflow ${w.id}`);
    check(s.status === w.status, `${w.id} status ${s.status}, manifest says ${w.status}`);
    check(s.workflowName === w.name, `${w.id} name ${s.workflowName}, manifest says ${w.name}`);
    check((s.workflowClassName || null) === w.className, `${w.id} class ${s.workflowClassName}, manifest says ${w.className}`);
    check((s.workflowConfigName || null) === w.configName, `${w.id} config ${s.workflowConfigName}, manifest says ${w.configName}`);
    check((s.parentWorkflowID ?? undefined) === w.parent, `${w.id} parent ${s.parentWorkflowID}, manifest says ${w.parent}`);
  }
  const c = new Client({ connectionString: appUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ step: string; runs: number }>('SELECT step, runs FROM fixture_step_runs');
    const runs = Object.fromEntries(rows.map((r) => [r.step, r.runs]));
    check(JSON.stringify(runs, Object.keys(EXPECTED_RUNS).sort()) === JSON.stringify(EXPECTED_RUNS, Object.keys(EXPECTED_RUNS).sort()) &&
      rows.length === Object.keys(EXPECTED_RUNS).length, `step runs ${JSON.stringify(runs)}`);
    const orders = await c.query<{ order_id: string; sku: string }>('SELECT order_id, sku FROM orders ORDER BY order_id');
    check(JSON.stringify(orders.rows) === JSON.stringify([{ order_id: 'v4-order-ok', sku: 'sold-out' }]),
      `orders ${JSON.stringify(orders.rows)} (the failed transactions must have rolled back)`);
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const sysUrl = requireEnv('FIXTURE_SYSTEM_DATABASE_URL');
  const appUrl = requireEnv(APP_DATABASE_URL_ENV);
  const manifest = (JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures.json'), 'utf8')) as { workflows: ManifestEntry[] })
    .workflows;

  await prepareAppDatabase(appUrl);
  DBOS.setConfig({
    name: 'fixture-app-v4',
    systemDatabaseUrl: sysUrl,
    applicationVersion: 'fixture-v4',
    executorID: 'fixture-recorder',
    logLevel: 'warn',
  });
  await DBOS.launch();
  try {
    await runCases();
    await checkRecording(manifest, appUrl);
  } finally {
    await DBOS.shutdown();
    await closeStepCounter();
  }
  process.stderr.write(`v4 fixture: recorded ${manifest.length} workflows in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`v4 fixture recording failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
