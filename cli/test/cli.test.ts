// The dbos-replay CLI as users run it: `node dist/cli.js` (built by npm test), JSON output parsed, exit codes.
// Runs in the test process (node --test); each spawned CLI is its own process.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runNode, type NodeRun as Run } from '../../test-support/runNode.js';
import { adminUrl, withDatabase } from '../../test-support/testDatabase.js';
import { readTraceFile } from '../../history/src/trace/traceFile.js';
import { sampleRecordingUrl, TRICKY_IDS } from '../../history/src/testing/sampleRecording.js';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'dbos-replay.js');
let url: string;
let dir: string;
let password: string;

function cli(args: string[], env: Record<string, string | undefined> = {}, entry = CLI): Promise<Run> {
  return runNode([entry, ...args], { env: { DBOS_SYSTEM_DATABASE_URL: undefined, DATABASE_URL: undefined, ...env } });
}

/** Every run's output is checked for the password, whatever the test asserts besides. */
async function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const r = await cli(args, env);
  assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), `password printed by ${args.join(' ')}`);
  return r;
}

before(async () => {
  url = await sampleRecordingUrl();
  password = decodeURIComponent(new URL(adminUrl()).password);
  assert.ok(password.length >= 6, 'the test server must use a password');
  dir = await mkdtemp(path.join(tmpdir(), 'dbos-replay-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('list --json prints one object with the workflows and a cursor', async () => {
  const r = await run(['list', '--json', '--db', url]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out).sort(), ['nextCursor', 'workflows']);
  assert.equal(out.workflows.length, 5 + TRICKY_IDS.length);
  const parent = out.workflows.find((w: { workflowId: string }) => w.workflowId === 'sample-parent');
  assert.deepEqual(
    { ...parent, createdAt: 0, updatedAt: 0, completedAt: 0 },
    {
      workflowId: 'sample-parent',
      name: 'parentWf',
      className: null,
      configName: null,
      status: 'SUCCESS',
      createdAt: 0,
      updatedAt: 0,
      completedAt: 0,
      queueName: null,
      parentWorkflowId: null,
      applicationVersion: 'sample-v1',
      forkedFrom: null,
    },
  );
  // Paging and filters through the environment variable instead of --db.
  const page = JSON.parse((await run(['list', '--json', '--limit', '2'], { DBOS_SYSTEM_DATABASE_URL: url })).stdout);
  assert.equal(page.workflows.length, 2);
  const next = JSON.parse(
    (await run(['list', '--json', '--limit', '2', '--cursor', page.nextCursor], { DATABASE_URL: url })).stdout,
  );
  assert.notEqual(next.workflows[0].workflowId, page.workflows[0].workflowId);
  const filtered = JSON.parse(
    (
      await run([
        'list',
        '--json',
        '--db',
        url,
        '--id-prefix',
        'under_',
        '--status',
        'success',
        '--since',
        '7d',
        '--until',
        '2999-01-01T00:00:00Z',
      ])
    ).stdout,
  );
  assert.deepEqual(
    filtered.workflows.map((w: { workflowId: string }) => w.workflowId),
    ['under_1'],
  );
  const children = JSON.parse((await run(['list', '--json', '--db', url, '--parent', 'sample-parent-10'])).stdout);
  assert.deepEqual(
    children.workflows.map((w: { workflowId: string }) => w.workflowId),
    ['sample-parent-10-1'],
  );
});

test('the package bin (bin/dbos-replay.js) runs the CLI with its exit codes', async () => {
  const help = await cli(['--help'], {}, BIN);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: dbos-replay <command>/);
  const list = await cli(['list', '--db', url, '--json', '--limit', '1'], {}, BIN);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(JSON.parse(list.stdout).workflows.length, 1);
  const noDb = await cli(['list'], {}, BIN);
  assert.equal(noDb.code, 2);
  assert.match(noDb.stderr, /No database to read/);
});

test('list prints a readable table', async () => {
  const r = await run(['list', '--db', url, '--name', 'childWf']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^CREATED \(UTC\)\s+STATUS\s+WORKFLOW ID\s+NAME\s+CLASS\s+PARENT$/);
  assert.equal(lines.length, 3);
  assert.ok(
    lines.some((l) => /SUCCESS\s+sample-explicit-child\s+childWf\s+-\s+sample-parent$/.test(l)),
    r.stdout,
  );
});

