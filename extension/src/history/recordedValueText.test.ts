// Unit tests of the recorded value documents: which row a key names, pretty JSON like `show --json`, cut large values.
// Runs in the test process; values are encoded with the SDK's own serializer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DBOSJSON } from '@dbos-inc/dbos-sdk/internal/serialization';
import { STORED_SAMPLES, assertNoEnvelope } from '../../../replay-runtime/src/values/testing/storedValues.js';
import {
  decodeValueKey,
  encodeValueKey,
  recordedValueText,
  valueFileName,
  type ValueKey,
} from './recordedValueText.js';
import type { WorkflowDetail } from './workflowHistory.js';

function detail(): WorkflowDetail {
  const status = {
    workflow_uuid: 'checkout-ok',
    status: 'SUCCESS',
    name: 'checkout',
    class_name: 'Shop',
    inputs: DBOSJSON.stringify([{ orderId: 'o1' }]),
    output: DBOSJSON.stringify({ ok: true }),
    error: null,
    serialization: 'js_superjson',
    created_at: 1,
    updated_at: 2,
  } as unknown as WorkflowDetail['exported']['workflow_status'];
  return {
    summary: {
      workflowId: 'checkout-ok',
      name: 'checkout',
      className: 'Shop',
      configName: null,
      status: 'SUCCESS',
      createdAt: 1,
      updatedAt: 2,
      completedAt: 2,
      queueName: null,
      parentWorkflowId: null,
      applicationVersion: null,
      forkedFrom: null,
    },
    exported: {
      workflow_status: status,
      operation_outputs: [
        {
          workflow_uuid: 'checkout-ok',
          function_id: 0,
          function_name: 'reserve',
          output: DBOSJSON.stringify({ at: new Date('2026-01-02T03:04:05.000Z'), qty: 2n }),
          error: null,
          child_workflow_id: null,
          started_at_epoch_ms: 1,
          completed_at_epoch_ms: 2,
          serialization: 'js_superjson',
        },
        {
          workflow_uuid: 'checkout-ok',
          function_id: 1,
          function_name: 'charge',
          output: null,
          error: DBOSJSON.stringify({ name: 'Error', message: 'card declined', stack: 'Error: card declined' }),
          child_workflow_id: null,
          started_at_epoch_ms: 2,
          completed_at_epoch_ms: 3,
          serialization: 'js_superjson',
        },
        {
          workflow_uuid: 'checkout-ok',
          function_id: 2,
          function_name: 'big',
          output: DBOSJSON.stringify('x'.repeat(5000)),
          error: null,
          child_workflow_id: null,
          started_at_epoch_ms: 2,
          completed_at_epoch_ms: 3,
          serialization: 'js_superjson',
        },
      ],
      workflow_events: [
        {
          workflow_uuid: 'checkout-ok',
          key: 'status',
          value: DBOSJSON.stringify('shipped'),
          serialization: 'js_superjson',
        },
      ],
      workflow_events_history: [
        {
          workflow_uuid: 'checkout-ok',
          function_id: 3,
          key: 'status',
          value: DBOSJSON.stringify('paid'),
          serialization: 'js_superjson',
        },
        {
          workflow_uuid: 'checkout-ok',
          function_id: 5,
          key: 'status',
          value: DBOSJSON.stringify('shipped'),
          serialization: 'js_superjson',
        },
      ],
      streams: [],
    },
    children: [],
    notifications: [
      {
        message_uuid: 'm1',
        destination_uuid: 'checkout-ok',
        topic: 'payment',
        message: DBOSJSON.stringify({ paid: true }),
        created_at_epoch_ms: 5,
        serialization: 'js_superjson',
        consumed: true,
        consumed_by_function_id: 4,
      },
    ],
  };
}

/** The JSON after the first comment line. */
function body(text: string | undefined): unknown {
  assert.ok(text);
  return JSON.parse(text.split('\n').slice(1).join('\n'));
}

test("a step's output renders like show --json, with a first line saying what it is", async () => {
  const text = await recordedValueText(detail(), { kind: 'operation', workflowId: 'checkout-ok', functionId: 0 });
  assert.match(text!, /^\/\/ Step 0 reserve of checkout-ok: recorded output \(js_superjson\)\n/);
  assert.deepEqual(body(text), { at: '2026-01-02T03:04:05.000Z', qty: '2' });
  assert.match(text!, /\n {2}"at"/); // pretty-printed
});

test('a step that threw shows its error; events, their history and messages resolve', async () => {
  const d = detail();
  const err = body(await recordedValueText(d, { kind: 'operation', workflowId: 'checkout-ok', functionId: 1 })) as {
    message: string;
  };
  assert.equal(err.message, 'card declined');
  assert.equal(
    body(await recordedValueText(d, { kind: 'event', workflowId: 'checkout-ok', key: 'status' })),
    'shipped',
  );
  assert.equal(
    body(await recordedValueText(d, { kind: 'eventVersion', workflowId: 'checkout-ok', key: 'status', functionId: 3 })),
    'paid',
  );
  assert.deepEqual(body(await recordedValueText(d, { kind: 'message', workflowId: 'checkout-ok', messageId: 'm1' })), {
    paid: true,
  });
  assert.deepEqual(body(await recordedValueText(d, { kind: 'workflow', workflowId: 'checkout-ok', part: 'inputs' })), [
    { orderId: 'o1' },
  ]);
  assert.equal(await recordedValueText(d, { kind: 'operation', workflowId: 'checkout-ok', functionId: 99 }), undefined);
});

test('large values are cut with a note; huge ones say how to get them, never showing the stored text', async () => {
  const key: ValueKey = { kind: 'operation', workflowId: 'checkout-ok', functionId: 2 };
  const cut = await recordedValueText(detail(), key, { pretty: 100 });
  assert.match(cut!, /\/\/ … cut: \d+ more characters of step 2\. Export the trace for the whole value\.\n$/);
  const raw = await recordedValueText(detail(), key, { raw: 50 });
  assert.match(
    raw!,
    /The stored value is \d+ characters, more than the 50 decoded here\. `dbos-replay show checkout-ok --json` prints it decoded/,
  );
  for (const re of [/"json":/, /__dbos_serializer/, /"meta":/, /xxxx/])
    assert.doesNotMatch(raw!, re, 'never the stored text');
});

test('no document shows the stored envelope: values and errors of every kind, short and long, whole or cut', async () => {
  const d = detail();
  d.exported.operation_outputs = STORED_SAMPLES.map((x, i) => ({
    ...x.row,
    workflow_uuid: 'checkout-ok',
    function_id: i,
    started_at_epoch_ms: 1,
    completed_at_epoch_ms: 2,
  }));
  for (const [i, { label }] of STORED_SAMPLES.entries()) {
    for (const pretty of [100, 1_000_000]) {
      const text = await recordedValueText(
        d,
        { kind: 'operation', workflowId: 'checkout-ok', functionId: i },
        { pretty },
      );
      assert.ok(text);
      assertNoEnvelope(text, `${label} (document cut at ${pretty})`);
    }
  }
});

test('keys survive the URI query; file names read well in a tab', () => {
  const key: ValueKey = { kind: 'eventVersion', workflowId: 'a/b c', key: 'st atus', functionId: 3 };
  assert.deepEqual(decodeValueKey(encodeValueKey(key)), key);
  assert.equal(decodeValueKey('key=nonsense'), undefined);
  assert.equal(valueFileName({ kind: 'operation', workflowId: 'w', functionId: 2 }, 'chargeCard'), '2-chargeCard.json');
  assert.equal(valueFileName(key), 'event-st_atus@3.json');
});
