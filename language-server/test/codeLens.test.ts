// CodeLens over real LSP: positions and resolved (name, className) on the fixture apps and crafted registrations,
// and run counts from an in-memory RunCountsProvider (in-process server). Runs in the node:test process.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeLens } from 'vscode-languageserver';
import type { WorkflowCommandArgs } from '../src/codeLenses';
import { InMemoryHistory } from '../src/providers';
import { LspTestClient, repoRoot } from './lspTestClient';

function fixtureUri(app: string, file: string): { uri: string; text: string } {
  const p = path.join(repoRoot, 'test-fixtures', app, 'src', 'workflows', file);
  return { uri: pathToFileURL(p).toString(), text: readFileSync(p, 'utf8') };
}

/** `line1 Replay|Show runs name/className` per lens, for compact assertions. */
function describeLenses(lenses: CodeLens[]): string[] {
  return lenses.map((l) => {
    const a = l.command!.arguments![0] as WorkflowCommandArgs;
    return `${l.range.start.line + 1} ${l.command!.command} ${a.className}/${a.name}`;
  });
}

describe('language server CodeLens (stdio)', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.stdio();
  });
  after(async () => {
    await client?.close();
  });

  it('app-v4: decorated static, ConfiguredInstance and registerWorkflow workflows, at their declarations', async () => {
    const got: string[] = [];
    for (const file of ['orders.ts', 'fraudCheck.ts', 'receipts.ts', 'appDb.ts', 'counter.ts']) {
      const { uri, text } = fixtureUri('app-v4', file);
      assert.deepEqual(await client.open(uri, text), [], `${file} is deterministic`);
      const lenses = await client.codeLens(uri);
      for (const l of lenses) assert.equal((l.command!.arguments![0] as WorkflowCommandArgs).uri, uri);
      got.push(...describeLenses(lenses).map((s) => `${file}:${s}`));
    }
    assert.deepEqual(got, [
      'orders.ts:102 dbosReplay.replayWorkflow Orders/shipOrder',
      'orders.ts:102 dbosReplay.showRuns Orders/shipOrder',
      'orders.ts:112 dbosReplay.replayWorkflow Orders/placeOrder',
      'orders.ts:112 dbosReplay.showRuns Orders/placeOrder',
      'fraudCheck.ts:26 dbosReplay.replayWorkflow FraudCheck/review',
      'fraudCheck.ts:26 dbosReplay.showRuns FraudCheck/review',
      'receipts.ts:30 dbosReplay.replayWorkflow /sendReceipt',
      'receipts.ts:30 dbosReplay.showRuns /sendReceipt',
    ]);
    const lenses = await client.codeLens(fixtureUri('app-v4', 'orders.ts').uri);
    assert.deepEqual(
      lenses.map((l) => l.command!.title),
      ['Replay ▸', 'Show runs', 'Replay ▸', 'Show runs'],
    );
  });

  it('app-v5: every workflow (name, className) in fixtures.json has a lens', async () => {
    const dir = path.join(repoRoot, 'test-fixtures', 'app-v5', 'src', 'workflows');
    const manifest = JSON.parse(
      readFileSync(path.join(repoRoot, 'test-fixtures', 'app-v5', 'fixtures.json'), 'utf8'),
    ) as {
      workflows: Array<{ name: string; className: string | null }>;
    };
    const found = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const { uri, text } = fixtureUri('app-v5', file);
      await client.open(uri, text);
      for (const l of await client.codeLens(uri)) {
        const a = l.command!.arguments![0] as WorkflowCommandArgs;
        found.add(`${a.className}/${a.name}`);
      }
    }
    const expected = new Set(manifest.workflows.map((w) => `${w.className ?? ''}/${w.name}`));
    for (const e of expected) assert.ok(found.has(e), `lens for ${e}; found ${[...found].join(', ')}`);
    // Spot checks: a free registerWorkflow (class_name NULL), a ConfiguredInstance, a child workflow.
    for (const e of ['/publishPromotion', 'Warehouse/restock', 'Pipeline/transformChunk', 'Shop/checkout'])
      assert.ok(found.has(e), e);
  });

  it('resolves names and classes the SDK records for every registration form', async () => {
    const text = `import { DBOS, ConfiguredInstance } from '@dbos-inc/dbos-sdk';
@DBOS.className('Renamed')
class Original {
  @DBOS.workflow({ name: 'aliasWF' })
  static async wf1() {}
}
class Inst extends ConfiguredInstance {
  @DBOS.workflow()
  async instWF() {}
}
async function declared() {}
const arrow = async () => {};
const WF_NAME = 'fromConst';
export const a = DBOS.registerWorkflow(declared);
export const b = DBOS.registerWorkflow(arrow, { className: 'Cls' });
export const c = DBOS.registerWorkflow(async function named() {});
export const d = DBOS.registerWorkflow(async () => {}, { name: WF_NAME });
export const e = DBOS.registerWorkflow(async () => {});
export const f = DBOS.registerWorkflow(declared, { name: 'g', ctorOrProto: Original });
`;
    const uri = 'file:///crafted/forms.ts';
    await client.open(uri, text);
    const replay = (await client.codeLens(uri)).filter((l) => l.command!.command === 'dbosReplay.replayWorkflow');
    assert.deepEqual(
      describeLenses(replay).map((s) => s.replace(' dbosReplay.replayWorkflow', '')),
      [
        '4 Renamed/aliasWF',
        '8 Inst/instWF',
        '14 /declared',
        '15 Cls/arrow',
        '16 /named',
        '17 /fromConst',
        '18 /',
        '19 Renamed/g',
      ],
    );
  });
});

describe('language server CodeLens counts (in-process, in-memory RunCountsProvider)', () => {
  it('shows recorded/failed counts and asks the client to refresh when they change', async () => {
    const history = new InMemoryHistory();
    history.setCounts('placeOrder', 'Orders', { recorded: 3, failed: 1 });
    const client = await LspTestClient.inProcess({ runCounts: history, recordedStepNames: history });
    try {
      const { uri, text } = fixtureUri('app-v4', 'orders.ts');
      await client.open(uri, text);
      const titles = async () =>
        (await client.codeLens(uri))
          .filter((l) => l.command!.command === 'dbosReplay.replayWorkflow')
          .map((l) => `${(l.command!.arguments![0] as WorkflowCommandArgs).name}: ${l.command!.title}`);
      assert.deepEqual(await titles(), ['shipOrder: Replay ▸', 'placeOrder: Replay ▸ (3 recorded · 1 failed)']);
      history.setCounts('shipOrder', 'Orders', { recorded: 2, failed: 0 });
      assert.deepEqual(await titles(), [
        'shipOrder: Replay ▸ (2 recorded · 0 failed)',
        'placeOrder: Replay ▸ (3 recorded · 1 failed)',
      ]);
      assert.ok(client.transcript.includes('codeLens/refresh'), client.transcript.join('\n'));
    } finally {
      await client.close();
    }
  });
});
