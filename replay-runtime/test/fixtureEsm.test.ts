// The ES-module fixture app (test-fixtures/app-esm: "type": "module", `import { DBOS } from '@dbos-inc/dbos-sdk'`,
// top-level await, decorators, registerWorkflow, and a data source importing `@dbos-inc/dbos-sdk/datasource`)
// replays its recordings from compiled ESM and through tsx.
// Runs in the test process; each replay is the app's own node process with the runtime preloaded.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { runReplay, runReplayBatch, type BatchEntry } from '../../launcher/src/runReplay.js';
import { traceFromDatabase } from './recording.js';

const root = path.resolve(__dirname, '..', '..');
const appDir = path.join(root, 'test-fixtures', 'app-esm');
const sysUrl = process.env.DBOS_REPLAY_FX_ESM_SYS_URL;
const appUrl = process.env.DBOS_REPLAY_FX_ESM_APP_URL;
const recorded = !!sysUrl && existsSync(path.join(appDir, 'dist', 'main.js'));

interface Manifest {
  workflows: { id: string; status: string; operations: [number, string][] }[];
}

for (const program of ['dist/main.js', 'src/main.ts']) {
  test(
    `ESM fixture through ${program}: every recorded workflow matches, name for name`,
    { skip: !recorded && 'ESM fixture not recorded' },
    async () => {
      const manifest = JSON.parse(readFileSync(path.join(appDir, 'fixtures.json'), 'utf8')) as Manifest;
      const entries: BatchEntry[] = [];
      for (const w of manifest.workflows) entries.push({ trace: await traceFromDatabase(sysUrl!, w.id) });
      // ESM_FIXTURE_RECORDING unset: a step body that ran would throw.
      const r = await runReplayBatch({
        entries,
        program,
        cwd: appDir,
        timeoutMs: 60_000,
        env: { ESM_FIXTURE_RECORDING: '' },
      });
      assert.equal(r.processes, 1, r.stderr.slice(-2000));
      assert.deepEqual(
        r.verdicts.map((v) => [v.workflowId, v.verdict, v.operations.consumed]),
        manifest.workflows.map((w) => [w.id, 'match', w.operations.length]),
        r.stderr.slice(-2000),
      );
      assert.deepEqual(r.verdicts[0].replayedResult, {
        status: 'SUCCESS',
        value: { status: 'paid', orderId: 'esm-checkout-paid', paymentId: 'pay-esm-checkout-paid' },
      });
    },
  );
}

/** The ledger rows the recording left in the app database: a replayed transaction must not add any. */
async function ledgerRows(): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: appUrl });
  await c.connect();
  try {
    return (await c.query('SELECT id, order_id, amount_cents, booked_at FROM esm_ledger ORDER BY id')).rows;
  } finally {
    await c.end();
  }
}

for (const program of ['dist/main.js', 'src/main.ts']) {
  test(
    `ESM fixture through ${program}: the data source's ESM import of @dbos-inc/dbos-sdk/datasource is redirected; its transactions answer from the recording`,
    { skip: !recorded && 'ESM fixture not recorded' },
    async () => {
      const before = await ledgerRows();
      assert.equal(before.length, 1, 'the recording books exactly one sale');
      const trace = await traceFromDatabase(sysUrl!, 'esm-ledger-sale');
      assert.deepEqual(
        trace.workflows[0].operation_outputs.map((o) => [Number(o.function_id), o.function_name]),
        [
          [0, 'bookSale'],
          [1, 'countSales'],
        ],
      );
      // ESM_FIXTURE_RECORDING unset: a transaction body that ran would throw; the data source was never initialized
      // (no DBOS.launch() of the real SDK), so the real runTransaction could not have reached the database either.
      const r = await runReplay({ trace, program, cwd: appDir, timeoutMs: 60_000, env: { ESM_FIXTURE_RECORDING: '' } });
      assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr.slice(-2000));
      assert.deepEqual(r.verdict.operations, { consumed: 2, recorded: 2 });
      assert.deepEqual(r.verdict.replayedResult, r.verdict.recordedResult);
      const value = r.verdict.replayedResult?.value as {
        sale: { orderId: string; amountCents: number; bookedAt: unknown };
        salesForOrder: number;
      };
      assert.deepEqual([value.sale.orderId, value.sale.amountCents, value.salesForOrder], ['esm-7', 1999, 1]);
      assert.equal(r.exitCode, 0);
      assert.deepEqual(await ledgerRows(), before, 'the replay wrote to the app database');
    },
  );
}

test(
  'ESM fixture: a renamed step in the TypeScript source diverges at its line (tsx source maps)',
  { skip: !recorded && 'ESM fixture not recorded' },
  async () => {
    const trace = await traceFromDatabase(sysUrl!, 'esm-checkout-paid');
    const row = trace.workflows[0].operation_outputs.find((o) => Number(o.function_id) === 1)!;
    row.function_name = 'chargeCard';
    const r = await runReplay({ trace, program: 'src/main.ts', cwd: appDir, timeoutMs: 60_000 });
    const d = r.verdict.divergence!;
    assert.deepEqual(
      [r.verdict.verdict, d.functionId, d.recorded, d.called],
      ['diverged', 1, 'chargeCard', 'charge'],
      r.stderr,
    );
    const file = path.join(appDir, 'src', 'workflows.ts');
    assert.equal(d.location?.file.replace(/^file:\/\//, ''), file);
    const line1 =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('await Billing.charge(order)')) + 1;
    assert.equal(d.location?.line1, line1);
  },
);
