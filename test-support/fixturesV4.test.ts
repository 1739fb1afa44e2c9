// Checks the SDK 4.26 fixture recording (test-fixtures/app-v4): manifest, payload columns, step order, app DB rows.
// Runs in the test process (node --test via npm test), against the recording the harness made.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import SuperJSON from 'superjson';
import { loadFixtureManifest } from './fixtureManifest.js';
import { fixtureUrl } from './testDatabase.js';

const manifest = loadFixtureManifest('v4');

/** A superjson with the SDK's Buffer recipe (4.26 registers it on the global instance at import). */
const superjson = new SuperJSON();
superjson.registerCustom<Buffer, number[]>(
  {
    isApplicable: (v): v is Buffer => Buffer.isBuffer(v),
    serialize: (v) => Array.from(v),
    deserialize: (v) => Buffer.from(v),
  },
  'Buffer',
);

/** 4.26 native payloads: superjson plus the DBOS marker. */
function parseNative(text: string | null): unknown {
  assert.ok(text !== null, 'expected a payload');
  const o = JSON.parse(text) as { json: never; meta?: never; __dbos_serializer?: string };
  assert.equal(o.__dbos_serializer, 'superjson', `no superjson marker in ${text.slice(0, 80)}`);
  return superjson.deserialize({ json: o.json, meta: o.meta });
}

