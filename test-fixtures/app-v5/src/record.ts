// Records every fixture case with the real SDK 5.3.0 under a fixed workflow ID, then checks the outcomes.
// Runs as `npm run record` (node dist/record.js) in the harness; `--crash-case` is the child it spawns for crash-pending.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DBOS, type WorkflowHandle } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { ensureAppSchema } from './appSchema';
import { startFakePaymentProvider } from './paymentProvider';
import { registerShopQueues } from './queues';
import {
  APP_DATABASE_URL_ENV,
  APPROVAL_TOPIC,
  Audit,
  Approvals,
  Catalog,
  Fraud,
  Invoices,
  Ledger,
  PAYMENT_PROVIDER_URL_ENV,
  PAYMENT_TOPIC,
  Packing,
  STEP_RUNS_TABLE,
  Pipeline,
  Search,
  Shipping,
  Shop,
  closeStepCounter,
  eastWarehouse,
  publishPromotionWorkflow,
  type Order,
  type PaymentWebhook,
} from './workflows';

interface ManifestEntry {
  id: string;
  name: string;
  className: string | null;
  configName: string | null;
  status: string;
  parent?: string;
  covers: string[];
  note: string;
  operations: [number, string][];
}
interface Manifest {
  app: string;
  sdk: string;
  stepRunsTable: string;
  appDatabaseUrlEnv: string;
  /** fixture_step_runs after a recording: how many times each step/transaction body ran (retries count each attempt). */
  stepRuns: Record<string, number>;
  workflows: ManifestEntry[];
}

const APP_NAME = 'fixture-shop';
const CRASH_EXECUTOR_ID = 'crashed-executor';
const CRASH_CASE_ID = 'crash-pending';

function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: the harness (scripts/fixtures.mjs) sets it to an empty database for the recording`);
  return v;
}

const sysUrl = requireEnv('FIXTURE_SYSTEM_DATABASE_URL');
const appUrl = requireEnv('FIXTURE_APP_DATABASE_URL');
process.env[APP_DATABASE_URL_ENV] = appUrl;

function configure(executorID?: string): void {
  DBOS.setConfig({
    name: APP_NAME,
    systemDatabaseUrl: sysUrl,
    enablePatching: true,
    logLevel: process.env.FIXTURE_LOG_LEVEL ?? 'warn',
    ...(executorID ? { executorID } : {}),
  });
}

/** The `--crash-case` child: runs packOrder until its courier step SIGKILLs this process. */
async function crashChild(): Promise<never> {
  configure(CRASH_EXECUTOR_ID);
  await DBOS.launch();
  const h = await DBOS.startWorkflow(Packing.packOrder, { workflowID: CRASH_CASE_ID })({
    orderId: 'A-1042',
    items: ['mug', 'tea'],
    simulatePowerLoss: true,
  });
  await h.getResult();
  console.error(`record: ${CRASH_CASE_ID} completed, but its courier step should have killed the process`);
  process.exit(3);
}

async function spawnCrashChild(): Promise<void> {
  const child = spawn(process.execPath, [__filename, '--crash-case'], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c, s) => resolve([c, s]));
  });
  if (signal !== 'SIGKILL') {
    throw new Error(`the ${CRASH_CASE_ID} child process should die by SIGKILL, but it ended with ${signal ?? `exit code ${code}`}`);
  }
}

const sys = new pg.Pool({ connectionString: sysUrl, max: 2 });

/** Waits until `workflowID` has recorded an operation named `functionName` (e.g. the timer row of a waiting recv). */
async function waitForOperation(workflowID: string, functionName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await sys.query('SELECT 1 FROM dbos.operation_outputs WHERE workflow_uuid = $1 AND function_name = $2', [workflowID, functionName]);
    if (r.rowCount) return;
    if (Date.now() > deadline) throw new Error(`${workflowID} did not record '${functionName}' within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

async function outcome(handle: WorkflowHandle<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await handle.getResult() };
  } catch (e) {
    return { ok: false, error: e as Error };
  }
}

const problems: string[] = [];
function expect(cond: boolean, what: string): void {
  if (!cond) problems.push(what);
}

function order(orderId: string, amountCents: number): Order {
  return { orderId, sku: 'sku-mug', qty: 2, amountCents, customer: 'cust-7' };
}

async function checkout(id: string, o: Order, hook: PaymentWebhook | null, timeoutSeconds: number): Promise<Outcome> {
  const h = await DBOS.startWorkflow(Shop.checkout, { workflowID: id })(o, timeoutSeconds);
  if (hook) {
    // The recv's timer row is written before it waits: only then does the webhook arrive.
    await waitForOperation(id, 'DBOS.sleep');
    await DBOS.send(id, hook, PAYMENT_TOPIC);
  }
  return outcome(h);
}

