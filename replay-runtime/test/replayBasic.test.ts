// Replays workflows recorded by the real SDK 5.3.0 (test apps under apps/) with the runtime preloaded:
// verdicts, recorded values, zero step bodies run, divergence, incomplete recordings and bad input.
// Runs in the test process; each replay is a real node child process.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Trace } from '../../protocol/traceModel.js';
import { scratchDatabase } from '../../test-support/testDatabase.js';
import { runReplay, runReplayBatch, type BatchEntry, type RunReplayOptions } from '../../launcher/src/runReplay.js';
import { traceFromDatabase } from './recording.js';
import { runNode } from '../../test-support/runNode.js';

const root = path.resolve(__dirname, '..', '..');
const runtimePath = path.join(root, 'dist', 'replay-runtime.js');
const basic = path.join(__dirname, 'apps', 'basic');
const esm = path.join(__dirname, 'apps', 'esm');
const bad = path.join(__dirname, 'apps', 'bad');

let db: Awaited<ReturnType<typeof scratchDatabase>>;
let tmp: string;
const traces = new Map<string, Trace>();

function replay(id: string, o: Partial<RunReplayOptions> & { env?: NodeJS.ProcessEnv } = {}) {
  const trace = o.trace ?? traces.get(id);
  assert.ok(trace, `no trace ${id}`);
  return runReplay({ program: 'app.js', cwd: basic, runtimePath, timeoutMs: 60_000, ...o, trace });
}

function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `no line with ${text}`);
  return i + 1;
}

before(async () => {
  db = await scratchDatabase();
  tmp = mkdtempSync(path.join(tmpdir(), 'replay-basic-'));
  const env = {
    RECORD_URL: db.url,
    STEP_COUNTER_FILE: path.join(tmp, 'record-steps'),
    OBSERVE_FILE: path.join(tmp, 'record-observe'),
  };
  const rec = await runNode(['app.js'], {
    cwd: basic,
    env: {
      ...env,
      RECORD_RUNS:
        'k-1:kitchen,seq-1:sequence,fail-1:failing,inst-1:inst,free-1:free,late-sleep-1:lateSleep,late-step-1:lateStep',
    },
  });
  assert.equal(rec.code, 0, rec.out);
  // A run that dies inside its third step: PENDING with steps 0 and 1 recorded.
  const crash = await runNode(['app.js'], {
    cwd: basic,
    env: { ...env, RECORD_RUNS: 'crash-1:crashes', CRASH_NOW: '1' },
  });
  assert.equal(crash.code, 0, crash.out);
  const e = await runNode(['app.mjs'], { cwd: esm, env: { RECORD_URL: db.url, RECORD_RUNS: 'esm-1' } });
  assert.equal(e.code, 0, e.out);
  for (const id of ['k-1', 'seq-1', 'fail-1', 'inst-1', 'free-1', 'crash-1', 'esm-1', 'late-sleep-1', 'late-step-1'])
    traces.set(id, await traceFromDatabase(db.url, id));
});

