// `dbos-replay run` and `check` as users run them: `node dist/cli.js` against the recorded v4/v5 fixture databases
// and a scratch recording of the basic test app; JSON output, trail, exit codes; and a replay through a Postgres role
// that can only SELECT. Runs in the test process; every CLI (and the program it replays) is its own process.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { adminUrl, fixtureUrl, scratchDatabase } from '../../test-support/testDatabase.js';
import { traceFromDatabase } from './recording.js';
import { runNode, type NodeRun as Run } from '../../test-support/runNode.js';

const root = path.resolve(__dirname, '..', '..');
const CLI = path.join(root, 'dist', 'cli.js');
const v4 = path.join(root, 'test-fixtures', 'app-v4');
const v5 = path.join(root, 'test-fixtures', 'app-v5');
const basic = path.join(__dirname, 'apps', 'basic');
const recorded =
  !!process.env.DBOS_REPLAY_FX_V4_SYS_URL &&
  !!process.env.DBOS_REPLAY_FX_V5_SYS_URL &&
  existsSync(path.join(v4, 'dist', 'main.js')) &&
  existsSync(path.join(v5, 'dist', 'main.js'));

function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<Run> {
  return runNode([CLI, ...args], {
    cwd,
    env: { DBOS_SYSTEM_DATABASE_URL: undefined, DATABASE_URL: undefined, ...env },
  });
}

