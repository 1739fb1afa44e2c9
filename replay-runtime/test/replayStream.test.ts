// Batch replays streamed through a pipe (launcher/src/streamReplay.ts, ReplayEnv.batchFd): pages handed over as they
// come, verdicts in order, a replay that ends its process, a program that never launches. Runs in the test process;
// the programs are real node child processes of the basic test app, recorded by the real SDK 5.3.0.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Verdict } from '../../protocol/replayProtocol.js';
import type { Trace } from '../../protocol/traceModel.js';
import { scratchDatabase } from '../../test-support/testDatabase.js';
import type { BatchEntry } from '../../launcher/src/runReplay.js';
import { runReplayStream, type RunReplayStreamOptions } from '../../launcher/src/streamReplay.js';
import { traceFromDatabase } from './recording.js';
import { runNode } from '../../test-support/runNode.js';

const root = path.resolve(__dirname, '..', '..');
const runtimePath = path.join(root, 'dist', 'replay-runtime.js');
const basic = path.join(__dirname, 'apps', 'basic');
const bad = path.join(__dirname, 'apps', 'bad');

let db: Awaited<ReturnType<typeof scratchDatabase>>;
const traces = new Map<string, Trace>();

before(async () => {
  db = await scratchDatabase();
  const rec = await runNode(['app.js'], {
    cwd: basic,
    env: { RECORD_URL: db.url, RECORD_RUNS: 'k-1:kitchen,seq-1:sequence,fail-1:failing,free-1:free' },
  });
  assert.equal(rec.code, 0, rec.out);
  for (const id of ['k-1', 'seq-1', 'fail-1', 'free-1']) traces.set(id, await traceFromDatabase(db.url, id));
});

after(async () => {
  await db?.drop();
});

/** The entries as pages of `size`, each handed over only when asked for; counts how many were asked for. */
function paged(ids: string[], size: number): { pages: AsyncIterable<BatchEntry[]>; asked: () => number } {
  let asked = 0;
  return {
    asked: () => asked,
    pages: (async function* () {
      for (let i = 0; i < ids.length; i += size) {
        asked++;
        await new Promise((r) => setImmediate(r));
        yield ids.slice(i, i + size).map((id) => ({ trace: traces.get(id)! }));
      }
    })(),
  };
}

async function stream(ids: string[], size: number, o: Partial<RunReplayStreamOptions> = {}) {
  const p = paged(ids, size);
  const verdicts: [Verdict, number][] = [];
  const r = await runReplayStream({
    program: 'app.js',
    cwd: basic,
    runtimePath,
    timeoutMs: 60_000,
    pages: p.pages,
    onVerdict: (v, i) => verdicts.push([v, i]),
    ...o,
  });
  assert.deepEqual(
    verdicts.map(([, i]) => i),
    verdicts.map((_, i) => i),
  );
  return { ...r, asked: p.asked(), verdicts: verdicts.map(([v]) => v) };
}

describe('batch replay streamed through a pipe', () => {
  test('pages of one: every verdict in order, one process, every page asked for', async () => {
    const ids = ['k-1', 'seq-1', 'fail-1', 'free-1', 'k-1', 'seq-1', 'fail-1'];
    const r = await stream(ids, 1, { env: { APP_VARIANT: 'rename' }, trail: true });
    assert.deepEqual(
      r.verdicts.map((v) => [v.workflowId, v.verdict]),
      [
        ['k-1', 'match'],
        ['seq-1', 'diverged'],
        ['fail-1', 'match'],
        ['free-1', 'match'],
        ['k-1', 'match'],
        ['seq-1', 'diverged'],
        ['fail-1', 'match'],
      ],
    );
    assert.equal(r.processes, 1);
    assert.equal(r.asked, ids.length);
    assert.ok(r.verdicts[0].trail && r.verdicts[0].trail.length > 0, 'trail asked for');
  });

  test('a replay that ends its process gets an error verdict; the rest, of this page and the next, run in a new one', async () => {
    const r = await stream(['k-1', 'seq-1', 'fail-1', 'free-1', 'k-1'], 2, { env: { APP_VARIANT: 'hang' } });
    assert.deepEqual(
      r.verdicts.map((v) => [v.workflowId, v.verdict]),
      [
        ['k-1', 'match'],
        ['seq-1', 'error'],
        ['fail-1', 'match'],
        ['free-1', 'match'],
        ['k-1', 'match'],
      ],
    );
    assert.match(r.verdicts[1].error!.message, /before the replayed workflow finished/);
    assert.equal(r.processes, 2);
  });

  test('a program that throws at import: every workflow of every page gets that error, one process', async () => {
    const r = await stream(['k-1', 'seq-1', 'fail-1'], 1, { program: 'throws.js', cwd: bad });
    assert.deepEqual(
      r.verdicts.map((v) => [v.workflowId, v.verdict]),
      [
        ['k-1', 'error'],
        ['seq-1', 'error'],
        ['fail-1', 'error'],
      ],
    );
    assert.match(r.verdicts[2].error!.message, /config file missing/);
    assert.equal(r.processes, 1);
  });

  test('nothing to replay: no process', async () => {
    const r = await stream([], 1);
    assert.equal(r.processes, 0);
    assert.deepEqual(r.verdicts, []);
  });
});
