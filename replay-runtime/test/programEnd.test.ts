// How a replayed program runs and ends, through `node dist/cli.js`: the per-workflow time limit (a workflow that
// loops forever), process.exit() inside a workflow, a command-line app's arguments, a missing program. Runs in the
// test process; every CLI and replayed program is its own process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchDatabase } from '../../test-support/testDatabase.js';
import { runNode, type NodeRun as Run } from '../../test-support/runNode.js';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const app = path.join(__dirname, 'apps', 'ending');

function cli(args: string[], env: Record<string, string | undefined> = {}, cwd = app): Promise<Run> {
  return runNode([CLI, ...args], {
    cwd,
    env: { DBOS_SYSTEM_DATABASE_URL: undefined, DATABASE_URL: undefined, ...env },
  });
}

let db: Awaited<ReturnType<typeof scratchDatabase>>;
let tmp: string;

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'replay-ending-'));
  db = await scratchDatabase();
  // Newest first in `check`: loop-1, exit-1, ok-1.
  const rec = await runNode(['app.js'], {
    cwd: app,
    env: { RECORD_URL: db.url, RECORD_RUNS: 'ok-1:healthy,exit-1:exit,loop-1:loop' },
  });
  assert.equal(rec.code, 0, rec.out);
});
after(async () => {
  await db?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the per-workflow time limit', () => {
  test('run --timeout 2: verdict timeout naming the workflow, the limit and the last step reached; exit 5', async () => {
    const r = await cli(['run', 'loop-1', '--program', 'app.js', '--db', db.url, '--timeout', '2', '--json'], {
      APP_VARIANT: 'loop',
    });
    assert.equal(r.code, 5, r.stdout + r.stderr);
    const v = JSON.parse(r.stdout);
    assert.equal(v.verdict, 'timeout');
    assert.deepEqual(
      { ...v.timeout, message: '' },
      { limitSeconds: 2, functionId: 0, name: 'fetchTopic', message: '' },
    );
    assert.match(v.timeout.message, /workflow loop-1 \(loopAfterStep\) did not finish within the 2 s limit/);
    assert.match(v.timeout.message, /the last recorded operation it reached is #0 fetchTopic/);
    assert.deepEqual(v.operations, { consumed: 1, recorded: 2 });
    const text = await cli(['run', 'loop-1', '--program', 'app.js', '--db', db.url, '--timeout', '2'], {
      APP_VARIANT: 'loop',
    });
    assert.equal(text.code, 5);
    assert.match(text.stdout, /^timeout: workflow loop-1 \(loopAfterStep\) did not finish within the 2 s limit/m);
  });

  test('check: the timed-out workflow is reported, the next ones replay in a new process', async () => {
    const r = await cli(['check', '--program', 'app.js', '--db', db.url, '--timeout', '2', '--json'], {
      APP_VARIANT: 'loop',
    });
    assert.equal(r.code, 5, r.stdout + r.stderr);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(
      o.workflows.map((w: { workflowId: string; verdict: string }) => [w.workflowId, w.verdict]),
      [
        ['loop-1', 'timeout'],
        ['exit-1', 'match'],
        ['ok-1', 'match'],
      ],
    );
    assert.equal(o.processes, 2);
    assert.equal(o.summary.timeout, 1);
    const text = await cli(['check', '--program', 'app.js', '--db', db.url, '--timeout', '2'], { APP_VARIANT: 'loop' });
    assert.match(text.stdout, /^TIMEOUT +loop-1 +loopAfterStep +workflow loop-1 .*#0 fetchTopic/m);
    assert.match(text.stdout, /^match +exit-1/m);
    assert.match(text.stdout, /1 timeout/);
  });

  test('--timeout must be a number of seconds; 0 means no limit', async () => {
    const bad = await cli(['run', 'ok-1', '--program', 'app.js', '--db', db.url, '--timeout', '2m']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout '2m' is not a number of seconds/);
    const none = await cli(['run', 'ok-1', '--program', 'app.js', '--db', db.url, '--timeout', '0', '--json']);
    assert.equal(JSON.parse(none.stdout).verdict, 'match', none.stderr);
  });
});

describe('the program ends', () => {
  test('process.exit(7) in a workflow: said so, with the line; check carries on', async () => {
    const r = await cli(['run', 'exit-1', '--program', 'app.js', '--db', db.url, '--json'], { APP_VARIANT: 'exit' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const v = JSON.parse(r.stdout);
    assert.equal(v.verdict, 'error');
    assert.match(
      v.error.message,
      /^the program exited with code 7 during the workflow: process\.exit\(7\) was called at .*apps\/ending\/app\.js:25:\d+/,
    );
    assert.doesNotMatch(v.error.message, /never settles/);
    const c = await cli(['check', '--program', 'app.js', '--db', db.url, '--json'], { APP_VARIANT: 'exit' });
    const o = JSON.parse(c.stdout);
    assert.deepEqual(
      o.workflows.map((w: { verdict: string }) => w.verdict),
      ['match', 'error', 'match'],
    );
    assert.match(o.workflows[1].error.message, /exited with code 7 during the workflow/);
  });

  test('a command-line app gets its arguments after --; without them the message suggests -- and --modules', async () => {
    const ok = await cli(['run', 'ok-1', '--program', 'cli.js', '--db', db.url, '--json', '--', 'news']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(JSON.parse(ok.stdout).verdict, 'match');
    const c = await cli(['check', '--program', 'cli.js', '--db', db.url, '--name', 'healthy', '--', 'news']);
    assert.equal(c.code, 0, c.stdout + c.stderr);
    const missing = await cli(['run', 'ok-1', '--program', 'cli.js', '--db', db.url, '--json']);
    assert.equal(missing.code, 1);
    const v = JSON.parse(missing.stdout);
    assert.match(v.error.message, /the program exited \(code 1\) without calling DBOS\.launch\(\)/);
    assert.match(v.error.message, /after `--`/);
    assert.match(v.error.message, /--modules/);
    assert.match(v.error.message, /missing required argument 'topic'/);
    assert.equal(v.error.exitCode, 1);
    assert.deepEqual(v.error.stderr, ["error: missing required argument 'topic'"]);
  });

  test('--program that does not exist: one line naming the path and the fix, no stack', async () => {
    const r = await cli(['run', 'ok-1', '--program', 'does-not-exist.js', '--db', db.url]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /--program does-not-exist\.js: no such file \(.*apps\/ending\/does-not-exist\.js\)/);
    assert.match(lines[0], /e\.g\. --program dist\/main\.js/);
  });
});