after(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('replay of recorded workflows', () => {
  test('kitchen sink: match, every operation consumed, recorded values revived, no step body run', async () => {
    const counter = path.join(tmp, 'replay-steps-k');
    const observe = path.join(tmp, 'replay-observe-k');
    const r = await replay('k-1', { env: { STEP_COUNTER_FILE: counter, OBSERVE_FILE: observe } });
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.verdict.operations, { consumed: 39, recorded: 39 });
    assert.deepEqual(r.verdict.replayedResult, r.verdict.recordedResult);
    assert.equal(existsSync(counter), false, 'a step body ran during replay');
    assert.equal(r.stdout, '', 'the runtime wrote to stdout');
    // The app's own observe() writes in the workflow body are I/O outside steps: listed, the verdict stays a match.
    assert.match(r.stderr, /workflow k-1 replayed: match, 2 side effects outside steps \(39\/39/);
    assert.deepEqual(
      r.verdict.sideEffects?.map((e) => e.detail),
      [`fs.appendFileSync ${observe}`, `fs.appendFileSync ${observe}`],
    );
    const seen = Object.fromEntries(
      readFileSync(observe, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((o) => [o.key, o.value]),
    );
    assert.deepEqual(seen.values, {
      date: true,
      big: 'bigint',
      map: true,
      set: true,
      hasU: true,
      u: 'undefined',
      buf: true,
      bytes: [1, 2, 255],
    });
    // Revived as the SDK revives on recovery: name, message, fields kept; class identity lost.
    assert.deepEqual(seen.caught, { isMyError: false, isError: true, ctor: 'Error', str: 'MyError: boom' });
    const value = r.verdict.replayedResult?.value as Record<string, unknown>;
    assert.deepEqual(value.caught, { name: 'MyError', message: 'boom', extra: 42 });
    assert.deepEqual(value.all, ['a', 'b', 'child:par']);
    assert.deepEqual(value.stream, [{ x: 1 }, 2]);
    assert.equal(value.noMsg, null);
    assert.equal(value.startedId, 'k-1-21');
  });

  test('a recorded ERROR that replays to the same error is a match', async () => {
    const r = await replay('fail-1');
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict));
    assert.deepEqual(r.verdict.replayedResult?.error, { name: 'MyError', message: 'boom', extra: 42 });
  });

  test('configured instance and registerWorkflow free function are found by (class, name, config)', async () => {
    assert.equal((await replay('inst-1')).verdict.verdict, 'match');
    assert.equal((await replay('free-1')).verdict.verdict, 'match');
  });

  test('ESM program (import of the SDK) replays through the loader hooks', async () => {
    const counter = path.join(tmp, 'replay-steps-esm');
    const r = await replay('esm-1', { program: 'app.mjs', cwd: esm, env: { STEP_COUNTER_FILE: counter } });
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
    assert.deepEqual(r.verdict.operations, { consumed: 2, recorded: 2 });
    assert.equal(existsSync(counter), false);
  });

  test('TypeScript program through tsx replays the same recording', async () => {
    const r = await replay('esm-1', { program: 'app.ts', cwd: esm });
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
  });

  test('modules mode: load the registering module, the runtime launches', async () => {
    const r = await replay('seq-1', { program: undefined, modules: [path.join(bad, '..', 'basic', 'app.js')] });
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
  });
});

describe('IDs taken after an await in concurrent branches (§9.1)', () => {
  function lateRows(id: string): [number, string, string | null][] {
    return traces
      .get(id)!
      .workflows[0].operation_outputs.filter((o) => /^late/.test(o.function_name))
      .map((o) => [Number(o.function_id), o.function_name, o.output]);
  }

  test('after durable sleeps: the branches resume in the recorded order (deadlines), so each gets its own output', async () => {
    // The recording itself: branch 3 woke first and took the lowest ID.
    assert.deepEqual(
      lateRows('late-sleep-1').map(([id, , out]) => [id, JSON.parse(out!).json]),
      [
        [3, 3],
        [4, 2],
        [5, 1],
      ],
    );
    const r = await replay('late-sleep-1');
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
    assert.deepEqual(r.verdict.replayedResult?.value, [1, 2, 3]);
    assert.deepEqual(r.verdict.trail?.map((t) => [t.functionId, t.name, t.summary]).slice(3), [
      [3, 'late', '3'],
      [4, 'late', '2'],
      [5, 'late', '1'],
    ]);
  });

  test('after steps that finish in reverse order: resolved in recorded completion order, no false divergence', async () => {
    assert.deepEqual(
      lateRows('late-step-1').map(([id, name]) => [id, name]),
      [
        [3, 'late'],
        [4, 'lateB'],
        [5, 'late'],
      ],
    );
    const r = await replay('late-step-1');
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
    assert.deepEqual(r.verdict.replayedResult?.value, [1, -2, 3]);
  });

  test('recorded completion times that contradict the code: a precise divergence naming the timing dependence', async () => {
    // Swap the recorded completion times of waits 1 and 2: branch 2 now resumes first and calls lateB where late was recorded.
    const trace = structuredClone(traces.get('late-step-1')!);
    const ops = trace.workflows[0].operation_outputs;
    const [w1, w2] = [1, 2].map((id) => ops.find((o) => Number(o.function_id) === id)!);
    [w1.completed_at_epoch_ms, w2.completed_at_epoch_ms] = [w2.completed_at_epoch_ms, w1.completed_at_epoch_ms];
    const r = await replay('late-step-1', { trace });
    assert.equal(r.verdict.verdict, 'diverged', JSON.stringify(r.verdict));
    const d = r.verdict.divergence!;
    assert.deepEqual([d.functionId, d.recorded, d.called], [3, 'late', 'lateB']);
    assert.match(
      d.message,
      /taken after an await in concurrent branches; the replay resumed them in the recorded completion order, step 1's branch first/,
    );
  });
});

