// Quick fixes over real LSP (stdio child process): each fix's WorkspaceEdit applied gives the expected text.
// Runs in the node:test process against dist/language-server.js.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspTestClient';

const HEADER = "import { DBOS } from '@dbos-inc/dbos-sdk';\nimport { randomUUID } from 'node:crypto';\n";

/** A file whose one workflow body is `body` (indented two spaces). */
function workflowFile(body: string, header = HEADER): string {
  return `${header}export const wf = DBOS.registerWorkflow(async (url: string) => {\n${body}\n}, { name: 'wf' });\n`;
}

describe('language server quick fixes (stdio)', () => {
  let client: LspTestClient;
  let n = 0;
  before(async () => {
    client = await LspTestClient.stdio();
  });
  after(async () => {
    await client?.close();
  });

  /** Opens `body` as a workflow, applies the action whose title starts with `title` on the one diagnostic. */
  async function fix(body: string, title: string, header?: string): Promise<{ text: string; titles: string[] }> {
    const uri = `file:///crafted/fix${n++}.ts`;
    const diags = await client.open(uri, workflowFile(body, header));
    assert.equal(diags.length, 1, `one diagnostic, got ${JSON.stringify(diags.map((d) => d.message))}`);
    const actions = await client.codeActions(uri, diags[0].range, diags);
    const titles = actions.map((a) => a.title);
    const action = actions.find((a) => a.title.startsWith(title));
    if (!action) return { text: '', titles };
    assert.equal(action.kind, 'quickfix');
    assert.deepEqual(
      action.diagnostics?.map((d) => d.code),
      [diags[0].code],
    );
    return { text: client.applyEdit(uri, action.edit), titles };
  }

  async function assertFix(body: string, title: string, expectedBody: string, header?: string): Promise<void> {
    const { text, titles } = await fix(body, title, header);
    assert.equal(text, workflowFile(expectedBody, header), `fix '${title}' among ${JSON.stringify(titles)}`);
  }

  it('Date.now() → await DBOS.now()', async () => {
    await assertFix('  const t = Date.now();', 'Replace with `await DBOS.now()`', '  const t = await DBOS.now();');
  });

  it('Date.now() used as an object is parenthesised', async () => {
    await assertFix(
      '  return Date.now().toString();',
      'Replace with `await DBOS.now()`',
      '  return (await DBOS.now()).toString();',
    );
  });

  it('new Date() → new Date(await DBOS.now())', async () => {
    await assertFix(
      '  const d = new Date();',
      'Replace with `new Date(await DBOS.now())`',
      '  const d = new Date(await DBOS.now());',
    );
  });

  it('randomUUID() from node:crypto and crypto.randomUUID() → await DBOS.randomUUID()', async () => {
    await assertFix(
      '  const id = randomUUID();',
      'Replace with `await DBOS.randomUUID()`',
      '  const id = await DBOS.randomUUID();',
    );
    await assertFix(
      '  const id = crypto.randomUUID();',
      'Replace with `await DBOS.randomUUID()`',
      '  const id = await DBOS.randomUUID();',
    );
  });

  it('wraps any flagged expression in DBOS.runStep with a suggested name', async () => {
    await assertFix(
      '  const key = process.env.API_KEY;',
      'Wrap in `DBOS.runStep',
      "  const key = await DBOS.runStep(() => process.env.API_KEY, { name: 'readEnv_API_KEY' });",
    );
    await assertFix(
      '  const r = Math.random() * 10;',
      'Wrap in `DBOS.runStep',
      "  const r = await DBOS.runStep(() => Math.random(), { name: 'random' }) * 10;",
    );
  });

  it('wrapping an awaited call replaces the await, and an await inside makes the callback async', async () => {
    await assertFix(
      '  const res = await fetch(url);',
      'Wrap in `DBOS.runStep',
      "  const res = await DBOS.runStep(() => fetch(url), { name: 'fetch' });",
    );
    await assertFix(
      '  const res = await fetch(await Promise.resolve(url));',
      'Wrap in `DBOS.runStep',
      "  const res = await DBOS.runStep(async () => fetch(await Promise.resolve(url)), { name: 'fetch' });",
    );
  });

  it('await new Promise(r => setTimeout(r, ms)) → await DBOS.sleep(ms)', async () => {
    await assertFix(
      '  await new Promise((resolve) => setTimeout(resolve, 5 * 1000));',
      'Replace with `DBOS.sleep',
      '  await DBOS.sleep(5 * 1000);',
    );
  });

  it('uses the local alias of DBOS', async () => {
    const header = "import { DBOS as D } from '@dbos-inc/dbos-sdk';\n";
    const text = workflowFile('  const t = Date.now();', header).replace('DBOS.registerWorkflow', 'D.registerWorkflow');
    const uri = `file:///crafted/alias.ts`;
    const diags = await client.open(uri, text);
    const actions = await client.codeActions(uri, diags[0].range, diags);
    const preferred = actions.find((a) => a.isPreferred)!;
    assert.equal(preferred.title, 'Replace with `await D.now()`');
    assert.equal(client.applyEdit(uri, preferred.edit), text.replace('Date.now()', 'await D.now()'));
  });

  it('offers no await fix where the enclosing function is not async', async () => {
    const { titles } = await fix('  return [1, 2].map(() => Date.now());', 'Replace');
    assert.deepEqual(titles, []);
  });

  it('timers get no runStep wrap (a step would not make the wait durable)', async () => {
    const { titles } = await fix('  setTimeout(() => {}, 10);', 'Wrap');
    assert.deepEqual(titles, []);
  });
});
