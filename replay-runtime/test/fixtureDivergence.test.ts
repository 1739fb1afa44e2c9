// The divergence proof on fixture code: copies of the v5 fixture's TypeScript sources with the checkout changed
// (a step renamed, a step inserted, a step removed), run through tsx against the recording of `checkout-ok`; each
// diverges at the right function_id, with the recorded and called names and the line in the copied shop.ts.
// Runs in the test process; each replay is a node process of the copied app with the runtime preloaded.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Trace } from '../../protocol/traceModel.js';
import { fixtureUrl } from '../../test-support/testDatabase.js';
import { runReplay } from '../../launcher/src/runReplay.js';
import { traceFromDatabase } from './recording.js';

const root = path.resolve(__dirname, '..', '..');
const appDir = path.join(root, 'test-fixtures', 'app-v5');
const recorded = !!process.env.DBOS_REPLAY_FX_V5_SYS_URL && existsSync(path.join(appDir, 'node_modules'));

let trace: Trace;
let tmp: string;

before(async () => {
  if (!recorded) return;
  trace = await traceFromDatabase(fixtureUrl('v5', 'sys'), 'checkout-ok');
  // Inside the app folder (a dot folder the fixture hash ignores) so the copy resolves the app's node_modules.
  tmp = mkdtempSync(path.join(appDir, '.variant-'));
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the app's src/ with shop.ts edited; returns the copied shop.ts. */
function variant(name: string, edits: [string, string][]): string {
  const dir = path.join(tmp, name);
  cpSync(path.join(appDir, 'src'), path.join(dir, 'src'), { recursive: true });
  cpSync(path.join(appDir, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  const shop = path.join(dir, 'src', 'workflows', 'shop.ts');
  let text = readFileSync(shop, 'utf8');
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), `shop.ts has no ${from}`);
    text = text.replace(from, to);
  }
  writeFileSync(shop, text);
  return shop;
}

function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `no line with ${text}`);
  return i + 1;
}

async function replayVariant(shop: string) {
  const dir = path.dirname(path.dirname(path.dirname(shop)));
  const r = await runReplay({ trace, program: 'src/main.ts', cwd: dir, timeoutMs: 60_000 });
  assert.equal(r.verdict.verdict, 'diverged', JSON.stringify(r.verdict) + r.stderr);
  assert.equal(r.exitCode, 3);
  return r.verdict.divergence!;
}

test(
  'unchanged copy through tsx: match (the baseline of the three variants)',
  { skip: !recorded && 'v5 fixtures not recorded' },
  async () => {
    const shop = variant('same', []);
    const r = await runReplay({
      trace,
      program: 'src/main.ts',
      cwd: path.dirname(path.dirname(path.dirname(shop))),
      timeoutMs: 60_000,
    });
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
    assert.deepEqual(r.verdict.operations, { consumed: 7, recorded: 7 });
  },
);

test(
  'renamed step (Payments.charge → chargeCard): diverges at function_id 1, charge recorded, chargeCard called',
  { skip: !recorded && 'v5 fixtures not recorded' },
  async () => {
    const shop = variant('renamed', [
      ['static async charge(order', 'static async chargeCard(order'],
      ['await Payments.charge(order)', 'await Payments.chargeCard(order)'],
    ]);
    const d = await replayVariant(shop);
    assert.deepEqual([d.functionId, d.kind, d.recorded, d.called], [1, 'renamed', 'charge', 'chargeCard']);
    assert.equal(d.location?.file, shop);
    assert.equal(d.location?.line1, lineOf(shop, 'await Payments.chargeCard(order)'));
  },
);

test(
  'inserted step (Inventory.audit after reserve): diverges at function_id 1, charge recorded, audit called',
  { skip: !recorded && 'v5 fixtures not recorded' },
  async () => {
    const shop = variant('inserted', [
      [
        'export class Inventory {',
        'export class Inventory {\n  @DBOS.step()\n  static async audit(order: Order): Promise<string> {\n    return order.orderId;\n  }\n',
      ],
      [
        'const reservation = await Inventory.reserve(order);',
        'const reservation = await Inventory.reserve(order);\n    await Inventory.audit(order);',
      ],
    ]);
    const d = await replayVariant(shop);
    assert.deepEqual([d.functionId, d.kind, d.recorded, d.called], [1, 'renamed', 'charge', 'audit']);
    assert.equal(d.location?.file, shop);
    assert.equal(d.location?.line1, lineOf(shop, 'await Inventory.audit(order);'));
  },
);

test(
  'removed step (no Fulfilment.ship): diverges at function_id 5, ship recorded, the next call DBOS.setEvent takes its ID',
  { skip: !recorded && 'v5 fixtures not recorded' },
  async () => {
    const shop = variant('removed', [
      [
        'const trackingNumber = await Fulfilment.ship(order, reservation);',
        'const trackingNumber = `TRK-${order.orderId}-${reservation.qty}`;',
      ],
    ]);
    const d = await replayVariant(shop);
    assert.deepEqual([d.functionId, d.kind, d.recorded, d.called], [5, 'renamed', 'ship', 'DBOS.setEvent']);
    assert.equal(d.location?.file, shop);
    assert.equal(d.location?.line1, lineOf(shop, "await DBOS.setEvent(STATUS_EVENT, 'fulfilled');"));
    assert.match(d.message, /step 5, function ship was recorded when DBOS\.setEvent was expected/);
  },
);