describe('v4 fixture recording (SDK 4.26 + knex-datasource)', () => {
  let sys: pg.Client;
  let app: pg.Client;

  before(async () => {
    sys = new pg.Client({ connectionString: fixtureUrl('v4', 'sys') });
    app = new pg.Client({ connectionString: fixtureUrl('v4', 'app') });
    await sys.connect();
    await app.connect();
  });
  after(async () => {
    await sys?.end();
    await app?.end();
  });

  test('the manifest names every recorded workflow with its status, name, class, config and parent', async () => {
    assert.equal(manifest.app, 'v4');
    assert.match(manifest.sdk, /^4\.26\./);
    const { rows } = await sys.query<{
      workflow_uuid: string;
      status: string;
      name: string;
      class_name: string | null;
      config_name: string | null;
      parent_workflow_id: string | null;
    }>(
      'SELECT workflow_uuid, status, name, class_name, config_name, parent_workflow_id FROM dbos.workflow_status ORDER BY workflow_uuid',
    );
    assert.deepEqual(
      rows.map((r) => r.workflow_uuid),
      manifest.workflows.map((w) => w.id).sort(),
    );
    for (const w of manifest.workflows) {
      assert.ok(w.id.startsWith('v4-'), w.id);
      assert.ok(w.covers.length > 0 && w.note, `${w.id} needs covers and a note`);
      const r = rows.find((x) => x.workflow_uuid === w.id)!;
      assert.deepEqual(
        {
          status: r.status,
          name: r.name,
          className: r.class_name,
          configName: r.config_name,
          parent: r.parent_workflow_id ?? undefined,
        },
        { status: w.status, name: w.name, className: w.className, configName: w.configName, parent: w.parent },
        w.id,
      );
    }
  });

  test('4.26 schema: migration 107, payloads on workflow_status, no workflow_input/workflow_output tables', async () => {
    const v = await sys.query<{ version: string }>('SELECT version FROM dbos.dbos_migrations');
    assert.deepEqual(
      v.rows.map((r) => Number(r.version)),
      [107],
    );
    const t = await sys.query<{ input: string | null; output: string | null }>(
      "SELECT to_regclass('dbos.workflow_input')::text AS input, to_regclass('dbos.workflow_output')::text AS output",
    );
    assert.deepEqual(t.rows[0], { input: null, output: null });
    const { rows } = await sys.query<{
      workflow_uuid: string;
      status: string;
      serialization: string;
      inputs: string;
      output: string | null;
      error: string | null;
    }>('SELECT workflow_uuid, status, serialization, inputs, output, error FROM dbos.workflow_status');
    for (const r of rows) {
      assert.equal(r.serialization, 'js_superjson', r.workflow_uuid);
      assert.ok(Array.isArray(parseNative(r.inputs)), `${r.workflow_uuid} inputs are an argument array`);
      if (r.status === 'SUCCESS') assert.equal(r.error, null, r.workflow_uuid);
      else assert.equal(r.output, null, r.workflow_uuid);
    }
    const ok = rows.find((r) => r.workflow_uuid === 'v4-order-ok')!;
    const [req] = parseNative(ok.inputs) as [{ orderId: string; requestedAt: Date }];
    assert.equal(req.orderId, 'v4-order-ok');
    assert.ok(req.requestedAt instanceof Date && req.requestedAt.toISOString() === '2025-06-01T12:00:00.000Z');
    const out = parseNative(ok.output) as {
      order: { created_at: Date };
      awkward: {
        when: Date;
        big: bigint;
        map: Map<unknown, unknown>;
        set: Set<unknown>;
        buf: Buffer;
        nothing: undefined;
      };
      stock: string;
      label: string;
    };
    assert.ok(out.order.created_at instanceof Date);
    assert.equal(out.awkward.when.toISOString(), '2024-01-02T03:04:05.678Z');
    assert.equal(out.awkward.big, 12345678901234567890n);
    assert.deepEqual(
      [...out.awkward.map],
      [
        ['k', 1],
        [2, 'two'],
      ],
    );
    assert.deepEqual([...out.awkward.set], [1, 'a']);
    assert.ok(Buffer.isBuffer(out.awkward.buf) && out.awkward.buf.equals(Buffer.from([1, 2, 255])));
    assert.ok('nothing' in out.awkward && out.awkward.nothing === undefined);
    assert.equal(out.label, 'LABEL-v4-order-ok');
    assert.match(out.stock, /^backordered: No stock left for sold-out$/);
    const fail = rows.find((r) => r.workflow_uuid === 'v4-order-fail')!;
    const err = parseNative(fail.error) as { name: string; message: string; amountCents: number; stack: string };
    assert.equal(err.name, 'OrderRejectedError');
    assert.equal(err.amountCents, 0);
    assert.match(err.stack, /^OrderRejectedError: Order v4-order-fail rejected/);
  });

  test('v4-order-ok operations are recorded in call order with the expected names and formats', async () => {
    const { rows } = await sys.query<{
      function_id: number;
      function_name: string;
      output: string | null;
      error: string | null;
      child_workflow_id: string | null;
      serialization: string | null;
    }>(
      "SELECT function_id, function_name, output, error, child_workflow_id, serialization FROM dbos.operation_outputs WHERE workflow_uuid = 'v4-order-ok' ORDER BY function_id",
    );
    assert.deepEqual(
      rows.map((r) => [r.function_id, r.function_name, r.serialization]),
      [
        [0, 'insertOrder', null],
        [1, 'chargePayment', 'js_superjson'],
        [2, 'DBOS.setEvent', null],
        [3, 'DBOS.sleep', 'portable_json'],
        [4, 'DBOS.now', null],
        [5, 'DBOS.randomUUID', null],
        [6, 'shipOrder', null],
        [7, 'DBOS.getResult', null],
        [8, 'awkwardValues', 'js_superjson'],
        [9, 'reserveStock', null],
        [10, 'DBOS.setEvent', null],
      ],
    );
    const byId = (id: number) => rows.find((r) => r.function_id === id)!;
    const order = parseNative(byId(0).output) as { order_id: string; created_at: Date };
    assert.equal(order.order_id, 'v4-order-ok');
    assert.ok(order.created_at instanceof Date);
    assert.equal(byId(2).output, null);
    assert.match(byId(3).output!, /^\d{13}$/, 'sleep stores the absolute wake-up time as plain JSON');
    assert.equal(typeof parseNative(byId(4).output), 'number');
    assert.match(parseNative(byId(5).output) as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      [byId(6).child_workflow_id, byId(6).output, byId(7).child_workflow_id],
      ['v4-order-ok-6', null, 'v4-order-ok-6'],
    );
    assert.equal(parseNative(byId(7).output), 'LABEL-v4-order-ok');
    const awk = JSON.parse(byId(8).output!) as { meta: { values: Record<string, unknown> } };
    assert.deepEqual(awk.meta.values, {
      when: ['Date'],
      big: ['bigint'],
      map: ['map'],
      set: ['set'],
      buf: [['custom', 'Buffer']],
      nothing: ['undefined'],
    });
    assert.equal(byId(9).output, null);
    const stockErr = parseNative(byId(9).error) as { name: string; sku: string; code: string };
    assert.deepEqual([stockErr.name, stockErr.sku, stockErr.code], ['OutOfStockError', 'sold-out', 'E_OUT_OF_STOCK']);

    const failOps = await sys.query<{ function_id: number; function_name: string; error: string | null }>(
      "SELECT function_id, function_name, error FROM dbos.operation_outputs WHERE workflow_uuid = 'v4-order-fail' ORDER BY function_id",
    );
    assert.deepEqual(
      failOps.rows.map((r) => [r.function_id, r.function_name]),
      [[0, 'insertOrder']],
    );
    assert.equal((parseNative(failOps.rows[0].error) as { name: string }).name, 'OrderRejectedError');
  });

  test('outside a workflow: a step is a temp workflow of one operation; DBOS.send records no workflow', async () => {
    const st = await sys.query<{ name: string; class_name: string | null; inputs: string; output: string }>(
      "SELECT name, class_name, inputs, output FROM dbos.workflow_status WHERE workflow_uuid = 'v4-temp-step'",
    );
    assert.deepEqual([st.rows[0].name, st.rows[0].class_name], ['temp_workflow-step-chargePayment', 'Orders']);
    assert.deepEqual(parseNative(st.rows[0].inputs), ['v4-temp', 100]);
    const ops = await sys.query<{ function_id: number; function_name: string; output: string }>(
      "SELECT function_id, function_name, output FROM dbos.operation_outputs WHERE workflow_uuid = 'v4-temp-step'",
    );
    assert.deepEqual(
      ops.rows.map((r) => [r.function_id, r.function_name]),
      [[0, 'chargePayment']],
    );
    assert.deepEqual(parseNative(ops.rows[0].output), parseNative(st.rows[0].output));
    const temps = await sys.query("SELECT 1 FROM dbos.workflow_status WHERE name LIKE 'temp\\_workflow-send%'");
    assert.equal(temps.rowCount, 0, '4.26 sends outside a workflow directly (sendDirect)');
    const sent = await sys.query<{ message: string }>(
      "SELECT message FROM dbos.notifications WHERE destination_uuid = 'v4-order-ok' AND topic = 'notes'",
    );
    assert.deepEqual(
      sent.rows.map((r) => parseNative(r.message)),
      ['late note'],
    );
  });

  test('the knex transactions left their rows in the app database, failed ones rolled back', async () => {
    const orders = await app.query<{ order_id: string; sku: string; amount_cents: number; created_at: Date }>(
      'SELECT order_id, sku, amount_cents, created_at FROM orders ORDER BY order_id',
    );
    assert.deepEqual(
      orders.rows.map((r) => [r.order_id, r.sku, r.amount_cents]),
      [['v4-order-ok', 'sold-out', 4200]],
    );
    const tc = await app.query<{
      workflow_id: string;
      function_num: number;
      output: string | null;
      error: string | null;
    }>(
      'SELECT workflow_id, function_num, output, error FROM dbos.transaction_completion ORDER BY workflow_id, function_num',
    );
    assert.deepEqual(
      tc.rows.map((r) => [r.workflow_id, r.function_num, r.output !== null, r.error !== null]),
      [
        ['v4-order-fail', 0, false, true],
        ['v4-order-ok', 0, true, false],
        ['v4-order-ok', 9, false, true],
        ['v4-receipt', 0, true, false],
      ],
    );
    // The data source writes plain SuperJSON, without the DBOS marker.
    const inserted = tc.rows[1].output!;
    assert.ok(!inserted.includes('__dbos_serializer'));
    const row = superjson.parse<{ order_id: string; created_at: Date }>(inserted);
    assert.equal(row.order_id, 'v4-order-ok');
    assert.equal(row.created_at.getTime(), orders.rows[0].created_at.getTime());
    const sysOut = await sys.query<{ output: string }>(
      "SELECT output FROM dbos.operation_outputs WHERE workflow_uuid = 'v4-order-ok' AND function_id = 0",
    );
    assert.equal(
      (parseNative(sysOut.rows[0].output) as { created_at: Date }).created_at.getTime(),
      row.created_at.getTime(),
    );
  });

  test('fixture_step_runs counts each step and transaction body once per recorded execution', async () => {
    const { rows } = await app.query<{ step: string; runs: number }>(
      'SELECT step, runs FROM fixture_step_runs ORDER BY step',
    );
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.step, r.runs])), {
      'FraudCheck.score': 1,
      awkwardValues: 1,
      chargePayment: 2,
      emailReceipt: 1,
      insertOrder: 2,
      loadOrder: 1,
      printLabel: 1,
      reserveStock: 1,
    });
  });
});
