// Renamed-step detection over real LSP (in-process server, in-memory RecordedStepNamesProvider), incl. its quick fix.
// Runs in the node:test process; also covers the pure comparison in renamedSteps.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { detectRenamedSteps, type ResolvedStepCall } from '../src/analysis/renamedSteps';
import type { WorkflowDefinition } from '../src/analysis/dbosModel';
import { InMemoryHistory } from '../src/providers';
import { LspTestClient, type Diag } from './lspTestClient';

const ORDERS = `import { DBOS } from '@dbos-inc/dbos-sdk';
export class Orders {
  @DBOS.step()
  static async chargeCard(): Promise<void> {}

  @DBOS.step({ name: 'ship' })
  static async shipIt(): Promise<void> {}

  @DBOS.workflow()
  static async child(): Promise<void> {}

  @DBOS.workflow()
  static async placeOrder(): Promise<void> {
    await Orders.chargeCard();
    await Orders.shipIt();
    await DBOS.runStep(async () => 1, { name: 'audit' });
    await Orders.child();
    await DBOS.sleep(1);
  }
}
`;

const renamed = (d: Diag[]) => d.filter((x) => x.code === 'dbos-replay.renamedStep');

describe('renamed-step detection (in-process LSP, in-memory recorded names)', () => {
  let client: LspTestClient;
  const history = new InMemoryHistory();
  before(async () => {
    client = await LspTestClient.inProcess({ recordedStepNames: history });
  });
  after(async () => {
    await client?.close();
  });

  it('nothing is flagged without recordings', async () => {
    assert.deepEqual(await client.open('file:///crafted/none.ts', ORDERS), []);
  });

  it('flags a decorated step renamed since recording, and the fix restores the recorded name', async () => {
    // Recorded runs: chargePayment (the old name), ship, audit, the child start and the SDK's own rows.
    history.setRecordedStepNames('placeOrder', 'Orders', [
      'chargePayment',
      'ship',
      'audit',
      'child',
      'DBOS.getResult',
      'DBOS.sleep',
    ]);
    const uri = 'file:///crafted/orders.ts';
    const diags = renamed(await client.open(uri, ORDERS));
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.equal(diags[0].range.start.line, 13);
    assert.match(
      diags[0].message,
      /^Step 'chargeCard' was probably renamed from 'chargePayment': recorded runs of workflow 'Orders.placeOrder'/,
    );
    assert.match(diags[0].message, /would diverge/);
    const actions = await client.codeActions(uri, diags[0].range, diags);
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Keep recording the step as 'chargePayment'"],
    );
    assert.equal(
      client.applyEdit(uri, actions[0].edit),
      ORDERS.replace(
        '@DBOS.step()\n  static async chargeCard',
        "@DBOS.step({ name: 'chargePayment' })\n  static async chargeCard",
      ),
    );
  });

  it('a renamed runStep name literal is replaced by the fix', async () => {
    history.setRecordedStepNames('placeOrder', 'Orders', ['chargeCard', 'ship', 'auditOrder']);
    const uri = 'file:///crafted/orders2.ts';
    const diags = renamed(await client.open(uri, ORDERS));
    assert.equal(diags.length, 1);
    assert.equal(diags[0].range.start.line, 15);
    const actions = await client.codeActions(uri, diags[0].range, diags);
    assert.equal(client.applyEdit(uri, actions[0].edit), ORDERS.replace("{ name: 'audit' }", "{ name: 'auditOrder' }"));
  });

  it('several unmatched names: each flagged, no guessed rename', async () => {
    history.setRecordedStepNames('placeOrder', 'Orders', ['chargePayment', 'dispatch', 'audit']);
    const uri = 'file:///crafted/orders3.ts';
    const diags = renamed(await client.open(uri, ORDERS));
    assert.deepEqual(
      diags.map((d) => d.range.start.line),
      [13, 14],
    );
    assert.match(
      diags[0].message,
      /Step name 'chargeCard' appears in no recorded run of workflow 'Orders.placeOrder' \(recorded names missing from the code: 'chargePayment', 'dispatch'\)/,
    );
    assert.deepEqual(await client.codeActions(uri, diags[0].range, diags), []);
  });

  it('republishes diagnostics when the recorded names change', async () => {
    const uri = 'file:///crafted/orders4.ts';
    history.setRecordedStepNames('placeOrder', 'Orders', ['chargeCard', 'ship', 'audit']);
    assert.deepEqual(renamed(await client.open(uri, ORDERS)), []);
    history.setRecordedStepNames('placeOrder', 'Orders', ['chargeCard', 'ship', 'audit2']);
    const diags = await client.waitForDiagnosticsMatching(uri, (d) => renamed(d).length === 1);
    assert.equal(renamed(diags)[0].range.start.line, 15);
  });
});