describe('SDK context in replay', () => {
  test('DBOS.stepID is undefined in the workflow body, as with the SDK (step bodies, where it is set, never run)', async () => {
    const observe = path.join(tmp, 'replay-observe-stepid');
    const r = await replay('late-sleep-1', { env: { OBSERVE_FILE: observe } });
    assert.equal(r.verdict.verdict, 'match');
    const seen = (f: string) =>
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((o) => o.key.startsWith('stepID'));
    const recordedSeen = seen(path.join(tmp, 'record-observe'));
    assert.deepEqual(
      recordedSeen.find((o) => o.key === 'stepIDInWorkflow'),
      { key: 'stepIDInWorkflow', value: null },
    );
    assert.deepEqual(
      recordedSeen
        .filter((o) => o.key.startsWith('stepIDInStep'))
        .map((o) => o.value)
        .sort(),
      [0, 1, 2],
    );
    assert.deepEqual(seen(observe), [{ key: 'stepIDInWorkflow', value: null }]);
  });

  test('ConfiguredInstance.initialize() is not called in replay (the SDK calls it at launch, and it may write)', async () => {
    assert.match(readFileSync(path.join(tmp, 'record-steps'), 'utf8'), /^initialize$/m);
    const counter = path.join(tmp, 'replay-steps-init');
    const r = await replay('inst-1', { env: { STEP_COUNTER_FILE: counter } });
    assert.equal(r.verdict.verdict, 'match');
    assert.equal(existsSync(counter), false, 'initialize() or a step body ran during replay');
  });
});

describe('divergence', () => {
  const app = path.join(basic, 'app.js');
  test('renamed step: diverges at function_id 1, stepB recorded, stepX called, at the call line', async () => {
    const r = await replay('seq-1', { env: { APP_VARIANT: 'rename' } });
    assert.equal(r.verdict.verdict, 'diverged');
    assert.equal(r.exitCode, 3);
    const d = r.verdict.divergence!;
    assert.deepEqual([d.functionId, d.kind, d.recorded, d.called], [1, 'renamed', 'stepB', 'stepX']);
    assert.equal(d.location?.file, app);
    assert.equal(d.location?.line1, lineOf(app, "if (VARIANT === 'rename') r.push(await Basic.stepX());"));
    assert.match(
      d.message,
      /During execution of workflow seq-1 step 1, function stepB was recorded when stepX was expected/,
    );
  });

  test('inserted step: diverges at function_id 1 where the new call takes the ID', async () => {
    const d = (await replay('seq-1', { env: { APP_VARIANT: 'insert' } })).verdict.divergence!;
    assert.deepEqual([d.functionId, d.recorded, d.called], [1, 'stepB', 'stepX']);
    assert.equal(d.location?.line1, lineOf(app, "if (VARIANT === 'insert') r.push(await Basic.stepX());"));
  });

  test('removed step: the recorded call never made is reported at its function_id', async () => {
    const r = await replay('seq-1', { env: { APP_VARIANT: 'remove' } });
    assert.equal(r.verdict.verdict, 'diverged');
    const d = r.verdict.divergence!;
    assert.deepEqual([d.functionId, d.kind, d.recorded, d.called], [2, 'missing-call', 'stepC', null]);
  });

  test('one call too many: nothing recorded at the next function_id of a finished run', async () => {
    const d = (await replay('seq-1', { env: { APP_VARIANT: 'extra' } })).verdict.divergence!;
    assert.deepEqual([d.functionId, d.kind, d.recorded, d.called], [3, 'extra-call', null, 'stepX']);
    assert.equal(d.location?.line1, lineOf(app, "if (VARIANT === 'extra') r.push(await Basic.stepX());"));
  });
});

