// The history providers' refresh: a background timer picks up new runs and asks the client to refresh its lenses;
// the connection keeps a password a settings push leaves out. Runs in the node:test process (npm test starts Postgres).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DBOS } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { scratchDatabase } from '../../test-support/testDatabase';
import { HistoryConnection } from '../src/history/historyConnection';
import { LspTestClient } from './lspTestClient';

const CLOCK = `import { DBOS } from '@dbos-inc/dbos-sdk';
export class Clock {
  @DBOS.workflow()
  static async tick(): Promise<void> {}
}
`;

describe('history refresh (in-process LSP, scratch database migrated by the SDK)', () => {
  it('a timer refresh picks up new runs and sends workspace/codeLens/refresh; nothing else is needed', async () => {
    const db = await scratchDatabase();
    await DBOS.migrate(db.url);
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    const insert = (id: string, status: string) =>
      writer.query(
        `INSERT INTO dbos.workflow_status (workflow_uuid, status, name, class_name, created_at, updated_at)
       VALUES ($1, $2, 'tick', 'Clock', 1, 1)`,
        [id, status],
      );
    const client = await LspTestClient.inProcess({ history: { refreshIntervalMs: 150 } });
    try {
      await insert('t-1', 'SUCCESS');
      await client.notify('workspace/didChangeConfiguration', { settings: { dbosReplay: { databaseUrl: db.url } } });
      const uri = 'file:///crafted/clock.ts';
      await client.open(uri, CLOCK);
      const title = async () => (await client.codeLens(uri))[0].command!.title;
      await client.waitFor(async () => (await title()) === 'Replay ▸ (1 recorded · 0 failed)');
      const refreshes = client.codeLensRefreshes;
      await insert('t-2', 'ERROR');
      await insert('t-3', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED');
      await insert('t-4', 'CANCELLED');
      await client.waitFor(() => client.codeLensRefreshes > refreshes);
      assert.equal(await title(), 'Replay ▸ (4 recorded · 2 failed)');
    } finally {
      await client.close();
      await writer.end();
      await db.drop();
    }
  });
});

describe('HistoryConnection.configure', () => {
  it('a URL without password for the same user and target keeps the password; anything else replaces the URL', () => {
    const logs: string[] = [];
    const c = new HistoryConnection({ info: (m) => logs.push(m), warn: (m) => logs.push(m) });
    assert.equal(c.configure('postgresql://app:s3cret@db.example:5432/shop_dbos_sys', undefined), true);
    assert.equal(
      c.configure('postgresql://app@db.example:5432/shop_dbos_sys', undefined),
      false,
      'same target, password kept',
    );
    assert.equal(c.configure('postgresql://app:s3cret@db.example:5432/shop_dbos_sys', 'dbos'), false);
    assert.equal(c.configure('postgresql://app@db.example:5432/other_dbos_sys', undefined), true);
    assert.equal(c.target, 'db.example:5432/other_dbos_sys');
    assert.equal(c.configure(undefined, undefined), true);
    assert.equal(c.configured, false);
    assert.ok(!logs.join('\n').includes('s3cret'), logs.join('\n'));
    c.dispose();
  });
});
