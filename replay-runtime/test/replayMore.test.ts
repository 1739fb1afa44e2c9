// Replays workflows recorded by the real SDK 5.3.0 that use the Debouncer inside a workflow (apps/more). Runs in the test process; each replay is a real node child process.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Trace } from '../../history/src/trace/traceModel.js';
import { scratchDatabase } from '../../test-support/testDatabase.js';
import { runReplay } from '../src/host/runReplay.js';
import { runNode, traceFromDatabase } from './recording.js';

const root = path.resolve(__dirname, '..', '..');
const runtimePath = path.join(root, 'dist', 'replay-runtime.js');
const more = path.join(__dirname, 'apps', 'more');
const RUNS = ['db-1:debounced'];

let db: Awaited<ReturnType<typeof scratchDatabase>>;
let tmp: string;
const traces = new Map<string, Trace>();

function ops(id: string): [number, string, string | null][] {
  return traces.get(id)!.workflows[0].operation_outputs
    .map((o) => [Number(o.function_id), o.function_name, o.child_workflow_id]);
}

async function replayMatches(id: string) {
  const counter = path.join(tmp, `replay-steps-${id}`);
  const r = await runReplay({ program: 'app.js', cwd: more, runtimePath, timeoutMs: 60_000, trace: traces.get(id)!,
    env: { STEP_COUNTER_FILE: counter } });
  assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
  const n = traces.get(id)!.workflows[0].operation_outputs.length;
  assert.deepEqual(r.verdict.operations, { consumed: n, recorded: n });
  assert.deepEqual(r.verdict.replayedResult, r.verdict.recordedResult);
  assert.equal(existsSync(counter), false, 'a step body ran during replay');
  return r;
}

before(async () => {
  db = await scratchDatabase();
  tmp = mkdtempSync(path.join(tmpdir(), 'replay-more-'));
  const rec = await runNode(['app.js'], { RECORD_URL: db.url, RECORD_RUNS: RUNS.join(','), STEP_COUNTER_FILE: path.join(tmp, 'record-steps') }, more);
  assert.equal(rec.code, 0, rec.out);
  for (const run of RUNS) {
    const id = run.split(':')[0];
    traces.set(id, await traceFromDatabase(db.url, id));
  }
});

after(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Debouncer inside a workflow', () => {
  test('bounce row, then the debounced child start; a second bounce returns the same workflow', async () => {
    assert.deepEqual(ops('db-1'), [
      [0, 'DBOS.debounceDelayedWorkflow', null], [1, 'target', 'db-1-1'],
      [2, 'DBOS.debounceDelayedWorkflow', null], [3, 'DBOS.getResult', 'db-1-1']]);
    const r = await replayMatches('db-1');
    assert.deepEqual(r.verdict.replayedResult?.value, { id1: 'db-1-1', same: true, result: 'target:second',
      badPeriod: 'debouncePeriodMs must be positive, not 0' });
  });
});
