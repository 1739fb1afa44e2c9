// The database-backed providers over real LSP: the built server on stdio, pointed at the recorded fixture databases
// by initializationOptions / didChangeConfiguration. Runs in the node:test process (npm test starts Postgres).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { CodeLens } from 'vscode-languageserver';
import { describeDatabase } from '../../history/src/db/connection.js';
import { adminUrl, fixtureUrl } from '../../test-support/testDatabase';
import {
  CustomRequests,
  type RefreshHistoryResult,
  type WorkflowCommandArgs,
} from '../../protocol/languageServerProtocol';
import { LspTestClient, repoRoot } from './lspTestClient';

const FAILED = new Set(['ERROR', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED']);

/** Expected lens titles per `className/name`, computed in JS from every status row (not the server's GROUP BY). */
async function expectedTitles(url: string): Promise<Map<string, string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ name: string; class_name: string | null; status: string }>(
      'SELECT name, class_name, status FROM dbos.workflow_status',
    );
    const counts = new Map<string, { n: number; f: number }>();
    for (const r of rows) {
      const k = `${r.class_name ?? ''}/${r.name}`;
      const e = counts.get(k) ?? { n: 0, f: 0 };
      e.n++;
      if (FAILED.has(r.status)) e.f++;
      counts.set(k, e);
    }
    return new Map([...counts].map(([k, e]) => [k, `Replay ▸ (${e.n} recorded · ${e.f} failed)`]));
  } finally {
    await c.end();
  }
}

function workflowFiles(app: string): Array<{ uri: string; text: string; file: string }> {
  const dir = path.join(repoRoot, 'test-fixtures', app, 'src', 'workflows');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((file) => {
      const p = path.join(dir, file);
      return { file, uri: pathToFileURL(p).toString(), text: readFileSync(p, 'utf8') };
    });
}

const replayLenses = (lenses: CodeLens[]) => lenses.filter((l) => l.command!.command === 'dbosReplay.replayWorkflow');
const keyOf = (l: CodeLens) => {
  const a = l.command!.arguments![0] as WorkflowCommandArgs;
  return `${a.className}/${a.name}`;
};

/** Waits until every replay lens of `uri` shows counts, and returns them as `className/name → title`. */
async function countedTitles(client: LspTestClient, uris: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await client.waitFor(async () => {
    out.clear();
    for (const uri of uris) {
      for (const l of replayLenses(await client.codeLens(uri))) out.set(keyOf(l), l.command!.title);
    }
    return [...out.values()].every((t) => t.includes('recorded'));
  });
  return out;
}

describe('history-backed CodeLens counts (stdio, fixture databases)', () => {
  it('app-v5: every workflow lens shows the exact recorded/failed counts of its (name, class)', async () => {
    const url = fixtureUrl('v5');
    const expected = await expectedTitles(url);
    const client = await LspTestClient.stdio(undefined, { databaseUrl: url });
    try {
      const files = workflowFiles('app-v5');
      for (const f of files) await client.open(f.uri, f.text);
      const got = await countedTitles(
        client,
        files.map((f) => f.uri),
      );
      assert.ok(got.size >= 10, `lenses: ${[...got.keys()].join(', ')}`);
      for (const [k, title] of got) {
        assert.equal(title, expected.get(k) ?? 'Replay ▸ (0 recorded · 0 failed)', k);
      }
      // Spot checks against the manifest's cases: three checkouts, one pickup that exhausted its retries.
      assert.match(got.get('Shop/checkout')!, /^Replay ▸ \(\d+ recorded · 0 failed\)$/);
      assert.ok(Number(/\((\d+) recorded/.exec(got.get('Shop/checkout')!)![1]) >= 3);
      assert.match(got.get('Shipping/schedulePickup')!, / · [1-9]\d* failed\)$/);
      assert.ok(got.has('/publishPromotion'), 'free function (class_name NULL)');
      assert.ok(
        client.logs.some((m) => m.includes('[history] reading run counts from')),
        client.logs.join('\n'),
      );
    } finally {
      await client.close();
    }
  });

  it('app-v4 (schema without payload tables): counts too', async () => {
    const url = fixtureUrl('v4');
    const expected = await expectedTitles(url);
    const client = await LspTestClient.stdio(undefined, { databaseUrl: url });
    try {
      const files = workflowFiles('app-v4');
      for (const f of files) await client.open(f.uri, f.text);
      const got = await countedTitles(
        client,
        files.map((f) => f.uri),
      );
      assert.ok(got.has('Orders/placeOrder'));
      for (const [k, title] of got) assert.equal(title, expected.get(k) ?? 'Replay ▸ (0 recorded · 0 failed)', k);
    } finally {
      await client.close();
    }
  });

  it('refreshHistory answers when the counts are read', async () => {
    const url = fixtureUrl('v5');
    const client = await LspTestClient.stdio(undefined, { databaseUrl: url });
    try {
      const r = await client.request<RefreshHistoryResult>(CustomRequests.refreshHistory);
      assert.equal(r.connected, true, JSON.stringify(r));
      assert.equal(r.target, describeDatabase(url));
      assert.ok(r.workflows >= 10);
    } finally {
      await client.close();
    }
  });
});

