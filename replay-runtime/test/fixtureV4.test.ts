// Differential test against the v4 fixture app (SDK 4.26 + knex-datasource 4.5.13): every recorded workflow of
// its manifest replays through the app's compiled dist/main.js — whose own node_modules hold the real 4.26 SDK and
// knex-datasource, which the redirect must override — to its recorded outcome with every recorded operation
// consumed, and the step-body counters in the app database stay as recorded. Runs in the test process.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtureStepRuns, fixtureUrl } from '../../test-support/testDatabase.js';
import { runReplay, type RunReplayResult } from '../../launcher/src/runReplay.js';
import { traceFromDatabase } from './recording.js';

const root = path.resolve(__dirname, '..', '..');
const appDir = path.join(root, 'test-fixtures', 'app-v4');
const recorded = !!process.env.DBOS_REPLAY_FX_V4_SYS_URL && existsSync(path.join(appDir, 'dist', 'main.js'));

interface Manifest {
  workflows: { id: string; name: string; className: string | null; status: string; parent?: string }[];
}

/** Operation counts of the recording (the v4 manifest names them only in notes). */
const OPERATIONS: Record<string, number> = {
  'v4-order-ok': 11,
  'v4-order-ok-6': 1,
  'v4-order-fail': 1,
  'v4-receipt': 2,
  'v4-fraud-review': 1,
  'v4-temp-step': 1,
};

test(
  'v4 fixture: every recorded workflow replays to its recorded outcome through dist/main.js, no body runs',
  { skip: !recorded && 'v4 fixtures not recorded' },
  async () => {
    const manifest = JSON.parse(readFileSync(path.join(appDir, 'fixtures.json'), 'utf8')) as Manifest;
    const before = await fixtureStepRuns('v4');
    assert.equal(before.insertOrder, 2);
    // The app's own node_modules hold the real SDK the redirect must win over.
    assert.ok(existsSync(path.join(appDir, 'node_modules', '@dbos-inc', 'knex-datasource')));
    const results = new Map<string, RunReplayResult>();
    const queue = [...manifest.workflows];
    await Promise.all(
      [0, 1].map(async () => {
        for (let w = queue.shift(); w; w = queue.shift()) {
          const trace = await traceFromDatabase(fixtureUrl('v4', 'sys'), w.id);
          // The app would reach its database through this variable if a body ran: give it, and check the counters.
          results.set(
            w.id,
            await runReplay({
              trace,
              program: 'dist/main.js',
              cwd: appDir,
              timeoutMs: 60_000,
              env: { FIXTURE_APP_DATABASE_URL: fixtureUrl('v4', 'app') },
            }),
          );
        }
      }),
    );
    const problems: string[] = [];
    for (const w of manifest.workflows) {
      const r = results.get(w.id)!;
      const v = r.verdict;
      if (v.verdict !== 'match') {
        problems.push(
          `${w.id} (${w.status}): ${v.verdict}: ${JSON.stringify(v.divergence ?? v.error ?? v.incomplete)} ${r.stderr.slice(-800)}`,
        );
        continue;
      }
      if (v.operations.consumed !== OPERATIONS[w.id] || v.operations.recorded !== OPERATIONS[w.id]) {
        problems.push(`${w.id}: operations ${JSON.stringify(v.operations)}, want ${OPERATIONS[w.id]}`);
      }
      if (r.exitCode !== 0) problems.push(`${w.id}: exit code ${r.exitCode}`);
      assert.deepEqual(v.replayedResult, v.recordedResult, w.id);
    }
    assert.deepEqual(problems, []);
    const ok = results.get('v4-order-ok')!.verdict.replayedResult?.value as Record<string, unknown>;
    assert.match(String(ok.stock), /^backordered: No stock left for /);
    assert.deepEqual(
      (ok.order as Record<string, unknown>).created_at && typeof (ok.order as Record<string, unknown>).created_at,
      'object',
    );
    // The SDK's temp workflow for a step called outside a workflow: its one step answered from the recording.
    const temp = results.get('v4-temp-step')!.verdict;
    assert.equal(temp.note, 'a temp workflow the SDK recorded for step Orders.chargePayment called outside a workflow');
    assert.equal((temp.replayedResult?.value as { paymentId: string }).paymentId, 'pay-v4-temp');
    const fail = results.get('v4-order-fail')!.verdict;
    assert.equal(fail.replayedResult?.error?.name, 'OrderRejectedError');
    assert.deepEqual(await fixtureStepRuns('v4'), before);
  },
);
