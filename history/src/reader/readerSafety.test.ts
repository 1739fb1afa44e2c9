// Recordings the reader must refuse rather than misread: a role without SELECT on a payload table, duplicate or
// non-integer function_ids, a dropped table or a newer schema, and a table locked by another transaction.
// Runs in the test process (node --test) against scratch copies of the sample recording.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { adminUrl } from '../../../test-support/testDatabase.js';
import { ErrorCode, HistoryError } from '../errors.js';
import { adminQuery, scratchCopyOfSample } from '../testing/sampleRecording.js';
import { HistoryReader } from './historyReader.js';

function isError(code: number, check: (message: string) => void) {
  return (e: unknown) => {
    assert.ok(e instanceof HistoryError, String(e));
    assert.equal(e.code, code, e.message);
    check(e.message);
    return true;
  };
}

test('a role lacking SELECT on dbos.workflow_input is refused up front with the GRANT it needs', async () => {
  const db = await scratchCopyOfSample();
  const role = `reader_${randomBytes(4).toString('hex')}`;
  const secret = `pw-${randomBytes(6).toString('hex')}`;
  try {
    await adminQuery(adminUrl(), `CREATE ROLE ${role} LOGIN PASSWORD '${secret}'`);
    await adminQuery(
      db.url,
      `GRANT USAGE ON SCHEMA dbos TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA dbos TO ${role};
       REVOKE SELECT ON dbos.workflow_input FROM ${role}`,
    );
    const u = new URL(db.url);
    u.username = role;
    u.password = secret;
    const target = `${u.host}${u.pathname}`;
    await assert.rejects(
      HistoryReader.connect(u.toString()),
      isError(ErrorCode.PermissionDenied, (m) =>
        assert.equal(
          m,
          `User ${role} may not read dbos.workflow_input at ${target}: dbos-replay reads every table of the DBOS ` +
            'schema, and a table it cannot read would look empty (inputs and outputs read as null, a false ' +
            `divergence). As the schema's owner, run: GRANT SELECT ON dbos.workflow_input TO ${role}; Or connect as ` +
            'another user in --db / DBOS_SYSTEM_DATABASE_URL.',
        ),
      ),
    );
    // Without USAGE on the schema, that is named first.
    await adminQuery(db.url, `REVOKE USAGE ON SCHEMA dbos FROM ${role}`);
    await assert.rejects(
      HistoryReader.connect(u.toString()),
      isError(ErrorCode.PermissionDenied, (m) =>
        assert.match(m, new RegExp(`run: GRANT USAGE ON SCHEMA dbos TO ${role}; GRANT SELECT ON dbos.workflow_input`)),
      ),
    );
    // With the grants, it reads.
    await adminQuery(db.url, `GRANT USAGE ON SCHEMA dbos TO ${role}; GRANT SELECT ON dbos.workflow_input TO ${role}`);
    const reader = await HistoryReader.connect(u.toString());
    try {
      assert.notEqual((await reader.getWorkflow('sample-parent')).summary.workflowId, null);
    } finally {
      await reader.close();
    }
  } finally {
    await db.drop();
    await adminQuery(adminUrl(), `DROP ROLE IF EXISTS ${role}`);
  }
});

