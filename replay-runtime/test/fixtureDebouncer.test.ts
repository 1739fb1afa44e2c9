// The Debouncer's refused bounces ('raise') as the real SDK 5.3.0 recorded them in the v5 fixture app
// (src/workflows/search.ts): each case replays to its recorded result, every operation consumed, no step body run.
// Runs in the test process; each replay is a real node child process running the app's compiled dist/main.js.
//
// classifyBounce has four outcomes. 'enqueue' and 'return' are recorded here too (and in replayMore.test.ts);
// 'raise' three ways below. 'retry' cannot be provoked deterministically with the real SDK 5.3.0, so it has no
// recording: it needs a bounce whose UPDATE finds no DELAYED same-name holder to extend while its SELECT, the next
// statement of the same transaction, finds a debounced same-name holder of the key. A DELAYED holder is always
// extendable (the UPDATE scopes to the target app's or unclaimed rows, and a holder of another app classifies as
// 'raise'), and every way out of DELAYED (the queue's DELAYED sweep, cancel, resume, rewind) clears the
// deduplication ID in the same statement, so a holder that already started no longer holds the key: the next bounce
// is 'enqueue'. What is left is a concurrent debounce committing a fresh holder between those two statements,
// which run back to back on one connection with no point where a test can step in. The same race is the only way
// into the "enqueue lost the deduplication race, bounce again" branch.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Trace } from '../../protocol/traceModel.js';
import { loadFixtureManifest } from '../../test-support/fixtureManifest.js';
import { fixtureStepRuns, fixtureUrl } from '../../test-support/testDatabase.js';
import { runReplay } from '../../launcher/src/runReplay.js';
import type { DebounceResult } from '../src/sdk/debouncer.js';
import { traceFromDatabase } from './recording.js';

const appDir = path.resolve(__dirname, '..', '..', 'test-fixtures', 'app-v5');
const recorded = !!process.env.DBOS_REPLAY_FX_V5_SYS_URL && existsSync(path.join(appDir, 'dist', 'main.js'));
const skip = !recorded && 'v5 fixtures not recorded';
const manifest = loadFixtureManifest('v5');

function bounces(trace: Trace): [number, DebounceResult][] {
  return trace.workflows[0].operation_outputs
    .filter((o) => o.function_name === 'DBOS.debounceDelayedWorkflow')
    .map((o) => [Number(o.function_id), (JSON.parse(String(o.output)) as { json: DebounceResult }).json]);
}

const FREE = {
  bouncedWorkflowID: null,
  holderWorkflowID: null,
  holderIsDebounced: false,
  holderWorkflowName: null,
  holderWorkflowClassName: null,
  holderApplicationName: null,
};

/** What the SDK threw at the refused bounce, as the workflow returns it. */
function refusal(dedupID: string) {
  return {
    name: 'DBOSQueueDuplicatedError',
    code: 28,
    message: `Workflow  was deduplicated due to an existing workflow in queue reindex with deduplication ID ${dedupID}.`,
  };
}

/** Replays a case from the app's dist/ entry: a match, every recorded operation consumed, and the step counters unchanged. */
async function replayCase(trace: Trace) {
  const id = trace.workflows[0].workflow_status.workflow_uuid;
  const want = manifest.workflows.find((w) => w.id === id)!;
  const r = await runReplay({ trace, program: 'dist/main.js', cwd: appDir, timeoutMs: 60_000 });
  assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr.slice(-2000));
  assert.deepEqual(r.verdict.operations, { consumed: want.operations!.length, recorded: want.operations!.length });
  assert.deepEqual(r.verdict.replayedResult, r.verdict.recordedResult);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(await fixtureStepRuns('v5'), manifest.stepRuns, 'a step body ran during the replay');
  return r.verdict.replayedResult?.value as Record<string, unknown>;
}

const traces = new Map<string, Trace>();

describe('Debouncer refusals recorded by the real SDK (v5 fixture)', { skip }, () => {
  before(async () => {
    for (const id of ['debounce-queued-holder', 'debounce-other-workflow', 'debounce-other-app']) {
      traces.set(id, await traceFromDatabase(fixtureUrl('v5', 'sys'), id));
    }
    assert.deepEqual(await fixtureStepRuns('v5'), manifest.stepRuns);
  });

  test("'raise': the key is held by a plain enqueue (not debounced) with the same deduplication ID", async () => {
    const trace = traces.get('debounce-queued-holder')!;
    assert.deepEqual(bounces(trace), [
      [
        1,
        {
          ...FREE,
          holderWorkflowID: 'debounce-queued-holder-0',
          holderIsDebounced: false,
          holderWorkflowName: 'reindex',
          holderWorkflowClassName: 'Search',
          holderApplicationName: 'fixture-shop',
        },
      ],
    ]);
    assert.deepEqual(await replayCase(trace), {
      refused: refusal('Search.reindex-queued-sku-mug'),
      holder: 'entry:sku-mug:catalog-import',
    });
  });

  test("'enqueue', 'return', then 'raise': a debounced holder of another workflow name has the same deduplication ID", async () => {
    const trace = traces.get('debounce-other-workflow')!;
    assert.deepEqual(bounces(trace), [
      [0, FREE],
      [2, { ...FREE, bouncedWorkflowID: 'debounce-other-workflow-1' }],
      [
        3,
        {
          ...FREE,
          holderWorkflowID: 'debounce-other-workflow-1',
          holderIsDebounced: true,
          holderWorkflowName: 'reindex-photos',
          holderWorkflowClassName: 'Search',
          holderApplicationName: 'fixture-shop',
        },
      ],
    ]);
    assert.deepEqual(await replayCase(trace), {
      sameRun: true,
      refused: refusal('Search.reindex-photos-sku-tea'),
      photos: 'entry:sku-tea:photos/upload-2',
    });
  });

  test("'enqueue', then 'raise': the same workflow holds the key for this app, the debouncer acts for another", async () => {
    const trace = traces.get('debounce-other-app')!;
    assert.deepEqual(bounces(trace), [
      [0, FREE],
      [
        2,
        {
          ...FREE,
          holderWorkflowID: 'debounce-other-app-1',
          holderIsDebounced: true,
          holderWorkflowName: 'reindex',
          holderWorkflowClassName: 'Search',
          holderApplicationName: 'fixture-shop',
        },
      ],
    ]);
    assert.deepEqual(await replayCase(trace), {
      refused: refusal('Search.reindex-sku-pot'),
      holder: 'entry:sku-pot:shop-edit',
    });
  });
});
