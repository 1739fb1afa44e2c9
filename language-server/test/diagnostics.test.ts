// Determinism diagnostics over real LSP (stdio child process): every kind, and no false positives.
// Runs in the node:test process against dist/language-server.js.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALL_KINDS, NO_FALSE_POSITIVES, expectedMarkers } from './crafted';
import { LspTestClient } from './lspTestClient';

describe('language server diagnostics (stdio)', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.stdio();
  });
  after(async () => {
    await client?.close();
  });

  it('flags each non-deterministic call in workflow bodies, once, on its line', async () => {
    const diags = await client.open('file:///crafted/allKinds.ts', ALL_KINDS);
    const got = diags.map((d) => `${d.range.start.line}:${String(d.code).replace('dbos-replay.', '')}`).sort();
    const want = expectedMarkers(ALL_KINDS)
      .map((m) => `${m.line0}:${m.kind}`)
      .sort();
    assert.deepEqual(got, want);
    for (const d of diags) {
      assert.equal(d.severity, 2, 'warning');
      assert.equal(d.source, 'dbos-replay');
      assert.match(d.message, /Replay and recovery re-run the workflow function/);
    }
  });

  it('says what and why, naming the workflow', async () => {
    const diags = await client.open('file:///crafted/allKinds2.ts', ALL_KINDS);
    const dateNow = diags.find((d) => d.code === 'dbos-replay.dateNow' && d.message.includes("'Jobs.everything'"));
    assert.ok(dateNow, 'Date.now() in Jobs.everything');
    assert.equal(
      dateNow.message,
      "Date.now() in workflow 'Jobs.everything' reads the clock. Replay and recovery re-run the workflow function, so the time " +
        'differs from the recorded run. Use `await DBOS.now()`, which is recorded, or move it into a step.',
    );
    const free = diags.find((d) => d.code === 'dbos-replay.dateNow' && d.message.includes("'freeWF'"));
    assert.ok(free, 'registerWorkflow(fn, { name }) is checked under its registered name');
    const sleep = diags.find((d) => d.code === 'dbos-replay.timer' && d.message.startsWith('new Promise'));
    assert.match(sleep!.message, /DBOS\.sleep/);
  });

  it('reports nothing inside steps, runStep callbacks, transactions, plain functions, or for shadowed names', async () => {
    const diags = await client.open('file:///crafted/clean.ts', NO_FALSE_POSITIVES);
    assert.deepEqual(
      diags.map((d) => `${d.range.start.line}: ${d.message}`),
      [],
    );
  });

  it('re-analyses on change: a fix clears the diagnostic', async () => {
    const uri = 'file:///crafted/change.ts';
    const before =
      "import { DBOS } from '@dbos-inc/dbos-sdk';\nexport const w = DBOS.registerWorkflow(async function wf() {\n  return Date.now();\n});\n";
    assert.equal((await client.open(uri, before)).length, 1);
    const fixed = before.replace('Date.now()', 'await DBOS.now()');
    assert.deepEqual(await client.change(uri, fixed), []);
    assert.equal((await client.change(uri, before)).length, 1);
  });
});
