// Replays workflows recorded by the real SDK 5.3.0 that use the Debouncer, the dynamic schedule APIs and the
// workflow-management statics inside a workflow (apps/more), and checks the replay DBOS class against the
// real one. Runs in the test process; each replay is a real node child process.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Trace } from '../../protocol/traceModel.js';
import { scratchDatabase } from '../../test-support/testDatabase.js';
import { runReplay } from '../../launcher/src/runReplay.js';
import { traceFromDatabase } from './recording.js';
import { runNode } from '../../test-support/runNode.js';

const root = path.resolve(__dirname, '..', '..');
const runtimePath = path.join(root, 'dist', 'replay-runtime.js');
const more = path.join(__dirname, 'apps', 'more');
const RUNS = ['db-1:debounced', 'sch-1:schedules', 'mg-1:management'];

let db: Awaited<ReturnType<typeof scratchDatabase>>;
let tmp: string;
const traces = new Map<string, Trace>();

function ops(id: string): [number, string, string | null][] {
  return traces
    .get(id)!
    .workflows[0].operation_outputs.map((o) => [Number(o.function_id), o.function_name, o.child_workflow_id]);
}

async function replayMatches(id: string) {
  const counter = path.join(tmp, `replay-steps-${id}`);
  const r = await runReplay({
    program: 'app.js',
    cwd: more,
    runtimePath,
    timeoutMs: 60_000,
    trace: traces.get(id)!,
    env: { STEP_COUNTER_FILE: counter },
  });
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
  const rec = await runNode(['app.js'], {
    cwd: more,
    env: { RECORD_URL: db.url, RECORD_RUNS: RUNS.join(','), STEP_COUNTER_FILE: path.join(tmp, 'record-steps') },
  });
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
      [0, 'DBOS.debounceDelayedWorkflow', null],
      [1, 'target', 'db-1-1'],
      [2, 'DBOS.debounceDelayedWorkflow', null],
      [3, 'DBOS.getResult', 'db-1-1'],
    ]);
    const r = await replayMatches('db-1');
    assert.deepEqual(r.verdict.replayedResult?.value, {
      id1: 'db-1-1',
      same: true,
      result: 'target:second',
      badPeriod: 'debouncePeriodMs must be positive, not 0',
    });
  });
});

describe('dynamic schedules inside a workflow', () => {
  test('one ID each, DBOS.<method> names; apply/trigger/backfill throw as with the SDK', async () => {
    assert.deepEqual(
      ops('sch-1').map(([id, name]) => [id, name]),
      [
        [0, 'DBOS.createSchedule'],
        [1, 'DBOS.listSchedules'],
        [2, 'DBOS.getSchedule'],
        [3, 'DBOS.pauseSchedule'],
        [4, 'DBOS.getSchedule'],
        [5, 'DBOS.resumeSchedule'],
        [6, 'DBOS.updateSchedule'],
        [7, 'DBOS.getSchedule'],
        [8, 'DBOS.deleteSchedule'],
        [9, 'DBOS.getSchedule'],
      ],
    );
    const r = await replayMatches('sch-1');
    const v = r.verdict.replayedResult?.value as Record<string, unknown>;
    assert.deepEqual(v.ctx, { isDate: true, iso: '2024-01-02T03:04:05.678Z', isSet: true });
    assert.deepEqual(v.updated, ['ACTIVE', '0 0 2 1 *', 'bigint']);
    assert.equal(v.gone, null);
    assert.deepEqual(
      (v.errors as { message: string }[]).map((e) => e.message),
      ['applySchedules', 'triggerSchedule', 'backfillSchedule'].map(
        (m) => `${m} cannot be called from within a workflow`,
      ),
    );
  });
});

describe('workflow management and context statics inside a workflow', () => {
  test('every recorded management call answers from its row; getters return what the recording implies', async () => {
    const names = ops('mg-1').map(([, name]) => name);
    for (const n of [
      'DBOS.setWorkflowPriority',
      'DBOS.setWorkflowDelay',
      'DBOS.listQueuedWorkflows',
      'DBOS.waitAll',
      'DBOS.waitFirst',
      'DBOS.listWorkflowSteps',
      'DBOS.forkWorkflow',
      'DBOS.rewindWorkflow',
      'DBOS.cancelWorkflow',
      'DBOS.resumeWorkflow',
      'DBOS.deleteWorkflow',
      'DBOS.getEvent',
    ])
      assert.ok(names.includes(n), `${n} not recorded: ${names}`);
    await replayMatches('mg-1');
  });
});

describe('API surface', () => {
  test('every static member of the real SDK 5.3.0 DBOS class exists on the replay DBOS', async () => {
    const real = (await import('@dbos-inc/dbos-sdk')).DBOS as unknown as object;
    const { DBOS: replayDBOS } = await import('../src/sdk/dbos.js');
    const builtin = new Set(Object.getOwnPropertyNames(class {}));
    const statics = (c: object) => Object.getOwnPropertyNames(c).filter((n) => !builtin.has(n));
    // Also what dbos.d.ts declares (a declared static the runtime class might define lazily).
    const dts = readFileSync(path.join(root, 'node_modules/@dbos-inc/dbos-sdk/dist/src/dbos.d.ts'), 'utf8');
    const declared = [...dts.matchAll(/^\s+static (?:get |readonly |async )?([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
    // Members that cannot exist in replay: none today. Add one here, with the reason, only if it truly cannot.
    const ALLOWED_MISSING = new Set<string>([]);
    const have = new Set(statics(replayDBOS));
    const missing = [...new Set([...statics(real), ...declared])].filter(
      (n) => !have.has(n) && !ALLOWED_MISSING.has(n),
    );
    assert.deepEqual(missing, []);
    assert.ok(declared.length > 80, `only ${declared.length} statics parsed from dbos.d.ts`);
  });

  test('every export of the real SDK 5.3.0 @dbos-inc/dbos-sdk/datasource exists on the replay module', async () => {
    // An ES module importing a name the redirect lacks fails to link (SyntaxError) before the program runs.
    const real = (await import('@dbos-inc/dbos-sdk/datasource')) as Record<string, unknown>;
    const { datasourceModule } = await import('../src/sdk/sdkModule.js');
    const names = Object.keys(real).filter((n) => n !== 'default' && n !== '__esModule');
    assert.ok(names.length > 15, `only ${names.length} exports read from the real module`);
    assert.deepEqual(
      names.filter((n) => !(n in datasourceModule)),
      [],
    );
  });
});
