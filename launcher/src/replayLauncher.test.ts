// The replay launcher's command line, environment and hand-off files, without starting a program.
// Runs in the test process.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Trace } from '../../protocol/traceModel.js';
import { DATABASE_ENV, ReplayEnv } from '../../protocol/replayProtocol.js';
import { prepareReplayLaunch, replayRuntimePath } from './replayLauncher.js';

const ROOT = path.resolve(__dirname, '..', '..');
const trace = {
  format: 'dbos-replay-trace',
  version: 1,
  rootWorkflowId: 'wf-1',
  workflows: [],
} as unknown as Trace;

test("the built runtime is the checkout's dist/replay-runtime.js when run from sources", () => {
  assert.equal(replayRuntimePath(), path.join(ROOT, 'dist', 'replay-runtime.js'));
});

test('a single replay: --require the runtime, the program as entry, the trace in a 0600 file; dispose removes it', async () => {
  const l = await prepareReplayLaunch({ program: 'dist/main.js', cwd: '/app', handoff: { trace, workflowId: 'wf-1' } });
  try {
    assert.deepEqual(l.preload, ['--require', replayRuntimePath()]);
    assert.equal(l.entry, '/app/dist/main.js');
    assert.equal(l.env[ReplayEnv.traceFile], l.traceFile);
    assert.equal(l.env[ReplayEnv.workflowId], 'wf-1');
    assert.equal(l.env[ReplayEnv.resultFile], l.resultFile);
    assert.equal(JSON.parse(readFileSync(l.traceFile!, 'utf8')).rootWorkflowId, 'wf-1');
    assert.equal(statSync(l.traceFile!).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(l.traceFile!)).mode & 0o077, 0);
  } finally {
    await l.dispose();
  }
  assert.equal(existsSync(path.dirname(l.traceFile!)), false);
});

test('the environment: caller variables applied, null removes; stale hand-off and every database variable removed', async () => {
  const saved = { ...process.env };
  process.env[ReplayEnv.batchFile] = '/stale/batch.ndjson';
  process.env[ReplayEnv.trail] = '1';
  process.env.DBOS_SYSTEM_DATABASE_URL = 'postgresql://u:secret@h/db_dbos_sys';
  process.env.KEEP_ME = 'yes';
  process.env.DROP_ME = 'no';
  try {
    const l = await prepareReplayLaunch({
      program: 'main.js',
      cwd: '/app',
      handoff: { trace },
      env: { APP_VARIANT: 'x', DROP_ME: null, DATABASE_URL: 'postgresql://u:pw@h/app', [ReplayEnv.measureFloor]: '1' },
    });
    await l.dispose();
    assert.equal(l.env.APP_VARIANT, 'x');
    assert.equal(l.env.KEEP_ME, 'yes');
    assert.equal('DROP_ME' in l.env, false);
    for (const k of DATABASE_ENV) assert.equal(k in l.env, false, k);
    assert.equal(ReplayEnv.batchFile in l.env, false);
    assert.equal(ReplayEnv.trail in l.env, false);
    assert.equal(ReplayEnv.workflowId in l.env, false);
    // A knob, not a hand-off: it passes through.
    assert.equal(l.env[ReplayEnv.measureFloor], '1');
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('a batch: one BatchLine per line, the trail flag; no trace file', async () => {
  const l = await prepareReplayLaunch({
    program: 'main.js',
    cwd: '/app',
    handoff: { batch: [{ trace }, { trace, workflowId: 'wf-1' }], trail: true },
  });
  try {
    assert.equal(l.traceFile, undefined);
    assert.equal(l.env[ReplayEnv.batchFile], l.batchFile);
    assert.equal(l.env[ReplayEnv.trail], '1');
    assert.equal(ReplayEnv.traceFile in l.env, false);
    const lines = readFileSync(l.batchFile!, 'utf8')
      .trim()
      .split('\n')
      .map((x) => JSON.parse(x));
    assert.deepEqual(
      lines.map((x) => x.workflowId),
      [undefined, 'wf-1'],
    );
    assert.equal(statSync(l.batchFile!).mode & 0o777, 0o600);
  } finally {
    await l.dispose();
  }
});

test('--modules: a generated entry imports each module by URL, then launches DBOS', async () => {
  const l = await prepareReplayLaunch({ modules: ['a.js', 'lib/b.mjs'], cwd: '/app', handoff: { trace } });
  try {
    const text = readFileSync(l.entry, 'utf8');
    assert.match(text, new RegExp(`await import\\(${JSON.stringify(pathToFileURL('/app/a.js').href)}\\);`));
    assert.match(text, new RegExp(`await import\\(${JSON.stringify(pathToFileURL('/app/lib/b.mjs').href)}\\);`));
    assert.match(text, /await DBOS\.launch\(\);\n$/);
    assert.equal(path.dirname(l.entry), path.dirname(l.resultFile));
  } finally {
    await l.dispose();
  }
});

test('TypeScript runs through tsx (found from the program, else our install) unless the caller brings a loader', async () => {
  const ts = await prepareReplayLaunch({
    program: path.join(ROOT, 'launcher', 'src', 'replayLauncher.ts'),
    cwd: ROOT,
    handoff: { trace },
  });
  await ts.dispose();
  assert.equal(ts.preload[2], '--import');
  assert.equal(
    ts.preload[3],
    pathToFileURL(realpathSync(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs'))).href,
  );
  const own = await prepareReplayLaunch({
    program: 'main.ts',
    cwd: '/app',
    runtimeArgs: ['--import', 'tsx'],
    handoff: { trace },
  });
  await own.dispose();
  assert.deepEqual(own.preload, ['--require', replayRuntimePath()]);
  const js = await prepareReplayLaunch({ program: 'main.js', cwd: '/app', handoff: { trace } });
  await js.dispose();
  assert.equal(js.preload.includes('--import'), false);
});

test('neither a program nor modules: refused before any file is written', async () => {
  await assert.rejects(prepareReplayLaunch({ cwd: '/app', handoff: { trace } }), /give a program or the modules/);
});