test('show --json prints the workflow and its decoded operations', async () => {
  const r = await run(['show', 'sample-parent', '--json', '--db', url]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.workflow.workflowId, 'sample-parent');
  assert.deepEqual(out.workflow.inputs, [{ n: 3, when: '1970-01-02T00:00:00.000Z' }]);
  assert.equal(out.operations.length, 14);
  const op0 = out.operations[0];
  assert.deepEqual(Object.keys(op0).sort(), [
    'childWorkflowId',
    'completedAt',
    'error',
    'functionId',
    'name',
    'output',
    'serialization',
    'startedAt',
  ]);
  assert.equal(op0.output.big, '12345678901234567890');
  assert.equal(out.operations[1].error.message, 'boom');
  assert.equal(out.operations[10].childWorkflowId, 'sample-parent-10');
  assert.equal(out.operations[11].output, 'child:21');
});

test('show prints a header and an operations table', async () => {
  const r = await run(['show', 'sample-parent', '--db', url]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Workflow +sample-parent\nName +parentWf\nStatus +SUCCESS\n/);
  assert.match(r.stdout, /\nFID +NAME +DURATION +CHILD +RESULT\n0 +makeValues +\d+ ms +- +\{"n":3,/);
  assert.match(r.stdout, /\n1 +failingStep +\d+ ms +- +✗ SampleError: boom\n/);
  assert.match(r.stdout, /\n10 +childWf +\d+ ms +sample-parent-10 +null\n/);
});

test('export writes a trace file that reads back', async () => {
  const file = path.join(dir, 'parent.json');
  const r = await run(['export', 'sample-parent', '-o', file, '--db', url]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^Wrote 4 workflow\(s\), 19 operation\(s\) to .*parent\.json \(\d+\.\d KiB\)\.\n$/);
  const t = await readTraceFile(file);
  assert.equal(t.rootWorkflowId, 'sample-parent');
  assert.equal(t.source.database?.includes(password), false);
});

test('errors: exit 1 with a message and no stack; never the password', async () => {
  const u = new URL(url);
  const target = `${u.hostname}:${u.port}${u.pathname}`;
  let r = await run(['show', 'abc', '--db', url]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `dbos-replay show: No recorded workflow 'abc' in dbos.workflow_status at ${target}. ` +
      'Check the ID with `dbos-replay list`.\n',
  );
  const wrong = new URL(url);
  wrong.password = 'not-the-password-Q7';
  r = await run(['list', '--db', wrong.toString()]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `dbos-replay list: The Postgres server at ${target} rejected the password for user 'postgres'. ` +
      'Fix the password in --db / DBOS_SYSTEM_DATABASE_URL.\n',
  );
  assert.ok(!r.stderr.includes('not-the-password-Q7'));
  r = await run(['list'], { DBOS_SYSTEM_DATABASE_URL: withDatabase(adminUrl(), 'postgres') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /is not a DBOS system database: no table dbos\.workflow_status/);
});

test('usage errors: exit 2', async () => {
  let r = await run(['list']);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^dbos-replay list: No database to read: pass --db postgresql:\/\/user:password@host:5432\/<app name>_dbos_sys, or set DBOS_SYSTEM_DATABASE_URL \(or DATABASE_URL\) to the DBOS system database\.\n\nusage: dbos-replay list /,
  );
  r = await run(['list', '--db', url, '--limit', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--limit '0' is not a whole number from 1 to 1000\./);
  r = await run(['list', '--db', url, '--status', 'DONE']);
  assert.equal(r.code, 2);
  r = await run(['list', '--db', url, '--since', 'yesterday-ish']);
  assert.equal(r.code, 2);
  r = await run(['list', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown option '--bogus'/);
  r = await run(['export', 'sample-parent', '--db', url]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /export needs -o <file>/);
  r = await run(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^dbos-replay: unknown command 'frobnicate'\./);
  r = await run(['show', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^usage: dbos-replay show <workflow-id>/);
});
