// Bad input for the connection, against the test Postgres through the shared reader: a wrong password is asked for
// again and nothing is stored until one works; a database that is not DBOS says so. Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminUrl, fixtureUrl, scratchDatabase } from '../../../test-support/testDatabase.js';
import { messageForExtension, openWorkflowHistory, type WorkflowHistory } from '../history/workflowHistory.js';
import { openWithPassword, type PasswordPrompting } from './openWithPassword.js';
import { splitPassword } from './resolveDatabaseUrl.js';

function prompting(answers: (string | undefined)[], stored?: string) {
  const calls = { asked: [] as boolean[], stored: [] as string[], forgotten: 0 };
  const deps: PasswordPrompting<WorkflowHistory> = {
    open: openWorkflowHistory,
    stored: async () => stored,
    store: async (p) => void calls.stored.push(p),
    forget: async () => void (calls.forgotten++, (stored = undefined)),
    ask: async (refused) => (calls.asked.push(refused), answers.shift()),
    stillWanted: () => true,
  };
  return { deps, calls };
}

test('a wrong password is asked for again, and only the one that works is stored', async () => {
  const { url, password } = splitPassword(fixtureUrl('v5'));
  assert.ok(password, 'the test server uses a password');
  const { deps, calls } = prompting(['wrong-1', password]);
  const outcome = await openWithPassword(url, undefined, true, deps);
  assert.equal(outcome.kind, 'opened');
  if (outcome.kind === 'opened') await outcome.handle.close();
  assert.deepEqual(calls.asked, [false, true]);
  assert.deepEqual(calls.stored, [password]);
});

test('a refused stored password is forgotten; cancelling stores nothing and fails with a clear message', async () => {
  const { url } = splitPassword(fixtureUrl('v5'));
  const { deps, calls } = prompting([undefined], 'stale');
  const outcome = await openWithPassword(url, undefined, true, deps);
  assert.equal(outcome.kind, 'failed');
  assert.equal(calls.forgotten, 1);
  assert.deepEqual(calls.stored, []);
  if (outcome.kind === 'failed')
    assert.match(
      messageForExtension(outcome.error),
      /rejected the password for user 'postgres'.*dbosReplay\.databaseUrl/,
    );
});

test('not interactive: no prompt, a failure', async () => {
  const { url } = splitPassword(fixtureUrl('v5'));
  const { deps, calls } = prompting(['never asked']);
  assert.equal((await openWithPassword(url, 'wrong', false, deps)).kind, 'failed');
  assert.deepEqual(calls.asked, []);
});

test('a database that is not a DBOS system database says so', async () => {
  const db = await scratchDatabase();
  try {
    const { url, password } = splitPassword(db.url);
    const outcome = await openWithPassword(url, password, true, prompting([]).deps);
    assert.equal(outcome.kind, 'failed');
    if (outcome.kind === 'failed') {
      const m = messageForExtension(outcome.error);
      assert.match(
        m,
        /is not a DBOS system database: no table dbos\.workflow_status\. Point the dbosReplay\.databaseUrl setting at/,
      );
      assert.doesNotMatch(m, /--db|--schema/);
    }
  } finally {
    await db.drop();
  }
  assert.ok(adminUrl());
});