describe('renamed-step detection across files (workspace scan)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lsp-renamed-'));
    writeFileSync(
      path.join(dir, 'steps.ts'),
      `import { DBOS } from '@dbos-inc/dbos-sdk';
export class Payments {
  @DBOS.step({ name: 'chargeV2' })
  static async charge(): Promise<void> {}
}
`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves a step declared in another, unopened file', async () => {
    const history = new InMemoryHistory();
    history.setRecordedStepNames('checkout', '', ['charge']);
    const client = await LspTestClient.inProcess({ recordedStepNames: history }, pathToFileURL(dir).toString());
    try {
      const uri = pathToFileURL(path.join(dir, 'checkout.ts')).toString();
      const text = `import { DBOS } from '@dbos-inc/dbos-sdk';
import { Payments } from './steps';
export const checkout = DBOS.registerWorkflow(async function checkout() {
  await Payments.charge();
});
`;
      await client.open(uri, text);
      const diags = await client.waitForDiagnosticsMatching(uri, (d) => renamed(d).length === 1);
      assert.match(renamed(diags)[0].message, /'chargeV2' was probably renamed from 'charge'/);
      const actions = await client.codeActions(uri, diags[0].range, diags);
      const stepsUri = pathToFileURL(path.join(dir, 'steps.ts')).toString();
      assert.deepEqual(
        Object.keys(actions[0].edit!.changes!),
        [stepsUri],
        'the fix edits the step where it is declared',
      );
      assert.deepEqual(
        actions[0].edit!.changes![stepsUri].map((e) => e.newText),
        ["'charge'"],
      );
    } finally {
      await client.close();
    }
  });
});

describe('detectRenamedSteps (pure)', () => {
  const wf: WorkflowDefinition = {
    name: 'w',
    className: '',
    configurable: false,
    form: 'registerWorkflow',
    nameIsStatic: true,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    bodyRange: undefined,
  };
  const call = (name: string, line: number): ResolvedStepCall => ({
    workflow: wf,
    name,
    nameEdit: undefined,
    range: { start: { line, character: 0 }, end: { line, character: 1 } },
  });
  const provider = (names: string[] | undefined) => ({
    getRecordedStepNames: () => (names ? new Set(names) : undefined),
  });

  it('ignores SDK operation names and child workflow names when guessing the old name', () => {
    const f = detectRenamedSteps(
      [call('b2', 1)],
      provider(['a', 'b', 'DBOS.sleep', 'getStatus', 'kid']),
      new Set(['kid']),
    );
    assert.equal(f.length, 1);
    assert.equal(f[0].renamedFrom, undefined, "two candidates ('a', 'b') remain: no guess");
    const g = detectRenamedSteps(
      [call('a', 1), call('b2', 2)],
      provider(['a', 'b', 'DBOS.sleep', 'kid']),
      new Set(['kid']),
    );
    assert.deepEqual(
      g.map((x) => [x.codeName, x.renamedFrom]),
      [['b2', 'b']],
    );
  });

  it('unknown or empty recordings flag nothing', () => {
    assert.deepEqual(detectRenamedSteps([call('x', 1)], provider(undefined), new Set()), []);
    assert.deepEqual(detectRenamedSteps([call('x', 1)], provider([]), new Set()), []);
  });
});