describe('incomplete recordings and bad input', () => {
  test('PENDING run: replays the recorded prefix, stops at the step it never completed, never runs it', async () => {
    const counter = path.join(tmp, 'replay-steps-crash');
    const r = await replay('crash-1', { env: { STEP_COUNTER_FILE: counter, CRASH_NOW: '1' } });
    assert.equal(r.verdict.verdict, 'incomplete', JSON.stringify(r.verdict));
    assert.equal(r.exitCode, 4);
    assert.deepEqual(r.verdict.operations, { consumed: 2, recorded: 2 });
    assert.equal(
      r.verdict.incomplete?.message,
      'the recording ends here: the original run never completed step 2 (crash)',
    );
    assert.equal(existsSync(counter), false);
  });

  test('workflow not registered: lists what is and says which module to load', async () => {
    const r = await replay('seq-1', { program: 'empty.js', cwd: bad });
    assert.equal(r.verdict.verdict, 'error');
    assert.match(
      r.verdict.error!.message,
      /workflow Basic\.sequence \(recorded for seq-1\) is not registered in this program\. Registered workflows: none\. Load the module/,
    );
  });

  test('program that throws at import', async () => {
    const r = await replay('seq-1', { program: 'throws.js', cwd: bad });
    assert.equal(r.verdict.verdict, 'error');
    assert.match(r.verdict.error!.message, /threw before calling DBOS\.launch\(\): Error: config file missing/);
    assert.notEqual(r.exitCode, 0);
  });

  test('trace of an unknown format version', async () => {
    const trace = { ...traces.get('seq-1')!, version: 99 } as unknown as Trace;
    const r = await replay('seq-1', { trace });
    assert.equal(r.verdict.verdict, 'error');
    assert.match(r.verdict.error!.message, /format version 99; this replay runtime reads version\(s\) 1/);
  });

  test('recorded value that cannot be deserialized', async () => {
    const trace = structuredClone(traces.get('seq-1')!);
    trace.workflows[0].operation_outputs[1].output = '{"not":"superjson"}';
    const r = await replay('seq-1', { trace });
    assert.equal(r.verdict.verdict, 'error', JSON.stringify(r.verdict));
    assert.match(
      r.verdict.error!.message,
      /cannot deserialize the recorded output of step 1 \(stepB\) of workflow seq-1: Value carries no superjson marker/,
    );
  });
});

