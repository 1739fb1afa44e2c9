// Unit tests of the one renderer of recorded values for people: stored values of every kind, short and long, read as
// their value and never as the stored envelope; one clip rule on the rendered text. Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DBOSJSON } from '@dbos-inc/dbos-sdk/internal/serialization';
import { operationText } from '../engine/values.js';
import { displayValue, renderError, renderValue } from './renderValue.js';
import { STORED_SAMPLES, assertNoEnvelope } from './testing/storedValues.js';
import { SUMMARY_CHARS, clipText, recordedText, renderText, valueText } from './valueText.js';

test('no rendered text shows the stored envelope, short or long, synchronously or not, clipped or whole', async () => {
  for (const { label, row } of STORED_SAMPLES) {
    const error = row.error !== null;
    const text = error ? row.error : row.output;
    for (const max of [SUMMARY_CHARS, 300, Infinity]) {
      const sync = recordedText(text, row.serialization, { error, max, operation: row.function_name });
      assertNoEnvelope(sync, `${label} (sync, max ${max})`);
      assert.ok(sync.length <= max, `${label}: ${sync.length} > ${max}`);
      const rendered = error
        ? await renderError(text, row.serialization)
        : await renderValue(text, row.serialization, row.function_name);
      assert.ok(rendered.ok, `${label} decodes: ${JSON.stringify(rendered).slice(0, 300)}`);
      const async = renderText(displayValue(rendered), { error, max });
      assertNoEnvelope(async, `${label} (async, max ${max})`);
      assert.equal(async, sync, `${label}: the synchronous and the SDK's asynchronous decoding read the same`);
    }
    const op = operationText(row);
    assertNoEnvelope(JSON.stringify(op), `${label} (operationText)`);
    assert.equal(
      error ? op.error : op.output,
      recordedText(text, row.serialization, { error, operation: row.function_name }),
    );
  }
});

test('values read as themselves: JSON of the decoded value, undefined, errors as Name: message', () => {
  const r = (label: string) => {
    const { row } = STORED_SAMPLES.find((s) => s.label === label)!;
    return recordedText(row.error ?? row.output, row.serialization, {
      error: row.error !== null,
      max: Infinity,
      operation: row.function_name,
    });
  };
  assert.equal(r('short superjson object'), '{"paymentId":"pay_A-1001","state":"pending"}');
  assert.equal(r('a Date'), '"2024-01-02T03:04:05.678Z"');
  assert.equal(r('undefined'), 'undefined');
  assert.equal(r('undefined, serialization NULL'), 'undefined');
  assert.equal(
    r('a Map with non-string keys'),
    '[["sku-1",5],[42,"answer"],[true,{"nested":"1970-01-01T00:00:00.000Z"}]]',
  );
  assert.equal(r("a transaction's marker-less superjson"), '{"entryId":1,"bookedAt":"1970-01-01T00:00:00.000Z"}');
  assert.equal(r('portable JSON'), '{"a":"1970-01-01T00:00:00.000Z","n":"12"}');
  assert.equal(r('a portable number (a sleep deadline)'), '1795611602005');
  assert.equal(r('NULL (a recv that timed out)'), 'null');
  assert.match(
    r('a getStatus record'),
    /^\{"workflowUUID":"checkout-ok","status":"SUCCESS","serialization":"js_superjson","input":\[\{"orderId":"A-1001","at":"1970-01-01T00:00:00.000Z"\}\],"output":\{"status":"fulfilled",/,
  );
  assert.equal(r('an error with a cause'), 'Error: feed rejected');
  assert.equal(r("a transaction's marker-less superjson error"), 'Error: No stock left for sold-out');
  assert.equal(r('a portable error'), 'MyError: portable failure');
  assert.match(
    r('superjson object > 10 kB'),
    /^\{"items":\[\{"sku":"sku-0","at":"2026-01-01T00:00:00.000Z","qty":"0"\}/,
  );
});

test('one clip rule, on the rendered text: one line, at most max characters, … when cut', () => {
  const long = recordedText(DBOSJSON.stringify({ items: 'z'.repeat(500) }), 'js_superjson');
  assert.equal(long.length, SUMMARY_CHARS);
  assert.ok(long.startsWith('{"items":"zzz') && long.endsWith('…'));
  assert.equal(clipText('a\n   b', 10), 'a b');
  assert.equal(clipText('abcdef', 4), 'abc…');
  assert.equal(valueText(new Error('two\nlines'), { error: true }), 'Error: two lines');
  assert.equal(valueText(undefined), 'undefined');
  assert.equal(valueText(new Map([['k', 1n]])), '{"k":"1"}');
});

test('a value that cannot be decoded says why, and never shows the stored text', () => {
  const text = recordedText('{"json":{"a":1},"__dbos_serializer":"superjson"}', 'my_encrypted', { max: Infinity });
  assert.equal(text, '(cannot decode as my_encrypted: Value deserialization type my_encrypted is not available)');
  assert.equal(
    recordedText('{"json":', null, { max: Infinity }),
    '(cannot decode as the default serializer (js_superjson): Unexpected end of JSON input)',
  );
  // An app serializer that decodes only asynchronously cannot be used at the call site.
  const asyncSerializer = { name: () => 'crypt', parse: async () => 1, stringify: () => '' };
  assert.equal(
    recordedText('opaque', null, { serializer: asyncSerializer, max: Infinity }),
    "(cannot decode as the default serializer (js_superjson): the app's serializer crypt decodes asynchronously)",
  );
});
