// Unit tests of the value renderer: SDK-encoded values of every kind, portable values, errors, undecodable text.
// Runs in the test process (node --test); values are encoded with the SDK's own serializers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DBOSJSON, DBOSPortableJSON } from '@dbos-inc/dbos-sdk/internal/serialization';
import { renderError, renderValue } from './renderValue.js';

test('native values render as readable JSON', async () => {
  const text = DBOSJSON.stringify({
    d: new Date('2024-01-02T03:04:05.678Z'),
    b: 12345678901234567890n,
    m: new Map<unknown, unknown>([
      ['k', 1],
      [2, 'two'],
    ]),
    ms: new Map([['a', new Set([1])]]),
    buf: Buffer.from([1, 2, 255]),
    u8: new Uint8Array([4, 5]),
    u: undefined,
    re: /ab+c/gi,
    nan: NaN,
    inf: -Infinity,
    negz: -0,
    e: new TypeError('x'),
  });
  const r = await renderValue(text, 'js_superjson');
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    d: '2024-01-02T03:04:05.678Z',
    b: '12345678901234567890',
    m: [
      ['k', 1],
      [2, 'two'],
    ],
    ms: { a: [1] },
    buf: [1, 2, 255],
    u8: [4, 5],
    u: { $undefined: true },
    re: '/ab+c/gi',
    nan: 'NaN',
    inf: '-Infinity',
    negz: '-0',
    e: { name: 'TypeError', message: 'x' }, // superjson's own Error type keeps no stack
  });
  // NULL serialization = the configured serializer (DBOSJSON).
  assert.deepEqual(await renderValue(DBOSJSON.stringify(undefined), null), { ok: true, value: { $undefined: true } });
  assert.deepEqual(await renderValue(null, 'portable_json'), { ok: true, value: null });
  assert.deepEqual(await renderValue(DBOSPortableJSON.stringify({ a: new Date(0) }), 'portable_json'), {
    ok: true,
    value: { a: '1970-01-01T00:00:00.000Z' },
  });
});

test('errors: native with cause and fields, portable', async () => {
  // What the SDK stores for a thrown error: serialize-error's plain object, cause included.
  const stored = DBOSJSON.stringify({
    name: 'Error',
    message: 'outer',
    code: 'E_X',
    stack: 's',
    cause: { name: 'RangeError', message: 'inner', stack: 't' },
  });
  const r = await renderError(stored, 'js_superjson');
  assert.deepEqual(r, {
    ok: true,
    value: {
      name: 'Error',
      message: 'outer',
      stack: 's',
      code: 'E_X',
      cause: { name: 'RangeError', message: 'inner', stack: 't' },
    },
  });
  const p = await renderError(
    '{"name":"MyError","message":"portable failure","code":"E_PORT","data":{"x":4}}',
    'portable_json',
  );
  assert.ok(p.ok);
  const v = p.value as Record<string, unknown>;
  assert.deepEqual([v.name, v.message, v.code, v.data], ['MyError', 'portable failure', 'E_PORT', { x: 4 }]);
});

test('undecodable values come back raw and flagged, never thrown', async () => {
  assert.deepEqual(await renderValue('{"a":1}', 'js_superjson'), {
    ok: false,
    raw: '{"a":1}',
    undecodable:
      'cannot decode as js_superjson: Value carries no superjson marker, so it was not written by this serializer',
  });
  assert.deepEqual(await renderValue('nope', 'portable_json'), {
    ok: false,
    raw: 'nope',
    undecodable: `cannot decode as portable_json: Unexpected token 'o', "nope" is not valid JSON`,
  });
  assert.deepEqual(await renderError('{"json":', null), {
    ok: false,
    raw: '{"json":',
    undecodable: 'cannot decode as the default serializer (js_superjson): Unexpected end of JSON input',
  });
});