async function recordCases(): Promise<void> {
  let r = await checkout('checkout-ok', order('A-1001', 2599), { paymentId: 'pay_A-1001', outcome: 'paid' }, 10);
  expect(r.ok && (r.value as { status: string }).status === 'fulfilled', `checkout-ok should be fulfilled: ${JSON.stringify(r)}`);
  r = await checkout('checkout-declined', order('A-1002', 4999), { paymentId: 'pay_A-1002', outcome: 'declined', reason: 'insufficient_funds' }, 10);
  expect(r.ok && (r.value as { status: string }).status === 'declined', `checkout-declined should be declined: ${JSON.stringify(r)}`);
  r = await checkout('checkout-webhook-timeout', order('A-1003', 1500), null, 1);
  expect(r.ok && (r.value as { status: string }).status === 'payment_timeout', `checkout-webhook-timeout: ${JSON.stringify(r)}`);

  r = await outcome(await DBOS.startWorkflow(Pipeline.run, { workflowID: 'pipeline-nightly' })('batch-2026-01-05', 3));
  expect(r.ok && (r.value as { valid: boolean }).valid === true, `pipeline-nightly: ${JSON.stringify(r)}`);

  r = await outcome(await DBOS.startWorkflow(publishPromotionWorkflow, { workflowID: 'promotion-spring' })({ code: 'SPRING26', percentOff: 15 }, '  sku-mug '));
  expect(r.ok && (r.value as { note: string }).note === 'promo SPRING26 queued', `promotion-spring: ${JSON.stringify(r)}`);

  r = await outcome(await DBOS.startWorkflow(eastWarehouse, { workflowID: 'restock-east' }).restock('sku-mug', 40));
  expect(r.ok && (r.value as { ordered: number }).ordered > 0, `restock-east: ${JSON.stringify(r)}`);

  r = await outcome(await DBOS.startWorkflow(Shipping.shipWithFallback, { workflowID: 'ship-with-fallback' })('A-1004'));
  expect(r.ok && (r.value as { carrier: string }).carrier === 'ground', `ship-with-fallback: ${JSON.stringify(r)}`);
  r = await outcome(await DBOS.startWorkflow(Shipping.schedulePickup, { workflowID: 'pickup-retries-exhausted' })('A-1005'));
  expect(!r.ok, `pickup-retries-exhausted should fail: ${JSON.stringify(r)}`);
  r = await outcome(await DBOS.startWorkflow(Fraud.screenOrder, { workflowID: 'fraud-screen-rejected' })('A-1006', 90_000));
  expect(!r.ok && r.error.name === 'FraudSuspectedError', `fraud-screen-rejected: ${String(!r.ok && r.error)}`);

  r = await outcome(await DBOS.startWorkflow(Catalog.exportCatalog, { workflowID: 'catalog-export' })());
  expect(r.ok && (r.value as { caught: string[] }).caught.length === 2, `catalog-export: ${String(!r.ok && r.error)}`);

  r = await outcome(
    await DBOS.startWorkflow(Invoices.issueInvoice, { workflowID: 'invoice-portable' })(new Date('2026-01-31T09:30:00.000Z'), 125_000n, ['mug', 'tea']),
  );
  expect(r.ok && (r.value as { taxCents: string }).taxCents === '10000', `invoice-portable: ${JSON.stringify(r)}`);
  r = await outcome(await DBOS.startWorkflow(Invoices.approveCredit, { workflowID: 'credit-portable-rejected' })('inv-2026-2', 250_000n));
  expect(!r.ok && r.error.name === 'InvoiceRejectedError', `credit-portable-rejected: ${String(!r.ok && r.error)}`);

  r = await outcome(await DBOS.startWorkflow(Ledger.settleOrder, { workflowID: 'ledger-settle' })('A-1001', 2599));
  expect(r.ok && (r.value as { refundError: string }).refundError.includes('check constraint'), `ledger-settle: ${JSON.stringify(r)}`);

  const approval = await DBOS.startWorkflow(Approvals.awaitApproval, { workflowID: 'approval-cancelled' })('A-1007', 120_000, 30);
  await waitForOperation(approval.workflowID, 'DBOS.sleep');
  await DBOS.cancelWorkflow(approval.workflowID);
  void APPROVAL_TOPIC; // nobody ever approves

  r = await outcome(await DBOS.startWorkflow(Audit.auditOrder, { workflowID: 'audit-orders' })('checkout-ok', ['checkout-declined']));
  expect(r.ok && String(r.value).includes('recount:6'), `audit-orders: ${JSON.stringify(r)}`);

  await recordRefusedBounces();
}