test('duplicate or non-integer function_ids in operation_outputs are refused as corrupt', async () => {
  const db = await scratchCopyOfSample();
  try {
    // A copy made without the primary key, with one step recorded twice.
    await adminQuery(
      db.url,
      `ALTER TABLE dbos.operation_outputs DROP CONSTRAINT operation_outputs_pkey;
       INSERT INTO dbos.operation_outputs SELECT * FROM dbos.operation_outputs
        WHERE workflow_uuid = 'sample-parent' AND function_id = 2`,
    );
    const target = `${new URL(db.url).host}/${db.name}`;
    const reader = await HistoryReader.connect(db.url);
    try {
      const dup = isError(ErrorCode.CorruptRecording, (m) =>
        assert.match(
          m,
          new RegExp(
            `^Workflow 'sample-parent' in dbos\\.operation_outputs at ${target} has 2 operation_outputs rows for step 2 ` +
              `\\(function_id 2, '[^']+'\\): a DBOS recording has exactly one row per step .* Replay refused`,
          ),
        ),
      );
      await assert.rejects(reader.getWorkflow('sample-parent'), dup);
      await assert.rejects(reader.loadTrace('sample-parent'), dup);
      await assert.rejects(reader.loadTraces(['under_1', 'sample-parent']), dup);
      // The other workflows still read.
      assert.equal((await reader.loadTraces(['under_1'])).length, 1);
    } finally {
      await reader.close();
    }
    await adminQuery(db.url, 'ALTER TABLE dbos.operation_outputs ALTER COLUMN function_id TYPE text');
    const again = await HistoryReader.connect(db.url);
    try {
      await assert.rejects(
        again.getWorkflow('sample-parent'),
        isError(ErrorCode.CorruptRecording, (m) =>
          assert.match(m, /^Workflow 'sample-parent' .* whose function_id is "0", not an integer/),
        ),
      );
    } finally {
      await again.close();
    }
  } finally {
    await db.drop();
  }
});

test('a dropped table is named, with what it means and what to do', async () => {
  const db = await scratchCopyOfSample();
  try {
    await adminQuery(db.url, 'DROP TABLE dbos.operation_outputs CASCADE');
    await assert.rejects(
      HistoryReader.connect(db.url),
      isError(ErrorCode.UnsupportedSchemaVersion, (m) =>
        assert.match(
          m,
          /that this reader cannot read: there is no table dbos\.operation_outputs\. .*made by an older DBOS SDK, was altered by hand \(a column or table dropped\), or is not a DBOS schema\. If the app runs an older SDK, upgrade/,
        ),
      ),
    );
    // A schema newer than the reader knows, missing a table: a newer SDK changed it.
    await adminQuery(db.url, 'INSERT INTO dbos.dbos_migrations (version) VALUES (999)');
    await assert.rejects(
      HistoryReader.connect(db.url),
      isError(ErrorCode.UnsupportedSchemaVersion, (m) =>
        assert.match(
          m,
          /\(migration version 999\) .*no table dbos\.operation_outputs\. That version is newer than 123, .*a newer DBOS SDK changed the schema\. Update dbos-replay\.$/,
        ),
      ),
    );
  } finally {
    await db.drop();
  }
});

test('a table locked by another transaction is reported as a lock wait, naming the table and the holder', async () => {
  const db = await scratchCopyOfSample();
  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  try {
    const holder = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await locker.query('BEGIN; LOCK TABLE dbos.workflow_status IN ACCESS EXCLUSIVE MODE');
    const reader = await HistoryReader.connect(db.url, { lockTimeoutMs: 200 });
    try {
      const lock = isError(ErrorCode.LockTimeout, (m) => {
        assert.match(m, /^Reading dbos\.workflow_status(, dbos\.workflow_input, dbos\.workflow_output)? at /);
        assert.match(m, new RegExp(`waited more than 200 ms for a lock and gave up: .*\\(backend pid ${holder}\\)`));
        assert.match(m, /This is not a slow query\. .*pg_stat_activity.*pg_locks.*raise --lock-timeout SECONDS/);
      });
      await assert.rejects(reader.getWorkflow('sample-parent'), lock);
      await assert.rejects(reader.listWorkflows({}, { limit: 5 }), lock);
    } finally {
      await reader.close();
    }
    // No lock timeout: the statement timeout ends the wait, reported as the slow query it then is.
    const slow = await HistoryReader.connect(db.url, { lockTimeoutMs: 0, statementTimeoutMs: 300 });
    try {
      await assert.rejects(
        slow.getWorkflow('sample-parent'),
        isError(ErrorCode.QueryTimeout, (m) =>
          assert.match(m, /ran past the statement timeout of 300 ms .*raise --statement-timeout SECONDS/),
        ),
      );
      await assert.rejects(
        slow.listWorkflows({}, { limit: 5 }),
        isError(ErrorCode.ListingTimeout, (m) => assert.match(m, /took longer than 300 ms/)),
      );
    } finally {
      await slow.close();
    }
  } finally {
    await locker.query('ROLLBACK').catch(() => {});
    await locker.end();
    await db.drop();
  }
});
