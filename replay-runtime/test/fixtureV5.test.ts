// Differential test against the v5 fixture app: every recorded workflow of its manifest replays, through the
// app's compiled dist/ entry, to its recorded result or error with every recorded operation consumed
// (PENDING/CANCELLED → incomplete), and the step-body counters stay as recorded. Runs in the test process.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtureStepRuns, fixtureUrl } from '../../test-support/testDatabase.js';
import { runReplay, runReplayBatch, type BatchEntry, type RunReplayResult } from '../../launcher/src/runReplay.js';
import { traceFromDatabase } from './recording.js';

const root = path.resolve(__dirname, '..', '..');
const appDir = path.join(root, 'test-fixtures', 'app-v5');
const recorded = !!process.env.DBOS_REPLAY_FX_V5_SYS_URL && existsSync(path.join(appDir, 'dist', 'main.js'));

interface Manifest {
  stepRunsTable: string;
  stepRuns: Record<string, number>;
  workflows: { id: string; name: string; status: string; operations: [number, string][] }[];
}

test(
  'v5 fixture: every recorded workflow replays to its recorded outcome, no step body runs',
  { skip: !recorded && 'v5 fixtures not recorded' },
  async () => {
    const manifest = JSON.parse(readFileSync(path.join(appDir, 'fixtures.json'), 'utf8')) as Manifest;
    const before = await fixtureStepRuns('v5');
    assert.deepEqual(before, manifest.stepRuns);
    const results = new Map<string, RunReplayResult>();
    const queue = [...manifest.workflows];
    await Promise.all(
      [0, 1].map(async () => {
        for (let w = queue.shift(); w; w = queue.shift()) {
          const trace = await traceFromDatabase(fixtureUrl('v5', 'sys'), w.id);
          results.set(w.id, await runReplay({ trace, program: 'dist/main.js', cwd: appDir, timeoutMs: 60_000 }));
        }
      }),
    );
    const problems: string[] = [];
    for (const w of manifest.workflows) {
      const r = results.get(w.id)!;
      const v = r.verdict;
      const want = w.status === 'SUCCESS' || w.status === 'ERROR' ? 'match' : 'incomplete';
      if (v.verdict !== want) {
        problems.push(
          `${w.id} (${w.status}): ${v.verdict}, want ${want}: ${JSON.stringify(v.divergence ?? v.error ?? v.incomplete)} ${r.stderr.slice(-500)}`,
        );
        continue;
      }
      if (want === 'match' && v.operations.consumed !== w.operations.length) {
        problems.push(`${w.id}: consumed ${v.operations.consumed} of ${w.operations.length} recorded operations`);
      }
      if (r.exitCode !== (want === 'match' ? 0 : 4)) problems.push(`${w.id}: exit code ${r.exitCode}`);
    }
    assert.deepEqual(problems, []);
    assert.equal(
      results.get('crash-pending')!.verdict.incomplete?.message,
      'the recording ends here: the original run never completed step 2 (handOffToCourier)',
    );
    assert.deepEqual(await fixtureStepRuns('v5'), manifest.stepRuns);
  },
);

test(
  'v5 fixture through tsx (src/main.ts): every workflow gets the same verdict as through dist/main.js',
  { skip: !recorded && 'v5 fixtures not recorded' },
  async () => {
    const manifest = JSON.parse(readFileSync(path.join(appDir, 'fixtures.json'), 'utf8')) as Manifest;
    const entries: BatchEntry[] = [];
    for (const w of manifest.workflows) entries.push({ trace: await traceFromDatabase(fixtureUrl('v5', 'sys'), w.id) });
    const [js, ts] = await Promise.all(
      ['dist/main.js', 'src/main.ts'].map((program) =>
        runReplayBatch({ entries, program, cwd: appDir, timeoutMs: 60_000 }),
      ),
    );
    const summary = (vs: typeof js.verdicts) =>
      vs.map((v) => [v.workflowId, v.verdict, v.operations.consumed, v.incomplete?.message ?? null]);
    assert.equal(ts.processes, 1, ts.stderr.slice(-2000));
    assert.deepEqual(summary(ts.verdicts), summary(js.verdicts), ts.stderr.slice(-2000));
    assert.deepEqual(
      ts.verdicts.map((v) => v.replayedResult),
      js.verdicts.map((v) => v.replayedResult),
    );
    assert.deepEqual(
      ts.verdicts.map((v) => v.verdict),
      manifest.workflows.map((w) => (w.status === 'SUCCESS' || w.status === 'ERROR' ? 'match' : 'incomplete')),
    );
    assert.deepEqual(await fixtureStepRuns('v5'), manifest.stepRuns);
  },
);

test(
  'v5 fixture: the whole manifest in one batch process gives the same verdicts',
  { skip: !recorded && 'v5 fixtures not recorded' },
  async () => {
    const manifest = JSON.parse(readFileSync(path.join(appDir, 'fixtures.json'), 'utf8')) as Manifest;
    const entries: BatchEntry[] = [];
    for (const w of manifest.workflows) entries.push({ trace: await traceFromDatabase(fixtureUrl('v5', 'sys'), w.id) });
    const r = await runReplayBatch({ entries, program: 'dist/main.js', cwd: appDir, timeoutMs: 60_000 });
    assert.equal(r.processes, 1, r.stderr.slice(-2000));
    assert.deepEqual(
      r.verdicts.map((v) => [v.workflowId, v.verdict]),
      manifest.workflows.map((w) => [w.id, w.status === 'SUCCESS' || w.status === 'ERROR' ? 'match' : 'incomplete']),
      r.stderr.slice(-2000),
    );
    for (const [i, w] of manifest.workflows.entries()) {
      if (r.verdicts[i].verdict === 'match') assert.equal(r.verdicts[i].operations.consumed, w.operations.length, w.id);
    }
    assert.deepEqual(await fixtureStepRuns('v5'), manifest.stepRuns);
  },
);
