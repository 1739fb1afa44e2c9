// Checks the v5 fixture recording (test-fixtures/app-v5, SDK 5.3.0): every manifest case and what the SDK stored for it.
// Runs in the test process (node --test) against the databases the harness recorded.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { loadFixtureManifest } from './fixtureManifest.js';
import { fixtureUrl } from './testDatabase.js';

interface OpRow {
  function_id: number;
  function_name: string;
  output: string | null;
  error: string | null;
  child_workflow_id: string | null;
  serialization: string | null;
}

const manifest = loadFixtureManifest('v5');

let sys: pg.Client;
let app: pg.Client;

before(async () => {
  sys = new pg.Client({ connectionString: fixtureUrl('v5', 'sys') });
  app = new pg.Client({ connectionString: fixtureUrl('v5', 'app') });
  await sys.connect();
  await app.connect();
});

after(async () => {
  await sys?.end();
  await app?.end();
});

async function ops(workflowID: string): Promise<OpRow[]> {
  const r = await sys.query<OpRow>(
    `SELECT function_id, function_name, output, error, child_workflow_id, serialization
       FROM dbos.operation_outputs WHERE workflow_uuid = $1 ORDER BY function_id`,
    [workflowID],
  );
  return r.rows;
}

async function op(workflowID: string, functionID: number): Promise<OpRow> {
  const row = (await ops(workflowID)).find((o) => o.function_id === functionID);
  assert.ok(row, `${workflowID} has no operation_outputs row ${functionID}`);
  return row;
}

async function statusRow(workflowID: string) {
  const r = await sys.query<{
    status: string;
    name: string;
    class_name: string | null;
    config_name: string | null;
    parent_workflow_id: string | null;
    executor_id: string;
    serialization: string | null;
    inputs: string | null;
    output: string | null;
    error: string | null;
    has_output_row: boolean;
  }>(
    `SELECT ws.status, ws.name, ws.class_name, ws.config_name, ws.parent_workflow_id, ws.executor_id, ws.serialization,
            wi.inputs, wo.output, wo.error, (wo.workflow_uuid IS NOT NULL) AS has_output_row
       FROM dbos.workflow_status ws
       LEFT JOIN dbos.workflow_input wi USING (workflow_uuid)
       LEFT JOIN dbos.workflow_output wo USING (workflow_uuid)
      WHERE ws.workflow_uuid = $1`,
    [workflowID],
  );
  assert.equal(r.rowCount, 1, `no workflow_status row for ${workflowID}`);
  return r.rows[0];
}

/** A DBOSJSON (superjson + marker) payload, parsed but not revived, so the type markers can be asserted. */
interface SuperjsonText {
  json: unknown;
  meta?: { values?: unknown };
  __dbos_serializer: string;
}
function superjsonText(text: string | null): SuperjsonText {
  assert.ok(text !== null, 'expected a serialized value, got NULL');
  const v = JSON.parse(text) as SuperjsonText;
  assert.equal(v.__dbos_serializer, 'superjson', `not a DBOSJSON payload: ${text}`);
  return v;
}

