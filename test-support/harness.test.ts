// Checks that the test harness gives a live Postgres: every other suite relies on it.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { adminUrl, scratchDatabase } from './testDatabase.js';

test('the harness Postgres answers and scratch databases are isolated', async () => {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  await c.end();
  assert.match(rows[0].v, /^\d+\.\d+/);
  const a = await scratchDatabase();
  const b = await scratchDatabase();
  assert.notEqual(a.name, b.name);
  await a.drop();
  await b.drop();
});