let tmp: string;
let basicDb: Awaited<ReturnType<typeof scratchDatabase>> | undefined;

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'replay-cli-'));
});
after(async () => {
  await basicDb?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('dbos-replay run', { skip: !recorded && 'fixtures not recorded' }, () => {
  test('v4 workflow from the database: one trail line per operation, then the verdict; exit 0', async () => {
    const r = await cli(['run', 'v4-order-ok', '--program', 'dist/main.js', '--db', fixtureUrl('v4')], v4);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 12);
    assert.match(lines[0], /#0 +insertOrder → \{"order_id":"v4-order-ok","customer":"alice",/);
    assert.match(lines[2], /#2 +DBOS\.setEvent$/);
    assert.match(lines[6], /#6 +shipOrder +\[child v4-order-ok-6\]$/);
    assert.match(lines[7], /#7 +DBOS\.getResult → "LABEL-v4-order-ok" +\[child v4-order-ok-6\]$/);
    assert.match(lines[9], /#9 +reserveStock ✗ OutOfStockError: No stock left for sold-out +\(recorded error\)$/);
    assert.match(lines[11], /^match: workflow v4-order-ok \(placeOrder\) replayed to its recorded result \(11\/11/);
  });

  test('v5 checkout: the trail shows each recorded output, clipped', async () => {
    const r = await cli(['run', 'checkout-ok', '--program', 'dist/main.js', '--db', fixtureUrl('v5')], v5);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^ {2}#0 +reserve → \{"reservationId":"res-A-1001",.*…$/);
    assert.equal(lines[1], '  #1    charge → {"paymentId":"pay_A-1001","state":"pending"}');
    assert.equal(lines[3], '  #3    DBOS.recv → {"paymentId":"pay_A-1001","outcome":"paid"}');
    assert.equal(lines[5], '  #5    ship → "TRK-A-1001-2"');
    const j = JSON.parse(
      (await cli(['run', 'pipeline-nightly', '--program', 'dist/main.js', '--db', fixtureUrl('v5'), '--json'], v5))
        .stdout,
    );
    assert.deepEqual(j.trail[1], {
      functionId: 1,
      name: 'transformChunk',
      outcome: 'output',
      childWorkflowId: 'pipeline-nightly-1',
    });
    assert.deepEqual(j.trail[4], {
      functionId: 4,
      name: 'DBOS.getResult',
      outcome: 'output',
      summary: '{"chunk":0,"total":496,"rows":4}',
      childWorkflowId: 'pipeline-nightly-1',
    });
  });

  test('--json: one object with the verdict, results, operations; a recorded ERROR replayed is a match', async () => {
    const r = await cli(['run', 'v4-order-fail', '--program', 'dist/main.js', '--db', fixtureUrl('v4'), '--json'], v4);
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.workflowId, 'v4-order-fail');
    assert.equal(o.verdict, 'match');
    assert.deepEqual(o.operations, { consumed: 1, recorded: 1 });
    assert.equal(o.recordedResult.error.name, 'OrderRejectedError');
    assert.deepEqual(o.replayedResult, o.recordedResult);
  });

  test('--trace file, a diverging recording: exit 3 with functionId, recorded, called and the call location', async () => {
    const trace = await traceFromDatabase(fixtureUrl('v4'), 'v4-order-ok');
    const op = trace.workflows[0].operation_outputs.find((o) => Number(o.function_id) === 1)!;
    op.function_name = 'chargeCard';
    const file = path.join(tmp, 'renamed.json');
    writeFileSync(file, JSON.stringify(trace));
    const r = await cli(['run', '--trace', file, '--program', 'dist/main.js', '--json'], v4);
    assert.equal(r.code, 3, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.verdict, 'diverged');
    assert.equal(o.divergence.functionId, 1);
    assert.equal(o.divergence.recorded, 'chargeCard');
    assert.equal(o.divergence.called, 'chargePayment');
    assert.match(o.divergence.location.file, /app-v4\/(dist|src)\/workflows\/orders\.(js|ts)$/);
  });

  test('--trace of a PENDING run: incomplete, exit 4; --modules instead of the entry', async () => {
    const file = path.join(tmp, 'pending.json');
    writeFileSync(file, JSON.stringify(await traceFromDatabase(fixtureUrl('v5'), 'crash-pending')));
    const r = await cli(['run', '--trace', file, '--program', 'dist/main.js'], v5);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /incomplete: the recording ends here: the original run never completed step 2 \(handOffToCourier\)/,
    );
    const m = await cli(
      ['run', 'v4-fraud-review', '--modules', 'dist/workflows/index.js', '--db', fixtureUrl('v4'), '--json'],
      v4,
    );
    assert.equal(JSON.parse(m.stdout).verdict, 'match', m.stderr);
  });

  test('a temp workflow (a step called outside a workflow) replays its step and says what it is', async () => {
    const r = await cli(['run', 'v4-temp-step', '--program', 'dist/main.js', '--db', fixtureUrl('v4')], v4);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^ {2}#0 +chargePayment → \{"paymentId":"pay-v4-temp".*\nmatch: workflow v4-temp-step \(temp_workflow-step-chargePayment\) replayed to its recorded result \(1\/1 recorded operations replayed\)\n {2}a temp workflow the SDK recorded for step Orders\.chargePayment called outside a workflow\n$/,
    );
  });

  test('usage: no program, unknown workflow', async () => {
    const u = await cli(['run', 'v4-order-ok', '--db', fixtureUrl('v4')], v4);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /needs --program/);
    const n = await cli(['run', 'no-such-wf', '--program', 'dist/main.js', '--db', fixtureUrl('v4')], v4);
    assert.equal(n.code, 1);
    assert.match(n.stderr, /no-such-wf/);
  });
});

describe('dbos-replay check', { skip: !recorded && 'fixtures not recorded' }, () => {
  test('every v4 workflow matches: one line each, a summary, exit 0; filters by name and status', async () => {
    const r = await cli(['check', '--program', 'dist/main.js', '--db', fixtureUrl('v4')], v4);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('match ')).length, 6);
    assert.match(r.stdout, /checked 6 workflow\(s\): 6 match, 0 diverged, 0 incomplete, 0 error \(/);
    assert.match(
      r.stdout,
      /match +v4-temp-step +temp_workflow-step-chargePayment +\(1\/1 operations\): a temp workflow the SDK recorded for step Orders\.chargePayment called outside a workflow\n/,
    );
    const j = await cli(
      [
        'check',
        '--program',
        'dist/main.js',
        '--db',
        fixtureUrl('v4'),
        '--name',
        'placeOrder',
        '--status',
        'ERROR',
        '--json',
      ],
      v4,
    );
    const o = JSON.parse(j.stdout);
    assert.deepEqual(
      o.workflows.map((w: { workflowId: string; verdict: string }) => [w.workflowId, w.verdict]),
      [['v4-order-fail', 'match']],
    );
    assert.equal(o.processes, 1);
    assert.equal(o.workflows[0].trail, undefined, 'no trail unless --trail');
    const t = await cli(
      [
        'check',
        '--program',
        'dist/main.js',
        '--db',
        fixtureUrl('v4'),
        '--name',
        'placeOrder',
        '--status',
        'ERROR',
        '--json',
        '--trail',
      ],
      v4,
    );
    assert.deepEqual(
      JSON.parse(t.stdout).workflows[0].trail.map((x: { name: string; outcome: string }) => [x.name, x.outcome]),
      [['insertOrder', 'error']],
    );
    const text = await cli(
      ['check', '--program', 'dist/main.js', '--db', fixtureUrl('v4'), '--name', 'sendReceipt', '--trail'],
      v4,
    );
    assert.match(
      text.stdout,
      /match +v4-receipt +sendReceipt +\(2\/2 operations\)\n {4}#0 +loadOrder → \{"order_id":"v4-order-ok"/,
    );
  });

  test('temp workflows with no code to replay (4.0–4.9 send, an unregistered step) are skipped, not failures', async () => {
    const copy = await scratchDatabase(new URL(fixtureUrl('v4')).pathname.slice(1));
    const db = new pg.Client({ connectionString: copy.url });
    await db.connect();
    try {
      // What 4.0–4.9 record for DBOS.send outside a workflow, and a temp step whose step this program lacks.
      for (const [id, name, cls, op] of [
        ['v4-temp-send', 'temp_workflow-send-undefined', null, 'DBOS.send'],
        ['v4-temp-gone', 'temp_workflow-step-refundPayment', 'Orders', 'refundPayment'],
      ]) {
        await db.query(
          "CREATE TEMP TABLE s AS SELECT * FROM dbos.workflow_status WHERE workflow_uuid = 'v4-temp-step'",
        );
        await db.query('UPDATE s SET workflow_uuid = $1, name = $2, class_name = $3', [id, name, cls]);
        await db.query('INSERT INTO dbos.workflow_status SELECT * FROM s');
        await db.query(
          "CREATE TEMP TABLE o AS SELECT * FROM dbos.operation_outputs WHERE workflow_uuid = 'v4-temp-step'",
        );
        await db.query('UPDATE o SET workflow_uuid = $1, function_name = $2', [id, op]);
        await db.query('INSERT INTO dbos.operation_outputs SELECT * FROM o');
        await db.query('DROP TABLE s, o');
      }
      const r = await cli(['check', '--program', 'dist/main.js', '--db', copy.url], v4);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /\nskipped +v4-temp-send +temp_workflow-send-undefined +recorded by the SDK for DBOS\.send called outside a workflow; not replayed: the replay has no code for it\n/,
      );
      assert.match(
        r.stdout,
        /\nskipped +v4-temp-gone +temp_workflow-step-refundPayment +recorded by the SDK for step Orders\.refundPayment called outside a workflow; not replayed: this program does not register step Orders\.refundPayment\n/,
      );
      assert.match(r.stdout, /checked 8 workflow\(s\): 6 match, 0 diverged, 0 incomplete, 0 error, 2 skipped \(/);
      const j = await cli(['run', 'v4-temp-send', '--program', 'dist/main.js', '--db', copy.url, '--json'], v4);
      assert.equal(j.code, 0, j.stderr);
      const v = JSON.parse(j.stdout);
      assert.equal(v.verdict, 'skipped');
      assert.match(v.note, /^recorded by the SDK for DBOS\.send called outside a workflow/);
    } finally {
      await db.end();
      await copy.drop();
    }
  });

  test('v5 fixture: matches and incompletes are not failures; --limit', async () => {
    const r = await cli(['check', '--program', 'dist/main.js', '--db', fixtureUrl('v5'), '--json'], v5);
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(
      o.summary.diverged + o.summary.error,
      0,
      JSON.stringify(o.workflows.filter((w: { verdict: string }) => w.verdict !== 'match')),
    );
    assert.ok(o.summary.incomplete >= 1);
    const l = await cli(['check', '--program', 'dist/main.js', '--db', fixtureUrl('v5'), '--limit', '3', '--json'], v5);
    assert.equal(JSON.parse(l.stdout).workflows.length, 3);
  });

  test('code that diverges from some recordings: reported per workflow, non-zero exit', async () => {
    basicDb = await scratchDatabase();
    const rec = await runNode(['app.js'], {
      cwd: basic,
      env: {
        RECORD_URL: basicDb.url,
        RECORD_RUNS: 'seq-a:sequence,seq-b:sequence,free-a:free',
        STEP_COUNTER_FILE: path.join(tmp, 'steps'),
        OBSERVE_FILE: path.join(tmp, 'observe'),
      },
    });
    assert.equal(rec.code, 0, rec.out);
    const r = await cli(['check', '--program', 'app.js', '--db', basicDb.url], basic, { APP_VARIANT: 'rename' });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /DIVERGED +seq-a +sequence +at step 1: recorded stepB, called stepX \(.*app\.js:\d+/);
    assert.match(r.stdout, /DIVERGED +seq-b/);
    assert.match(r.stdout, /match +free-a/);
    assert.match(r.stdout, /checked 3 workflow\(s\): 1 match, 2 diverged/);
  });
});

describe('dbos-replay check in pages', { skip: !recorded && 'fixtures not recorded' }, () => {
  const check = (extra: string[], program = 'dist/main.js') =>
    cli(['check', '--program', program, '--db', fixtureUrl('v4'), ...extra], v4);
  const verdicts = (o: { workflows: { workflowId: string; verdict: string }[] }) =>
    o.workflows.map((w) => [w.workflowId, w.verdict]);

  test('more workflows than one page: the same verdicts, order, summary and exit code, in one process', async () => {
    const whole = await check(['--json']);
    const paged = await check(['--json', '--page-size', '2']);
    assert.equal(paged.code, whole.code, paged.stderr);
    const [w, p] = [JSON.parse(whole.stdout), JSON.parse(paged.stdout)];
    const n = w.workflows.length;
    assert.ok(n > 2, `more than one page of 2: ${n}`);
    assert.deepEqual(verdicts(p), verdicts(w));
    assert.deepEqual(p.workflows, w.workflows);
    assert.deepEqual(p.summary, w.summary);
    assert.equal(w.processes, 1);
    assert.equal(p.processes, 1);
    const text = await check(['--page-size', '2', '--trail']);
    const one = await check(['--trail']);
    assert.equal(text.code, one.code);
    const body = (s: string) => s.replace(/\(read .*\)\n$/, '');
    assert.equal(body(text.stdout), body(one.stdout));
    assert.match(text.stdout, new RegExp(`checked ${n} workflow\\(s\\)`));
    const bad = await check(['--page-size', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--page-size '0'/);
  });

  test('a program that ends before DBOS.launch(): every workflow of every page gets its verdict, one process', async () => {
    const exits = path.join(tmp, 'exits-early.js');
    writeFileSync(exits, 'process.exit(0);\n');
    const r = await check(['--json', '--page-size', '2'], exits);
    assert.equal(r.code, 1, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.processes, 1);
    const n = o.summary.total;
    assert.ok(n > 2, `more than one page of 2: ${n}`);
    assert.equal(o.summary.error, n);
    assert.equal(new Set(o.workflows.map((w: { workflowId: string }) => w.workflowId)).size, n);
  });
});

describe('a database role that can only SELECT', { skip: !recorded && 'fixtures not recorded' }, () => {
  test('run and check replay through it (and it really cannot write)', async () => {
    const copy = await scratchDatabase(new URL(fixtureUrl('v4')).pathname.slice(1));
    const role = `replay_ro_${randomBytes(4).toString('hex')}`;
    const password = `pw${randomBytes(8).toString('hex')}`;
    const admin = new pg.Client({ connectionString: copy.url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await admin.query(`GRANT CONNECT ON DATABASE ${copy.name} TO ${role}`);
      await admin.query(`GRANT USAGE ON SCHEMA dbos TO ${role}`);
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA dbos TO ${role}`);
      const u = new URL(copy.url);
      u.username = role;
      u.password = password;
      const roUrl = u.toString();
      const ro = new pg.Client({ connectionString: roUrl });
      await ro.connect();
      await assert.rejects(
        ro.query("UPDATE dbos.workflow_status SET status = 'PENDING' WHERE workflow_uuid = 'v4-order-ok'"),
        /permission denied/,
      );
      await ro.end();
      const r = await cli(['run', 'v4-order-ok', '--program', 'dist/main.js', '--db', roUrl, '--json'], v4);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(JSON.parse(r.stdout).verdict, 'match');
      assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password));
      const c = await cli(['check', '--program', 'dist/main.js', '--db', roUrl], v4);
      assert.equal(c.code, 0, c.stdout + c.stderr);
      assert.match(c.stdout, /6 match/);
    } finally {
      await admin.end();
      await copy.drop();
      const a = new pg.Client({ connectionString: adminUrl() });
      await a.connect();
      await a.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await a.end();
    }
  });
});