/** The Debouncer's 'raise' outcome, three ways (see src/workflows/search.ts); each case releases its own holder. */
async function recordRefusedBounces(): Promise<void> {
  // The result of a case whose conflicting bounce was refused as the SDK refuses it, or undefined.
  const refused = (r: Outcome, dedupID: string): Record<string, unknown> | undefined => {
    const want = {
      name: 'DBOSQueueDuplicatedError',
      message: `Workflow  was deduplicated due to an existing workflow in queue reindex with deduplication ID ${dedupID}.`,
      code: 28,
    };
    if (!r.ok) return undefined;
    const value = r.value as Record<string, unknown>;
    return JSON.stringify(value.refused) === JSON.stringify(want) ? value : undefined;
  };
  // Independent keys, so the cases run at once: each holder waits for the SDK's once-a-second DELAYED sweep.
  const [queued, other, app] = await Promise.all([
    DBOS.startWorkflow(Search.bounceOnQueuedHolder, { workflowID: 'debounce-queued-holder' })('sku-mug').then(outcome),
    DBOS.startWorkflow(Search.bounceOnOtherWorkflow, { workflowID: 'debounce-other-workflow' })('sku-tea').then(outcome),
    DBOS.startWorkflow(Search.bounceOnOtherApplication, { workflowID: 'debounce-other-app' })('sku-pot').then(outcome),
  ]);
  expect(refused(queued, 'Search.reindex-queued-sku-mug')?.holder === 'entry:sku-mug:catalog-import', `debounce-queued-holder: ${JSON.stringify(queued)}`);
  const photos = refused(other, 'Search.reindex-photos-sku-tea');
  expect(photos?.sameRun === true && photos.photos === 'entry:sku-tea:photos/upload-2', `debounce-other-workflow: ${JSON.stringify(other)}`);
  expect(refused(app, 'Search.reindex-sku-pot')?.holder === 'entry:sku-pot:shop-edit', `debounce-other-app: ${JSON.stringify(app)}`);
}

/** Every manifest entry must be recorded with its status, name, class, config, parent and exact operation sequence. */
async function verifyManifest(manifest: Manifest): Promise<void> {
  for (const w of manifest.workflows) {
    const s = await sys.query<{ status: string; name: string; class_name: string | null; config_name: string | null; parent_workflow_id: string | null }>(
      'SELECT status, name, class_name, config_name, parent_workflow_id FROM dbos.workflow_status WHERE workflow_uuid = $1',
      [w.id],
    );
    const row = s.rows[0];
    if (!row) {
      problems.push(`${w.id}: not recorded`);
      continue;
    }
    const got = { status: row.status, name: row.name, className: row.class_name, configName: row.config_name, parent: row.parent_workflow_id ?? undefined };
    const want = { status: w.status, name: w.name, className: w.className, configName: w.configName, parent: w.parent };
    expect(JSON.stringify(got) === JSON.stringify(want), `${w.id}: recorded ${JSON.stringify(got)}, manifest says ${JSON.stringify(want)}`);
    const ops = await sys.query<{ function_id: number; function_name: string }>(
      'SELECT function_id, function_name FROM dbos.operation_outputs WHERE workflow_uuid = $1 ORDER BY function_id',
      [w.id],
    );
    const seq = ops.rows.map((o) => [o.function_id, o.function_name]);
    expect(JSON.stringify(seq) === JSON.stringify(w.operations), `${w.id}: recorded operations ${JSON.stringify(seq)}, manifest says ${JSON.stringify(w.operations)}`);
  }
}

/** The step-body counters must match the manifest exactly (a retry counts each attempt). */
async function verifyStepRuns(manifest: Manifest): Promise<void> {
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  try {
    const r = await app.query<{ step: string; runs: number }>(`SELECT step, runs FROM ${STEP_RUNS_TABLE} ORDER BY step`);
    const sorted = (e: [string, number][]) => Object.fromEntries(e.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const got = sorted(r.rows.map((x) => [x.step, x.runs]));
    const want = sorted(Object.entries(manifest.stepRuns));
    expect(JSON.stringify(got) === JSON.stringify(want), `${STEP_RUNS_TABLE} is ${JSON.stringify(got)}, manifest stepRuns says ${JSON.stringify(want)}`);
  } finally {
    await app.end();
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures.json'), 'utf8')) as Manifest;
  await ensureAppSchema(appUrl);
  await spawnCrashChild();

  const provider = await startFakePaymentProvider();
  process.env[PAYMENT_PROVIDER_URL_ENV] = provider.url;
  configure();
  await DBOS.launch();
  await registerShopQueues();
  try {
    await recordCases();
    await verifyManifest(manifest);
    await verifyStepRuns(manifest);
  } finally {
    await DBOS.shutdown();
    await provider.close();
    await closeStepCounter();
    await sys.end();
  }
  if (problems.length) {
    console.error(`record: ${problems.length} unexpected outcome(s):\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.error(`record: ${manifest.workflows.length} workflows recorded and verified in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(0);
}

(process.argv.includes('--crash-case') ? crashChild() : main()).catch((err: unknown) => {
  console.error('record: failed:', err);
  process.exit(1);
});
