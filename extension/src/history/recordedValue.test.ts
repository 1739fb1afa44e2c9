// Unit tests of how recorded payloads are decoded and pretty-printed for the output documents.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import superjson from 'superjson';
import { decodeRecordedValue, formatRecordedValue } from './recordedValue.js';

const branded = (v: unknown) => JSON.stringify({ ...superjson.serialize(v), __dbos_serializer: 'superjson' });

test('branded SuperJSON is deserialized and special values stay readable', () => {
  const when = new Date('2026-01-02T03:04:05.000Z');
  const text = formatRecordedValue(branded({ when, n: 12n, tags: new Set(['a']), byKey: new Map([['k', 1]]), missing: undefined }));
  assert.deepEqual(JSON.parse(text), { when: '2026-01-02T03:04:05.000Z', n: '12n', tags: ['a'], byKey: { k: 1 }, missing: null });
  assert.match(text, /\n {2}"when"/); // pretty-printed
});

test('portable JSON, null and a custom serializer\'s text', () => {
  assert.deepEqual(decodeRecordedValue('{"a":[1,2]}'), { a: [1, 2] });
  assert.equal(formatRecordedValue(null), 'null\n');
  assert.equal(formatRecordedValue('not json at all'), '"not json at all"\n');
});

test('a recorded error shows its name and message', () => {
  const err = JSON.parse(formatRecordedValue(branded({ name: 'Error', message: 'card declined', stack: 'Error: card declined\n at x' })));
  assert.equal(err.message, 'card declined');
});

test('huge values are cut with a note', () => {
  const text = formatRecordedValue(JSON.stringify('x'.repeat(5000)), 100);
  assert.match(text, /cut: \d+ more characters/);
});
