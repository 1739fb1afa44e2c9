// The ES-module fixture app (test-fixtures/app-esm: "type": "module", `import { DBOS } from '@dbos-inc/dbos-sdk'`,
// top-level await, decorators and registerWorkflow) replays its recordings from compiled ESM and through tsx.
// Runs in the test process; each replay is the app's own node process with the runtime preloaded.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runReplay, runReplayBatch, type BatchEntry } from '../src/host/runReplay.js';
import { traceFromDatabase } from './recording.js';

const root = path.resolve(__dirname, '..', '..');
const appDir = path.join(root, 'test-fixtures', 'app-esm');
const sysUrl = process.env.DBOS_REPLAY_FX_ESM_SYS_URL;
const recorded = !!sysUrl && existsSync(path.join(appDir, 'dist', 'main.js'));

interface Manifest { workflows: { id: string; status: string; operations: [number, string][] }[] }

for (const program of ['dist/main.js', 'src/main.ts']) {
  test(`ESM fixture through ${program}: every recorded workflow matches, name for name`, { skip: !recorded && 'ESM fixture not recorded' }, async () => {
    const manifest = JSON.parse(readFileSync(path.join(appDir, 'fixtures.json'), 'utf8')) as Manifest;
    const entries: BatchEntry[] = [];
    for (const w of manifest.workflows) entries.push({ trace: await traceFromDatabase(sysUrl!, w.id) });
    // ESM_FIXTURE_RECORDING unset: a step body that ran would throw.
    const r = await runReplayBatch({ entries, program, cwd: appDir, timeoutMs: 60_000, env: { ESM_FIXTURE_RECORDING: '' } });
    assert.equal(r.processes, 1, r.stderr.slice(-2000));
    assert.deepEqual(r.verdicts.map((v) => [v.workflowId, v.verdict, v.operations.consumed]),
      manifest.workflows.map((w) => [w.id, 'match', w.operations.length]), r.stderr.slice(-2000));
    assert.deepEqual(r.verdicts[0].replayedResult, { status: 'SUCCESS', value: { status: 'paid', orderId: 'esm-checkout-paid', paymentId: 'pay-esm-checkout-paid' } });
  });
}

test('ESM fixture: a renamed step in the TypeScript source diverges at its line (tsx source maps)', { skip: !recorded && 'ESM fixture not recorded' }, async () => {
  const trace = await traceFromDatabase(sysUrl!, 'esm-checkout-paid');
  const row = trace.workflows[0].operation_outputs.find((o) => Number(o.function_id) === 1)!;
  row.function_name = 'chargeCard';
  const r = await runReplay({ trace, program: 'src/main.ts', cwd: appDir, timeoutMs: 60_000 });
  const d = r.verdict.divergence!;
  assert.deepEqual([r.verdict.verdict, d.functionId, d.recorded, d.called], ['diverged', 1, 'chargeCard', 'charge'], r.stderr);
  const file = path.join(appDir, 'src', 'workflows.ts');
  assert.equal(d.location?.file.replace(/^file:\/\//, ''), file);
  const line1 = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('await Billing.charge(order)')) + 1;
  assert.equal(d.location?.line1, line1);
});
