// The CLI against hostile or unlucky databases: a table locked by another transaction (list, show, run, check), the
// timeout options, and control characters in recorded IDs, names and values. Runs in the test process (node --test);
// each CLI is the real dist/cli.js, against scratch copies of the sample recording.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { runNode, type NodeRun } from '../../test-support/runNode.js';
import { adminQuery, scratchCopyOfSample } from '../../history/src/testing/sampleRecording.js';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
// A real file (the CLI checks the program exists first); the lock is met before the program would start.
const PROGRAM = path.resolve(__dirname, '..', '..', 'bin', 'dbos-replay.js');

function cli(args: string[]): Promise<NodeRun> {
  return runNode([CLI, ...args], { env: { DBOS_SYSTEM_DATABASE_URL: undefined, DATABASE_URL: undefined } });
}

let db: { name: string; url: string; drop(): Promise<void> };
before(async () => {
  db = await scratchCopyOfSample();
});
after(async () => {
  await db.drop();
});

test('a locked workflow_status: every command says it waited for a lock, which table, who holds it', async () => {
  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  try {
    const holder = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await locker.query('BEGIN; LOCK TABLE dbos.workflow_status IN ACCESS EXCLUSIVE MODE');
    const runs: [string, string[]][] = [
      ['list', ['list', '--db', db.url, '--lock-timeout', '0.3']],
      ['show', ['show', 'sample-parent', '--db', db.url, '--lock-timeout', '0.3']],
      ['run', ['run', 'sample-parent', '--program', PROGRAM, '--db', db.url, '--lock-timeout', '0.3']],
      ['check', ['check', '--program', PROGRAM, '--db', db.url, '--lock-timeout', '0.3']],
    ];
    for (const [name, args] of runs) {
      const r = await cli(args);
      assert.equal(r.code, 1, `${name}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^dbos-replay ${name}: Reading dbos\\.workflow_status`), name);
      assert.match(r.stderr, new RegExp(`waited more than 300 ms for a lock .*\\(backend pid ${holder}\\)`), name);
      assert.match(r.stderr, /This is not a slow query\..*pg_stat_activity.*raise --lock-timeout SECONDS/, name);
      assert.doesNotMatch(r.stderr, /created-at range/, name);
    }
    // With no lock timeout, the statement timeout ends the wait: a slow query, and the option that raises it.
    const slow = await cli([
      'show',
      'sample-parent',
      '--db',
      db.url,
      '--lock-timeout',
      '0',
      '--statement-timeout',
      '0.3',
    ]);
    assert.equal(slow.code, 1, slow.stderr);
    assert.match(slow.stderr, /ran past the statement timeout of 300 ms .*raise --statement-timeout SECONDS/);
  } finally {
    await locker.query('ROLLBACK').catch(() => {});
    await locker.end();
  }
});

test('--statement-timeout and --lock-timeout: documented, checked, and honoured', async () => {
  const help = await cli(['list', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--statement-timeout SECONDS: how long one query may run/);
  assert.match(help.stdout, /--lock-timeout SECONDS: how long a query waits/);
  const bad = await cli(['show', 'x', '--db', db.url, '--statement-timeout', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--statement-timeout 'soon' is not a number of seconds from 0 \(no limit\) to 86400\./);
  const ok = await cli(['list', '--db', db.url, '--statement-timeout', '60', '--lock-timeout', '1', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(JSON.parse(ok.stdout).workflows.length > 0);
});

test('control characters in recorded IDs, names and values are escaped in every text output', async () => {
  const id = 'evil\u001b[2J\u0007id';
  const L = pg.escapeLiteral;
  await adminQuery(
    db.url,
    `CREATE TEMP TABLE t AS SELECT * FROM dbos.workflow_status WHERE workflow_uuid = 'under_1';
     UPDATE t SET workflow_uuid = ${L(id)}, name = ${L('wf\u009b31m')};
     INSERT INTO dbos.workflow_status SELECT * FROM t;
     INSERT INTO dbos.operation_outputs (workflow_uuid, function_id, function_name, output)
       VALUES (${L(id)}, 0, ${L('step\u001b]0;pwned\u0007')}, ${L('"raw \u001b[31m\u0007 not JSON')}),
              (${L(id)}, 1, 'json', ${L(JSON.stringify('rang \u0007 \u001bc'))})`,
  );
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/; // eslint-disable-line no-control-regex
  for (const args of [
    ['show', id, '--db', db.url],
    ['list', '--db', db.url, '--id-prefix', 'evil'],
    ['show', `${id}-missing`, '--db', db.url],
  ]) {
    const r = await cli(args);
    assert.doesNotMatch(r.stdout + r.stderr, raw, `${args[0]} printed a control character raw`);
    assert.ok((r.stdout + r.stderr).includes('evil\\u001b[2J\\u0007id'), r.stdout + r.stderr);
  }
  const show = await cli(['show', id, '--db', db.url]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^Workflow +evil\\u001b\[2J\\u0007id\nName +wf\\u009b31m\n/);
  assert.match(show.stdout, /\n0 +step\\u001b\]0;pwned\\u0007 /);
  // --json is JSON: the same values, parsed back intact.
  const json = await cli(['show', id, '--db', db.url, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const view = JSON.parse(json.stdout);
  assert.equal(view.workflow.workflowId, id);
  assert.equal(view.workflow.name, 'wf\u009b31m');
  assert.doesNotMatch(json.stdout, raw);
});
