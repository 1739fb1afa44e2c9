// Tests of the per-workflow statistics queries against the recorded fixture databases and a scratch database.
// Runs in the test process (node --test through npm test).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { openPool } from '../db/connection.js';
import { ErrorCode, HistoryError } from '../errors.js';
import { fixtureUrl, scratchDatabase } from '../../../test-support/testDatabase.js';
import { recordedStepNames, workflowRunCounts } from './workflowStats.js';
import type { SchemaInfo } from './readerTypes.js';

const V5: SchemaInfo = { schema: 'dbos', migrationVersion: 123, generation: 'v5', hasPayloadTables: true };

async function rows<R extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql, values)).rows;
  } finally {
    await c.end();
  }
}

describe('workflowStats on the fixture recordings', () => {
  for (const app of ['v5', 'v4'] as const) {
    test(`${app}: run counts per (name, class) match every status row`, async () => {
      const url = fixtureUrl(app);
      const expected = new Map<string, { recorded: number; failed: number }>();
      for (const r of await rows<{ name: string; class_name: string | null; status: string }>(
        url,
        'SELECT name, class_name, status FROM dbos.workflow_status',
      )) {
        const k = `${r.class_name ?? ''}/${r.name}`;
        const e = expected.get(k) ?? { recorded: 0, failed: 0 };
        e.recorded++;
        if (r.status === 'ERROR' || r.status === 'MAX_RECOVERY_ATTEMPTS_EXCEEDED') e.failed++;
        expected.set(k, e);
      }
      const pool = openPool(url);
      try {
        const got = await workflowRunCounts(pool, V5);
        assert.equal(got.truncated, false);
        assert.deepEqual(
          new Map(got.counts.map((c) => [`${c.className}/${c.name}`, { recorded: c.recorded, failed: c.failed }])),
          expected,
        );
        const few = await workflowRunCounts(pool, V5, { maxGroups: 2 });
        assert.equal(few.truncated, true);
        assert.equal(few.counts.length, 2);
      } finally {
        await pool.end();
      }
    });
  }

  test('recorded step names of Shop.checkout and of a free function; bounded by runs', async () => {
    const url = fixtureUrl('v5');
    const pool = openPool(url);
    try {
      for (const [name, cls] of [
        ['checkout', 'Shop'],
        ['publishPromotion', ''],
      ]) {
        const expected = (
          await rows<{ f: string }>(
            url,
            `SELECT DISTINCT o.function_name AS f FROM dbos.operation_outputs o
          JOIN dbos.workflow_status s USING (workflow_uuid) WHERE s.name = $1 AND coalesce(s.class_name, '') = $2`,
            [name, cls],
          )
        )
          .map((r) => r.f)
          .sort();
        const got = await recordedStepNames(pool, V5, name, cls);
        assert.deepEqual(got.names, expected, `${cls}.${name}`);
        assert.ok(got.runsRead >= 1);
      }
      const checkout = await recordedStepNames(pool, V5, 'checkout', 'Shop');
      assert.ok(
        checkout.names.includes('reserve') && checkout.names.includes('charge') && checkout.names.includes('DBOS.recv'),
        checkout.names.join(),
      );
      const one = await recordedStepNames(pool, V5, 'checkout', 'Shop', { runs: 1 });
      assert.equal(one.runsRead, 1);
      assert.deepEqual(await recordedStepNames(pool, V5, 'noSuchWorkflow', ''), { names: [], runsRead: 0 });
      await assert.rejects(
        recordedStepNames(pool, V5, 'checkout', 'Shop', { runs: 0 }),
        (e: HistoryError) => e.code === ErrorCode.InvalidFilter,
      );
    } finally {
      await pool.end();
    }
  });
});

test('a count past its statement timeout is StatsTimeout (306) with an actionable message', async () => {
  const db = await scratchDatabase();
  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  const pool = openPool(db.url);
  try {
    await locker.query(
      `CREATE SCHEMA dbos; CREATE TABLE dbos.workflow_status (workflow_uuid text PRIMARY KEY, name text, class_name text, status text)`,
    );
    // Held by another session, the lock makes the count wait past its timeout (with no lock timeout of its own).
    await locker.query('BEGIN; LOCK TABLE dbos.workflow_status IN ACCESS EXCLUSIVE MODE');
    await assert.rejects(
      workflowRunCounts(pool, V5, { statementTimeoutMs: 200, lockTimeoutMs: 0, target: 'db.example:5432/x' }),
      (e: HistoryError) => {
        assert.equal(e.code, ErrorCode.StatsTimeout);
        assert.match(
          e.message,
          /^Reading run counts per workflow in dbos\.workflow_status at db\.example:5432\/x took longer than 200 ms/,
        );
        return true;
      },
    );
    // By default the lock wait ends first, and is reported as one.
    await assert.rejects(
      workflowRunCounts(pool, V5, { statementTimeoutMs: 200, target: 'db.example:5432/x' }),
      (e: HistoryError) => {
        assert.equal(e.code, ErrorCode.LockTimeout);
        assert.match(
          e.message,
          /^Reading dbos\.workflow_status at db\.example:5432\/x waited more than 100 ms for a lock/,
        );
        return true;
      },
    );
    await locker.query('ROLLBACK');
    assert.deepEqual(await workflowRunCounts(pool, V5), { counts: [], truncated: false });
  } finally {
    await pool.end();
    await locker.end();
    await db.drop();
  }
});