describe('debugger channel and process end', () => {
  test('events for every consumed operation and the divergence; state with step arguments', async () => {
    const events = path.join(tmp, 'events-rename');
    const r = await replay('seq-1', { program: 'withEvents.js', env: { APP_VARIANT: 'rename', EVENTS_FILE: events } });
    assert.equal(r.verdict.verdict, 'diverged');
    const lines = readFileSync(events, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const ops = lines.filter((e) => e.type === 'operation');
    // The recorded output as people read it (the runtime renders it), not the stored envelope.
    assert.deepEqual(
      ops.map((e) => [e.functionId, e.name, e.outputSummary, e.errorSummary]),
      [[0, 'stepA', '"A"', null]],
    );
    assert.equal(typeof ops[0].startedAt, 'number');
    const div = lines.find((e) => e.type === 'divergence');
    assert.deepEqual(
      [div.functionId, div.recorded, div.called, div.location.line1],
      [1, 'stepB', 'stepX', r.verdict.divergence!.location!.line1],
    );
    const state = lines.find((e) => e.type === 'state');
    assert.deepEqual(state.operations, [{ functionId: 0, name: 'stepA', args: [] }]);
    assert.deepEqual(state.nextRecorded, { functionId: 1, name: 'stepB' });
    assert.deepEqual(state.inputs, []);
  });

  test('a workflow that awaits something that never settles ends with an error verdict, not a hang', async () => {
    const r = await replay('seq-1', { env: { APP_VARIANT: 'hang' } });
    assert.equal(r.verdict.verdict, 'error');
    assert.match(r.verdict.error!.message, /exited \(code 0\) before the replayed workflow finished/);
    // ExitCode.error: the runtime's exit codes are the CLI's (0 match, 3 diverged, 4 incomplete, 1 error).
    assert.equal(r.exitCode, 1);
  });
});

describe('batch replay (one process for many workflows)', () => {
  const entry = (id: string): BatchEntry => ({ trace: traces.get(id)! });
  function renamedWorkflow(id: string, name: string): BatchEntry {
    const t = structuredClone(traces.get(id)!);
    t.workflows[0].workflow_status.name = name;
    return { trace: t };
  }

  test('each trace replays with fresh state; a divergence, an error or an incomplete run does not stop the batch', async () => {
    const counter = path.join(tmp, 'replay-steps-batch');
    const badVersion = { trace: { ...traces.get('free-1')!, version: 99 } as unknown as Trace };
    const entries = [
      entry('k-1'),
      entry('seq-1'),
      entry('crash-1'),
      badVersion,
      renamedWorkflow('inst-1', 'nope'),
      entry('fail-1'),
      entry('inst-1'),
      entry('free-1'),
      entry('k-1'),
    ];
    const seen: string[] = [];
    const r = await runReplayBatch({
      entries,
      program: 'app.js',
      cwd: basic,
      runtimePath,
      timeoutMs: 60_000,
      env: { STEP_COUNTER_FILE: counter, APP_VARIANT: 'rename' },
      onVerdict: (v) => seen.push(v.workflowId),
    });
    assert.equal(r.processes, 1, r.stderr);
    assert.deepEqual(
      r.verdicts.map((v) => [v.workflowId, v.verdict]),
      [
        ['k-1', 'match'],
        ['seq-1', 'diverged'],
        ['crash-1', 'incomplete'],
        ['free-1', 'error'],
        ['inst-1', 'error'],
        ['fail-1', 'match'],
        ['inst-1', 'match'],
        ['free-1', 'match'],
        ['k-1', 'match'],
      ],
      r.stderr,
    );
    assert.deepEqual(
      seen,
      r.verdicts.map((v) => v.workflowId),
    );
    assert.deepEqual(r.verdicts[0].operations, { consumed: 39, recorded: 39 });
    assert.deepEqual(r.verdicts[8].operations, { consumed: 39, recorded: 39 });
    assert.deepEqual(r.verdicts[8].replayedResult, r.verdicts[0].replayedResult);
    assert.equal(r.verdicts[1].divergence?.called, 'stepX');
    assert.match(r.verdicts[2].incomplete!.message, /the recording ends here/);
    assert.match(r.verdicts[3].error!.message, /format version 99/);
    assert.match(r.verdicts[4].error!.message, /nope .* is not registered/);
    assert.equal(existsSync(counter), false, 'a step body ran during batch replay');
  });

  test('a replay that ends its process gets an error verdict; the rest run in a new process', async () => {
    const r = await runReplayBatch({
      entries: [entry('k-1'), entry('seq-1'), entry('fail-1'), entry('free-1')],
      program: 'app.js',
      cwd: basic,
      runtimePath,
      timeoutMs: 60_000,
      env: { APP_VARIANT: 'hang' },
    });
    assert.deepEqual(
      r.verdicts.map((v) => [v.workflowId, v.verdict]),
      [
        ['k-1', 'match'],
        ['seq-1', 'error'],
        ['fail-1', 'match'],
        ['free-1', 'match'],
      ],
      r.stderr,
    );
    assert.match(r.verdicts[1].error!.message, /before the replayed workflow finished/);
    assert.equal(r.processes, 2);
  });

  test('a program that throws at import: every workflow of the batch gets that error', async () => {
    const r = await runReplayBatch({
      entries: [entry('k-1'), entry('seq-1')],
      program: 'throws.js',
      cwd: bad,
      runtimePath,
      timeoutMs: 60_000,
    });
    assert.deepEqual(
      r.verdicts.map((v) => [v.workflowId, v.verdict]),
      [
        ['k-1', 'error'],
        ['seq-1', 'error'],
      ],
    );
    assert.match(r.verdicts[1].error!.message, /config file missing/);
    assert.equal(r.processes, 1);
  });
});