describe('v5 fixture manifest', () => {
  test('the manifest is for SDK 5.3.0 and lists the required cases', () => {
    assert.equal(manifest.app, 'v5');
    assert.equal(manifest.sdk, '5.3.0');
    const ids = manifest.workflows.map((w) => w.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate workflow IDs in fixtures.json');
    for (const id of [
      'checkout-ok',
      'checkout-declined',
      'checkout-webhook-timeout',
      'pipeline-nightly',
      'promotion-spring',
      'restock-east',
      'ship-with-fallback',
      'pickup-retries-exhausted',
      'fraud-screen-rejected',
      'catalog-export',
      'invoice-portable',
      'credit-portable-rejected',
      'ledger-settle',
      'crash-pending',
      'approval-cancelled',
      'audit-orders',
      'debounce-queued-holder',
      'debounce-other-workflow',
      'debounce-other-app',
    ]) {
      assert.ok(ids.includes(id), `fixtures.json lacks case ${id}`);
    }
  });

  for (const w of manifest.workflows) {
    test(`${w.id} is recorded as ${w.status} ${w.className ?? '(no class)'}.${w.name} with its operations`, async () => {
      const s = await statusRow(w.id);
      assert.deepEqual(
        {
          status: s.status,
          name: s.name,
          className: s.class_name,
          configName: s.config_name,
          parent: s.parent_workflow_id ?? undefined,
        },
        { status: w.status, name: w.name, className: w.className, configName: w.configName, parent: w.parent },
      );
      assert.deepEqual(
        (await ops(w.id)).map((o) => [o.function_id, o.function_name]),
        w.operations,
      );
    });
  }

  test('every child in the manifest is recorded on its parent as a child_workflow_id', async () => {
    for (const w of manifest.workflows.filter((x) => x.parent)) {
      const rows = (await ops(w.parent!)).filter((o) => o.child_workflow_id === w.id);
      assert.ok(
        rows.length >= 2,
        `${w.parent} should have a start and a getResult row for ${w.id}, has ${rows.length}`,
      );
      assert.equal(rows[0].function_name, w.name);
      assert.equal(rows.at(-1)!.function_name, 'DBOS.getResult');
    }
  });
});

describe('v5 checkout cases', () => {
  test('checkout-ok: reserve, HTTP charge, awaiting event, recv webhook (+ timer), ship, fulfilled event', async () => {
    const rows = await ops('checkout-ok');
    assert.deepEqual(
      rows.map((o) => o.function_name),
      ['reserve', 'charge', 'DBOS.setEvent', 'DBOS.recv', 'DBOS.sleep', 'ship', 'DBOS.setEvent'],
    );
    assert.deepEqual(
      rows.map((o) => o.function_id),
      [0, 1, 2, 3, 4, 5, 6],
    );
    const reserve = superjsonText(rows[0].output);
    assert.deepEqual(reserve.meta?.values, { reservedAt: ['Date'] });
    assert.deepEqual(superjsonText(rows[1].output).json, { paymentId: 'pay_A-1001', state: 'pending' });
    const recv = rows[3];
    assert.equal(recv.serialization, 'js_superjson');
    assert.deepEqual(superjsonText(recv.output).json, { paymentId: 'pay_A-1001', outcome: 'paid' });
    assert.equal(rows[4].serialization, 'portable_json');
    assert.match(rows[4].output ?? '', /^\d{13}$/);
    assert.equal(superjsonText(rows[5].output).json, 'TRK-A-1001-2');
    for (const i of [2, 6]) {
      assert.equal(rows[i].output, null);
      assert.equal(rows[i].serialization, 'portable_json');
    }
    const events = await sys.query<{ function_id: number; value: string }>(
      "SELECT function_id, value FROM dbos.workflow_events_history WHERE workflow_uuid = 'checkout-ok' AND key = 'status' ORDER BY function_id",
    );
    assert.deepEqual(
      events.rows.map((e) => [e.function_id, superjsonText(e.value).json]),
      [
        [2, 'awaiting_payment'],
        [6, 'fulfilled'],
      ],
    );
    const msg = await sys.query<{ consumed: boolean; consumed_by_function_id: number; topic: string }>(
      "SELECT consumed, consumed_by_function_id, topic FROM dbos.notifications WHERE destination_uuid = 'checkout-ok'",
    );
    assert.deepEqual(msg.rows, [{ consumed: true, consumed_by_function_id: 3, topic: 'payment' }]);
    const s = await statusRow('checkout-ok');
    assert.deepEqual(superjsonText(s.output).json, {
      status: 'fulfilled',
      orderId: 'A-1001',
      trackingNumber: 'TRK-A-1001-2',
      paymentId: 'pay_A-1001',
    });
  });

  test('checkout-declined compensates: release instead of ship, status event declined', async () => {
    const rows = await ops('checkout-declined');
    assert.deepEqual(superjsonText(rows[3].output).json, {
      paymentId: 'pay_A-1002',
      outcome: 'declined',
      reason: 'insufficient_funds',
    });
    assert.equal(rows[5].function_name, 'release');
    const ev = await sys.query<{ value: string }>(
      "SELECT value FROM dbos.workflow_events WHERE workflow_uuid = 'checkout-declined' AND key = 'status'",
    );
    assert.equal(superjsonText(ev.rows[0].value).json, 'declined');
  });

  test('checkout-webhook-timeout: the recv row has NULL output and NULL serialization, then compensation', async () => {
    const recv = await op('checkout-webhook-timeout', 3);
    assert.equal(recv.function_name, 'DBOS.recv');
    assert.equal(recv.output, null);
    assert.equal(recv.serialization, null);
    const ev = await sys.query<{ value: string }>(
      "SELECT value FROM dbos.workflow_events WHERE workflow_uuid = 'checkout-webhook-timeout' AND key = 'status'",
    );
    assert.equal(superjsonText(ev.rows[0].value).json, 'payment_timeout');
  });
});

describe('v5 pipeline and primitives', () => {
  test('pipeline-nightly: queued children, fan-in results, Promise.all steps in call order, direct child', async () => {
    const rows = await ops('pipeline-nightly');
    assert.deepEqual(
      rows.slice(1, 7).map((o) => [o.function_name, o.child_workflow_id]),
      [
        ['transformChunk', 'pipeline-nightly-1'],
        ['transformChunk', 'pipeline-nightly-2'],
        ['transformChunk', 'pipeline-nightly-3'],
        ['DBOS.getResult', 'pipeline-nightly-1'],
        ['DBOS.getResult', 'pipeline-nightly-2'],
        ['DBOS.getResult', 'pipeline-nightly-3'],
      ],
    );
    assert.deepEqual(superjsonText(rows[4].output).json, { chunk: 0, total: 496, rows: 4 });
    const queues = await sys.query<{ workflow_uuid: string; queue_name: string }>(
      "SELECT workflow_uuid, queue_name FROM dbos.workflow_status WHERE parent_workflow_id = 'pipeline-nightly' ORDER BY workflow_uuid",
    );
    assert.deepEqual(queues.rows, [
      { workflow_uuid: 'pipeline-nightly-1', queue_name: 'pipeline' },
      { workflow_uuid: 'pipeline-nightly-10', queue_name: null },
      { workflow_uuid: 'pipeline-nightly-2', queue_name: 'pipeline' },
      { workflow_uuid: 'pipeline-nightly-3', queue_name: 'pipeline' },
    ]);
    assert.deepEqual(
      rows.slice(7, 10).map((o) => o.function_name),
      ['validate', 'checksum', 'sample'],
    );
    assert.deepEqual(
      rows.slice(10).map((o) => [o.function_id, o.function_name, o.child_workflow_id]),
      [
        [10, 'summarize', 'pipeline-nightly-10'],
        [11, 'DBOS.getResult', 'pipeline-nightly-10'],
      ],
    );
  });

  test('promotion-spring: anonymous runStep is "", sleep(0) leaves a gap, deprecatePatch writes nothing, stream rows', async () => {
    const rows = await ops('promotion-spring');
    const byId = new Map(rows.map((o) => [o.function_id, o]));
    assert.equal(byId.get(2)?.function_name, '');
    assert.equal(byId.get(1)?.function_name, 'lookupTaxRate');
    assert.equal(byId.has(6), false, 'sleep(0) consumes ID 6 without a row');
    assert.equal(byId.get(3)?.serialization, null, 'DBOS.now is stored with serialization NULL');
    assert.equal(typeof superjsonText(byId.get(3)!.output).json, 'number');
    assert.match(superjsonText(byId.get(4)!.output).json as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(superjsonText(byId.get(8)!.output).json, { memo: 'promo SPRING26 queued' });
    assert.equal(superjsonText(byId.get(11)!.output).json, 'published');
    assert.equal(byId.get(13)?.output, null, 'getEvent timeout stores NULL');
    assert.equal(superjsonText(byId.get(20)!.output).json, '__DBOS_STREAM_CLOSED__');
    assert.equal(rows.at(-1)?.function_name, 'DBOS.patch-tiered-pricing');
    assert.ok(!rows.some((o) => o.function_name.includes('legacy-rounding')));
    const streams = await sys.query<{ offset: number; function_id: number; serialization: string }>(
      `SELECT "offset", function_id, serialization FROM dbos.streams WHERE workflow_uuid = 'promotion-spring' AND key = 'audit-log' ORDER BY "offset"`,
    );
    assert.deepEqual(
      streams.rows.map((r) => [r.offset, r.function_id, r.serialization]),
      [
        [0, 15, 'js_superjson'],
        [1, 16, 'js_superjson'],
        [2, 17, 'portable_json'],
      ],
    );
    const s = await statusRow('promotion-spring');
    assert.equal(s.class_name, null);
    const out = superjsonText(s.output).json as {
      newPricing: boolean;
      legacyRoundingGone: boolean;
      missingEvent: null;
    };
    assert.equal(out.newPricing, true);
    assert.equal(out.legacyRoundingGone, true);
    assert.equal(out.missingEvent, null);
  });

  test('restock-east is an instance workflow of ConfiguredInstance warehouse-east', async () => {
    const s = await statusRow('restock-east');
    assert.equal(s.config_name, 'warehouse-east');
    assert.deepEqual(superjsonText(s.output).json, {
      warehouse: 'warehouse-east',
      onHand: 21,
      ordered: 19,
      po: 'po-warehouse-east-sku-mug',
    });
  });

  test('audit-orders records getStatus, the getResult timer, listWorkflows and the enqueued child', async () => {
    const rows = await ops('audit-orders');
    const status = JSON.parse(rows[1].output ?? 'null') as { workflowUUID: string; status: string };
    assert.equal(rows[1].serialization, 'portable_json');
    assert.equal(status.workflowUUID, 'checkout-ok');
    assert.equal(status.status, 'SUCCESS');
    assert.equal(rows[2].function_name, 'DBOS.sleep');
    assert.equal(rows[3].child_workflow_id, 'checkout-ok');
    const listed = superjsonText(rows[4].output).json as { workflowID: string }[];
    assert.deepEqual(listed.map((w) => w.workflowID).sort(), ['checkout-declined', 'checkout-ok']);
    assert.equal(rows[5].child_workflow_id, 'audit-orders-5');
    assert.deepEqual(superjsonText(rows[6].output).json, { chunk: 99, total: 6, rows: 3 });
  });
});

describe('v5 errors', () => {
  test('ship-with-fallback: the caught CarrierError is stored with its name, message and fields', async () => {
    const e = superjsonText((await op('ship-with-fallback', 0)).error).json as Record<string, unknown>;
    assert.equal(e.name, 'CarrierError');
    assert.equal(e.message, 'no capacity for A-1004');
    assert.equal(e.carrier, 'acme-air');
    assert.equal(e.retryAfterMs, 1500);
    assert.deepEqual(e.details, { region: 'eu', codes: [503, 429] });
    assert.equal((await statusRow('ship-with-fallback')).status, 'SUCCESS');
  });

  test('pickup-retries-exhausted: DBOSMaxStepRetriesError (code 23, 2 attempts) on the step and the workflow', async () => {
    const step = superjsonText((await op('pickup-retries-exhausted', 1)).error).json as {
      dbosErrorCode: number;
      errors: { message: string }[];
    };
    assert.equal(step.dbosErrorCode, 23);
    assert.equal(step.errors.length, 2);
    assert.match(step.errors[0].message, /pickup service unavailable/);
    const wf = superjsonText((await statusRow('pickup-retries-exhausted')).error).json as { dbosErrorCode: number };
    assert.equal(wf.dbosErrorCode, 23);
  });

  test('fraud-screen-rejected: the workflow error keeps its class name and fields', async () => {
    const s = await statusRow('fraud-screen-rejected');
    assert.equal(s.output, null);
    const e = superjsonText(s.error).json as Record<string, unknown>;
    assert.equal(e.name, 'FraudSuspectedError');
    assert.equal(e.message, 'order A-1006 looks fraudulent');
    assert.equal(e.orderId, 'A-1006');
    assert.equal(e.score, 96);
  });
});

describe('v5 awkward step outputs (catalog-export)', () => {
  const markers: [number, string, unknown, unknown][] = [
    [0, 'lastUpdated', '2026-03-04T05:06:07.089Z', ['Date']],
    [1, 'totalUnitsSold', '12345678901234567890', ['bigint']],
    [
      2,
      'stockBySku',
      [
        ['sku-1', 5],
        [42, 'answer'],
        [true, { nested: '1970-01-01T00:00:00.000Z' }],
      ],
      ['map', { '2.1.nested': ['Date'] }],
    ],
    [3, 'tags', ['sale', 'new', 7], ['set']],
    [4, 'discontinuedReason', null, ['undefined']],
    [5, 'supplierNote', null, undefined],
    [6, 'thumbnail', [137, 80, 78, 71, 0, 255], [['custom', 'Buffer']]],
    [7, 'checksumBytes', [4, 5, 250], [['typed-array', 'Uint8Array']]],
    [9, 'price', { cents: 1999, currency: 'EUR' }, undefined],
    [10, 'lastImportError', { name: 'RangeError', message: 'row 17: price out of range' }, ['Error']],
  ];
  for (const [fid, name, json, meta] of markers) {
    test(`${name} (function ${fid}) is stored as superjson with marker ${JSON.stringify(meta ?? 'none')}`, async () => {
      const row = await op('catalog-export', fid);
      assert.equal(row.function_name, name);
      assert.equal(row.serialization, 'js_superjson');
      const v = superjsonText(row.output);
      assert.deepEqual(v.json, json);
      assert.deepEqual(v.meta?.values, meta);
    });
  }

  test('productRecord nests every awkward type with per-path markers', async () => {
    const v = superjsonText((await op('catalog-export', 8)).output);
    assert.deepEqual(v.meta?.values, {
      launched: ['Date'],
      sold: ['bigint'],
      byRegion: ['map'],
      colors: ['set'],
      image: [['custom', 'Buffer']],
      missing: ['undefined'],
      'deep.list.0': ['Date'],
      'deep.list.1': ['bigint'],
      'deep.list.2.u': ['undefined'],
    });
  });

  test('thrown class-like errors: a nameless subclass keeps its code, an Error keeps its cause', async () => {
    const locked = superjsonText((await op('catalog-export', 11)).error).json as Record<string, unknown>;
    assert.equal(locked.name, 'Error');
    assert.equal(locked.code, 'E_CATALOG_LOCKED');
    const feed = superjsonText((await op('catalog-export', 12)).error).json as {
      message: string;
      cause: { name: string; message: string };
    };
    assert.equal(feed.message, 'feed rejected');
    assert.equal(feed.cause.name, 'TypeError');
    assert.equal(feed.cause.message, 'unexpected token < at 1:1');
  });
});

describe('v5 portable serialization', () => {
  test('invoice-portable: portable_json row, positional inputs as strings, plain JSON output, native step output', async () => {
    const s = await statusRow('invoice-portable');
    assert.equal(s.serialization, 'portable_json');
    assert.deepEqual(JSON.parse(s.inputs!), { positionalArgs: ['2026-01-31T09:30:00.000Z', '125000', ['mug', 'tea']] });
    assert.deepEqual(JSON.parse(s.output!), {
      invoiceId: 'inv-2026-2',
      issuedAt: '2026-01-31T09:30:00.000Z',
      totalCents: '125000',
      taxCents: '10000',
      lines: ['mug', 'tea'],
      meta: { currency: 'EUR', paid: false },
    });
    const step = await op('invoice-portable', 0);
    assert.equal(step.serialization, 'js_superjson');
    assert.deepEqual(superjsonText(step.output).meta?.values, { taxCents: ['bigint'], at: ['Date'] });
    const ev = await sys.query<{ value: string; serialization: string }>(
      "SELECT value, serialization FROM dbos.workflow_events WHERE workflow_uuid = 'invoice-portable' AND key = 'invoice'",
    );
    assert.deepEqual(ev.rows, [{ value: '{"state":"issued","total":"125000"}', serialization: 'portable_json' }]);
  });

  test('credit-portable-rejected: the error is portable {name, message, code, data}', async () => {
    const s = await statusRow('credit-portable-rejected');
    assert.equal(s.serialization, 'portable_json');
    assert.deepEqual(JSON.parse(s.error!), {
      name: 'InvoiceRejectedError',
      message: 'credit for inv-2026-2 exceeds the limit',
      code: 'E_CREDIT_LIMIT',
      data: { invoiceId: 'inv-2026-2', limitCents: '100000' },
    });
  });
});

describe('v5 data source transactions (ledger-settle)', () => {
  test('bookSale is recorded (serialization NULL, Date marker) and its ledger row committed', async () => {
    const sale = await op('ledger-settle', 0);
    assert.equal(sale.function_name, 'bookSale');
    assert.equal(sale.serialization, null);
    const v = superjsonText(sale.output);
    assert.deepEqual(v.meta?.values, { bookedAt: ['Date'] });
    const entry = v.json as { entryId: number; orderId: string; amountCents: number; bookedAt: string };
    assert.equal(entry.bookedAt, '2026-01-05T12:00:00.000Z');
    const rows = await app.query<{ id: number; order_id: string; amount_cents: number; kind: string }>(
      'SELECT id, order_id, amount_cents, kind FROM ledger_entries ORDER BY id',
    );
    assert.deepEqual(rows.rows, [{ id: entry.entryId, order_id: 'A-1001', amount_cents: 2599, kind: 'sale' }]);
  });

  test('bookRefund failed on the CHECK constraint: error recorded, nothing committed, checkpoints cleared', async () => {
    const refund = await op('ledger-settle', 1);
    assert.equal(refund.function_name, 'bookRefund');
    assert.equal(refund.output, null);
    assert.equal(refund.serialization, 'js_superjson');
    const e = superjsonText(refund.error).json as { code: string; constraint: string };
    assert.equal(e.code, '23514');
    assert.equal(e.constraint, 'ledger_entries_amount_cents_check');
    const tc = await app.query("SELECT 1 FROM dbos.transaction_completion WHERE workflow_id = 'ledger-settle'");
    assert.equal(tc.rowCount, 0, 'transaction_completion rows are deleted when the workflow completes');
    const mig = await app.query<{ version: string }>('SELECT version FROM dbos.dbos_transaction_completion_migrations');
    assert.deepEqual(
      mig.rows.map((r) => Number(r.version)),
      [1],
    );
  });
});

describe('v5 unfinished workflows', () => {
  test('crash-pending stays PENDING on executor crashed-executor, its record ends before the killing step', async () => {
    const s = await statusRow('crash-pending');
    assert.equal(s.status, 'PENDING');
    assert.equal(s.executor_id, 'crashed-executor');
    assert.equal(s.has_output_row, false);
    const rows = await ops('crash-pending');
    assert.deepEqual(
      rows.map((o) => [o.function_id, o.function_name]),
      [
        [0, 'pickItems'],
        [1, 'printLabel'],
      ],
    );
    const ran = await app.query<{ runs: number }>(
      "SELECT runs FROM fixture_step_runs WHERE step = 'Packing.handOffToCourier'",
    );
    assert.deepEqual(ran.rows, [{ runs: 1 }], 'the killing step body ran once, and its outcome was never recorded');
  });

  test('approval-cancelled is CANCELLED with only the step and the recv timer recorded', async () => {
    const s = await statusRow('approval-cancelled');
    assert.equal(s.status, 'CANCELLED');
    assert.equal(s.has_output_row, false);
    assert.deepEqual(
      (await ops('approval-cancelled')).map((o) => [o.function_id, o.function_name]),
      [
        [0, 'requestApproval'],
        [2, 'DBOS.sleep'],
      ],
    );
  });
});

test('v5 step-body counters: fixture_step_runs matches the manifest exactly', async () => {
  assert.equal(manifest.stepRunsTable, 'fixture_step_runs');
  const r = await app.query<{ step: string; runs: number }>('SELECT step, runs FROM fixture_step_runs');
  assert.ok(r.rowCount! > 0, 'fixture_step_runs is empty');
  const got = Object.fromEntries(r.rows.map((x) => [x.step, x.runs]));
  assert.deepEqual(got, manifest.stepRuns);
});
