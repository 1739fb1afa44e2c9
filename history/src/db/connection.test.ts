// Connection failures and read-only sessions against the harness Postgres: each bad input its own exact message.
// Runs in the test process (node --test).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { adminUrl, scratchDatabase, withDatabase } from '../../../test-support/testDatabase.js';
import { ErrorCode, HistoryError } from '../errors.js';
import { HistoryReader } from '../reader/historyReader.js';
import { sampleRecordingUrl } from '../testing/sampleRecording.js';
import { describeDatabase, redactUrl, scrubSecrets } from './connection.js';

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function connectError(url: string, opts = {}): Promise<HistoryError> {
  try {
    const r = await HistoryReader.connect(url, opts);
    await r.close();
  } catch (e) {
    assert.ok(e instanceof HistoryError, `expected a HistoryError, got ${String(e)}`);
    return e;
  }
  assert.fail(`connecting to ${redactUrl(url)} should have failed`);
}

function server(): { host: string; port: string; password: string } {
  const u = new URL(adminUrl());
  return { host: u.hostname, port: u.port, password: decodeURIComponent(u.password) };
}

test('describeDatabase and redactUrl never show a password', () => {
  const url = 'postgresql://alice:p%40ss%2Fw0rd@db.example:6543/shop_dbos_sys?sslmode=require&password=other';
  assert.equal(describeDatabase(url), 'db.example:6543/shop_dbos_sys');
  assert.equal(describeDatabase('postgres://u@h/d'), 'h:5432/d');
  assert.equal(describeDatabase('not a url'), '<unparseable database URL>');
  const red = redactUrl(url);
  assert.ok(!red.includes('p%40ss') && !red.includes('other'), red);
  assert.equal(scrubSecrets('x p@ss/w0rd y other z', url), 'x *** y *** z');
});

test('unreachable server: a closed port on 127.0.0.1', async () => {
  const port = await closedPort();
  const e = await connectError(`postgresql://postgres:hunter2@127.0.0.1:${port}/app_dbos_sys`);
  assert.equal(e.code, ErrorCode.ServerUnreachable);
  assert.equal(
    e.message,
    `Cannot reach the Postgres server at 127.0.0.1:${port}/app_dbos_sys (connection refused). ` +
      'Check that the server is running and the host and port in --db / DBOS_SYSTEM_DATABASE_URL.',
  );
  assert.ok(!e.message.includes('hunter2'));
});

test('unreachable server: unknown host', async () => {
  const e = await connectError('postgresql://postgres:hunter2@no-such-host.invalid:5432/x', { connectTimeoutMs: 5000 });
  assert.equal(e.code, ErrorCode.ServerUnreachable);
  assert.equal(
    e.message,
    'Cannot reach the Postgres server at no-such-host.invalid:5432/x (unknown host). ' +
      'Check that the server is running and the host and port in --db / DBOS_SYSTEM_DATABASE_URL.',
  );
});

test('wrong password for user postgres', async () => {
  const { host, port, password } = server();
  const wrong = `wrong-${password}-Zq9`;
  const e = await connectError(`postgresql://postgres:${encodeURIComponent(wrong)}@${host}:${port}/postgres`);
  assert.equal(e.code, ErrorCode.AuthenticationFailed);
  assert.equal(
    e.message,
    `The Postgres server at ${host}:${port}/postgres rejected the password for user 'postgres'. ` +
      'Fix the password in --db / DBOS_SYSTEM_DATABASE_URL.',
  );
  assert.ok(!e.message.includes(wrong) && !e.message.includes(password));
});

test('database missing', async () => {
  const { host, port, password } = server();
  const e = await connectError(withDatabase(adminUrl(), 'no_such_db_dbos_sys'));
  assert.equal(e.code, ErrorCode.DatabaseMissing);
  assert.equal(
    e.message,
    `Database 'no_such_db_dbos_sys' does not exist on the Postgres server at ${host}:${port}. ` +
      'Point --db / DBOS_SYSTEM_DATABASE_URL at the DBOS system database (usually <app name>_dbos_sys).',
  );
  assert.ok(!e.message.includes(password));
});

test('a database without the dbos schema is refused', async () => {
  const db = await scratchDatabase();
  try {
    const { host, port } = server();
    const e = await connectError(db.url);
    assert.equal(e.code, ErrorCode.NotASystemDatabase);
    assert.equal(
      e.message,
      `${host}:${port}/${db.name} is not a DBOS system database: no table dbos.workflow_status. ` +
        'Point --db at the system database (<app name>_dbos_sys) or set --schema.',
    );
    // A schema name that does not exist in a real recording gives the same answer, naming that schema.
    const e2 = await connectError(await sampleRecordingUrl(), { schema: 'other' });
    assert.match(e2.message, /no table other\.workflow_status/);
  } finally {
    await db.drop();
  }
});

test('sessions are read-only with a statement timeout, even when the URL sets its own options', async () => {
  const base = new URL(await sampleRecordingUrl());
  base.searchParams.set('options', '-c search_path=public');
  const reader = await HistoryReader.connect(base.toString(), { statementTimeoutMs: 1500 });
  try {
    const { rows } = await reader.pool.query(
      `SELECT current_setting('default_transaction_read_only') AS ro, current_setting('statement_timeout') AS st,
              current_setting('search_path') AS sp`,
    );
    assert.deepEqual(rows[0], { ro: 'on', st: '1500ms', sp: 'public' });
    await assert.rejects(reader.pool.query('CREATE TABLE dbos.should_not_exist (a int)'), { code: '25006' });
    await assert.rejects(reader.pool.query(`UPDATE dbos.workflow_status SET status = 'X'`), { code: '25006' });
    await assert.rejects(reader.pool.query('SELECT pg_sleep(20)'), { code: '57014' });
  } finally {
    await reader.close();
  }
});
