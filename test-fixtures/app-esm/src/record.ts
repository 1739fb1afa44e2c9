// Records the ESM fixture's cases with the real SDK 5.3.0 under fixed workflow IDs and checks them against fixtures.json.
// Runs as `npm run record` (node dist/record.js) in the harness (scripts/fixtures.mjs).
import { readFileSync } from 'node:fs';
import { DBOS } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { APP_DATABASE_URL_ENV, EsmLedger, LEDGER_TABLE } from './ledger.js';
import { EsmShop, PAYMENT_TOPIC, quoteWorkflow, type Order } from './workflows.js';

interface Manifest { workflows: { id: string; status: string; operations: [number, string][] }[] }

const sysUrl = process.env.FIXTURE_SYSTEM_DATABASE_URL;
if (!sysUrl) throw new Error('FIXTURE_SYSTEM_DATABASE_URL is not set: the harness sets it to an empty database');
const appUrl = process.env.FIXTURE_APP_DATABASE_URL;
if (!appUrl) throw new Error('FIXTURE_APP_DATABASE_URL is not set: the harness sets it to an empty database');
process.env.ESM_FIXTURE_RECORDING = '1';
process.env[APP_DATABASE_URL_ENV] = appUrl;

/** Runs one statement on the app database (the ledger table is the app's, not the data source's). */
async function appQuery(sql: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: appUrl });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}
await appQuery(`CREATE TABLE ${LEDGER_TABLE} (id serial PRIMARY KEY, order_id text NOT NULL, amount_cents int NOT NULL, booked_at timestamptz NOT NULL)`);

DBOS.setConfig({ name: 'fixture-esm', systemDatabaseUrl: sysUrl, logLevel: process.env.FIXTURE_LOG_LEVEL ?? 'warn' });
await DBOS.launch();
const order = (id: string): Order => ({ orderId: id, sku: 'sku-7', qty: 2, amountCents: 1999 });

for (const [id, outcome] of [['esm-checkout-paid', 'paid'], ['esm-checkout-declined', 'declined']] as const) {
  const h = await DBOS.startWorkflow(EsmShop, { workflowID: id }).checkout(order(id));
  await DBOS.getEvent(id, 'status', 10);
  await DBOS.send(id, outcome, PAYMENT_TOPIC);
  await h.getResult();
}
await (await DBOS.startWorkflow(quoteWorkflow, { workflowID: 'esm-quote' })(['a', 'bb', 'ccc'])).getResult();
await (await DBOS.startWorkflow(EsmLedger, { workflowID: 'esm-ledger-sale' }).bookSale('esm-7', 1999)).getResult();

const manifest = JSON.parse(readFileSync(new URL('../fixtures.json', import.meta.url), 'utf8')) as Manifest;
const problems: string[] = [];
for (const w of manifest.workflows) {
  const status = await DBOS.getWorkflowStatus(w.id);
  if (status?.status !== w.status) problems.push(`${w.id}: status ${status?.status}, want ${w.status}`);
  const steps = (await DBOS.listWorkflowSteps(w.id)) ?? [];
  const got = steps.map((s) => [s.functionID, s.name]);
  if (JSON.stringify(got) !== JSON.stringify(w.operations)) problems.push(`${w.id}: operations ${JSON.stringify(got)}, want ${JSON.stringify(w.operations)}`);
}
await DBOS.shutdown();
const ledgerRows = (await appQuery(`SELECT count(*)::int AS n FROM ${LEDGER_TABLE}`)).rows[0].n as number;
if (ledgerRows !== 1) problems.push(`${LEDGER_TABLE} has ${ledgerRows} rows after recording, want 1 (esm-ledger-sale's bookSale)`);
if (problems.length) {
  process.stderr.write(`fixture-esm recording does not match fixtures.json:\n${problems.join('\n')}\n`);
  process.exit(1);
}