describe('renamed-step detection against the recorded step names (stdio, fixture database)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lsp-renamed-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a step of Shop.checkout renamed in a copy of shop.ts is flagged with the recorded name', async () => {
    const original = readFileSync(
      path.join(repoRoot, 'test-fixtures', 'app-v5', 'src', 'workflows', 'shop.ts'),
      'utf8',
    );
    const renamed = original
      .replace('static async reserve(', 'static async reserveStock(')
      .replace('await Inventory.reserve(order)', 'await Inventory.reserveStock(order)');
    assert.notEqual(renamed, original);
    const file = path.join(dir, 'shop.ts');
    writeFileSync(file, renamed);
    const uri = pathToFileURL(file).toString();
    const client = await LspTestClient.stdio(pathToFileURL(dir).toString(), { databaseUrl: fixtureUrl('v5') });
    try {
      assert.deepEqual(await client.open(uri, renamed), [], 'no findings before the recorded names arrive');
      const diags = await client.waitForDiagnosticsMatching(uri, (d) =>
        d.some((x) => x.code === 'dbos-replay.renamedStep'),
      );
      const flagged = diags.filter((x) => x.code === 'dbos-replay.renamedStep');
      assert.equal(flagged.length, 1, JSON.stringify(flagged));
      assert.match(
        flagged[0].message,
        /^Step 'reserveStock' was probably renamed from 'reserve': recorded runs of workflow 'Shop.checkout' have 'reserve'/,
      );
      const line0 = renamed.split('\n').findIndex((l) => l.includes('await Inventory.reserveStock(order)'));
      assert.equal(flagged[0].range.start.line, line0);
      // The unchanged file has nothing to flag against the same recordings.
      const diagsOriginal = await client.change(uri, original);
      assert.deepEqual(
        diagsOriginal.filter((x) => x.code === 'dbos-replay.renamedStep'),
        [],
      );
    } finally {
      await client.close();
    }
  });
});

describe('history problems never break the editor (stdio)', () => {
  const shop = () => workflowFiles('app-v5').find((f) => f.file === 'shop.ts')!;

  it('unreachable database: lenses without counts, one clear log line, no password; a new URL brings counts', async () => {
    const password = 'pw-Secr3t-do-not-log';
    const client = await LspTestClient.stdio(undefined, {
      databaseUrl: `postgresql://someone:${password}@127.0.0.1:1/nowhere_dbos_sys`,
    });
    try {
      const { uri, text } = shop();
      await client.open(uri, text);
      const r1 = await client.request<RefreshHistoryResult>(CustomRequests.refreshHistory);
      assert.equal(r1.connected, false);
      assert.match(
        r1.error!,
        /Cannot reach the Postgres server at 127\.0\.0\.1:1\/nowhere_dbos_sys \(connection refused\)/,
      );
      await client.request<RefreshHistoryResult>(CustomRequests.refreshHistory);
      assert.deepEqual(
        replayLenses(await client.codeLens(uri)).map((l) => l.command!.title),
        ['Replay ▸'],
      );
      const warnings = client.logs.filter((m) => m.includes('Cannot reach'));
      assert.equal(warnings.length, 1, client.logs.join('\n'));
      assert.match(warnings[0], /CodeLens shows no run counts until this is fixed/);

      // The extension sends the resolved URL when its connection changes.
      await client.notify('workspace/didChangeConfiguration', {
        settings: { dbosReplay: { databaseUrl: fixtureUrl('v5') } },
      });
      const got = await countedTitles(client, [uri]);
      assert.match(got.get('Shop/checkout')!, /recorded/);
      // null disconnects: the counts go away.
      await client.notify('workspace/didChangeConfiguration', { settings: { dbosReplay: { databaseUrl: null } } });
      await client.waitFor(async () =>
        replayLenses(await client.codeLens(uri)).every((l) => l.command!.title === 'Replay ▸'),
      );
      for (const secret of [password, new URL(fixtureUrl('v5')).password].filter(Boolean)) {
        assert.ok(!client.transcript.join('\n').includes(secret), 'a password was logged');
      }
    } finally {
      await client.close();
    }
  });

  it('a database that is not a DBOS system database: one clear log line, lenses without counts', async () => {
    const client = await LspTestClient.stdio(undefined, { databaseUrl: adminUrl() });
    try {
      const { uri, text } = shop();
      await client.open(uri, text);
      const r = await client.request<RefreshHistoryResult>(CustomRequests.refreshHistory);
      assert.equal(r.connected, false);
      assert.match(r.error!, /is not a DBOS system database: no table dbos\.workflow_status/);
      assert.equal(
        client.logs.filter((m) => m.includes('not a DBOS system database')).length,
        1,
        client.logs.join('\n'),
      );
      assert.deepEqual(
        replayLenses(await client.codeLens(uri)).map((l) => l.command!.title),
        ['Replay ▸'],
      );
    } finally {
      await client.close();
    }
  });

  it('an invalid URL is reported, not thrown', async () => {
    const client = await LspTestClient.stdio(undefined, { databaseUrl: 'mysql://x@y/z' });
    try {
      const r = await client.request<RefreshHistoryResult>(CustomRequests.refreshHistory);
      assert.equal(r.connected, false);
      assert.match(r.error!, /scheme 'mysql', not postgresql/);
      const { uri, text } = shop();
      await client.open(uri, text);
      assert.equal(replayLenses(await client.codeLens(uri)).length, 1);
    } finally {
      await client.close();
    }
  });
});
