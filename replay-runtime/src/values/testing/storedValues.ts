// Stored values of every kind the renderer meets, encoded with the SDK's own serializers (and superjson for the
// marker-less form data sources write), for the tests that forbid the stored envelope in rendered text. Test code.
import { serializeError } from 'serialize-error';
import superjson from 'superjson';
import { DBOSJSON, DBOSPortableJSON } from '@dbos-inc/dbos-sdk/internal/serialization';

/** What no text for people may contain: the serializer envelope as stored. */
export const ENVELOPE = [/"json":/, /__dbos_serializer/, /"meta":/];

export function assertNoEnvelope(text: string, what: string): void {
  for (const re of ENVELOPE) {
    if (re.test(text)) throw new Error(`${what} shows the stored envelope (${re}): ${text.slice(0, 300)}`);
  }
}

export interface StoredSample {
  label: string;
  /** An operation_outputs row, as far as rendering reads it. */
  row: {
    function_id: number;
    function_name: string;
    output: string | null;
    error: string | null;
    serialization: string | null;
    child_workflow_id: string | null;
  };
}

const big = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    sku: `sku-${i}`,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    qty: BigInt(i),
  }));

function boom(message: string): Record<string, unknown> {
  const e = new Error(message, { cause: new TypeError('unexpected token < at 1:1') }) as Error & { code?: string };
  e.code = 'E_FEED';
  // The SDK stores serialize-error's record, cause included.
  return { ...(serializeError(e) as Record<string, unknown>), cause: serializeError(e.cause) };
}

function output(
  label: string,
  output: string | null,
  serialization: string | null = 'js_superjson',
  name = 'step',
): StoredSample {
  return {
    label,
    row: { function_id: 0, function_name: name, output, error: null, serialization, child_workflow_id: null },
  };
}

function error(label: string, error: string, serialization: string | null = 'js_superjson'): StoredSample {
  return {
    label,
    row: { function_id: 0, function_name: 'step', output: null, error, serialization, child_workflow_id: null },
  };
}

export const STORED_SAMPLES: StoredSample[] = [
  output('short superjson object', DBOSJSON.stringify({ paymentId: 'pay_A-1001', state: 'pending' })),
  output('superjson object > 200 characters', DBOSJSON.stringify({ items: big(8) })),
  output('superjson object > 10 kB', DBOSJSON.stringify({ items: big(300), note: 'n'.repeat(2000) })),
  output('superjson string > 10 kB', DBOSJSON.stringify('x'.repeat(12_000))),
  output('a Date', DBOSJSON.stringify(new Date('2024-01-02T03:04:05.678Z'))),
  output(
    'a Map with non-string keys',
    DBOSJSON.stringify(
      new Map<unknown, unknown>([
        ['sku-1', 5],
        [42, 'answer'],
        [true, { nested: new Date(0) }],
      ]),
    ),
  ),
  output('a long Map', DBOSJSON.stringify(new Map(big(100).map((x) => [x.sku, x])))),
  output('undefined', DBOSJSON.stringify(undefined)),
  output('undefined, serialization NULL', DBOSJSON.stringify(undefined), null),
  output(
    'nested undefined, Set, bigint, Buffer',
    DBOSJSON.stringify({ u: undefined, s: new Set([1, 2]), b: 99n, buf: Buffer.from('hi') }),
  ),
  output('an Error returned as a value', DBOSJSON.stringify(new RangeError('row 17: price out of range'))),
  output(
    "a transaction's marker-less superjson",
    superjson.stringify({ entryId: 1, bookedAt: new Date(0) }),
    null,
    'bookSale',
  ),
  output('a long marker-less superjson', superjson.stringify({ rows: big(200) }), null, 'bookSale'),
  output('portable JSON', DBOSPortableJSON.stringify({ a: new Date(0), n: 12n }), 'portable_json'),
  output('portable JSON > 10 kB', DBOSPortableJSON.stringify({ rows: big(300) }), 'portable_json'),
  output('a portable number (a sleep deadline)', '1795611602005', 'portable_json', 'DBOS.sleep'),
  output('NULL (a recv that timed out)', null, null, 'DBOS.recv'),
  // DBOS.getWorkflowStatus records the SDK's status record, which nests that workflow's stored text.
  output(
    'a getStatus record',
    DBOSPortableJSON.stringify({
      workflowUUID: 'checkout-ok',
      status: 'SUCCESS',
      serialization: 'js_superjson',
      input: DBOSJSON.stringify([{ orderId: 'A-1001', at: new Date(0) }]),
      output: DBOSJSON.stringify({ status: 'fulfilled', items: big(20) }),
      error: null,
    }),
    'portable_json',
    'getStatus',
  ),
  error('an error with a cause', DBOSJSON.stringify(boom('feed rejected'))),
  error('an error > 10 kB', DBOSJSON.stringify(boom(`bad row: ${'y'.repeat(11_000)}`))),
  error('an error, serialization NULL', DBOSJSON.stringify(boom('out of stock')), null),
  error(
    "a transaction's marker-less superjson error",
    superjson.stringify(new Error('No stock left for sold-out')),
    null,
  ),
  error(
    'a portable error',
    DBOSPortableJSON.stringify({ name: 'MyError', message: 'portable failure', code: 'E_PORT', data: { x: 4 } }),
    'portable_json',
  ),
];
