// The JSON form of recorded values (`show --json`, value documents), decoded with the SDK's own module; valueText.ts
// renders the same form as text for people. Shared code (CLI, extension host, the replay runtime). Never throws on a
// bad value: it returns the raw text, flagged.
import { decodeRecorded, type Decoded, type DecodeOptions, type Undecodable } from './decodeValue.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type { Undecodable };

export type Rendered = { ok: true; value: JsonValue } | ({ ok: false } & Undecodable);

/** What `undefined` renders as (JSON has no undefined). */
export const UNDEFINED_MARKER = Object.freeze({ $undefined: true }) as unknown as JsonValue;

const MAX_DEPTH = 64;

/** Converts a decoded JS value to plain JSON: Date → ISO, bigint → string, Map → object/entries, Set → array, … */
export function toJson(v: unknown, depth = 0, seen = new WeakSet<object>()): JsonValue {
  if (v === undefined) return UNDEFINED_MARKER;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? '-0' : v) : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
  if (depth > MAX_DEPTH) return '[too deep]';
  const o = v as object;
  if (seen.has(o)) return '[circular]';
  seen.add(o);
  try {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    if (v instanceof RegExp) return v.toString();
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Array.from(v as Uint8Array);
    if (ArrayBuffer.isView(v))
      return Array.from(v as unknown as ArrayLike<number>).map((x) => toJson(x, depth + 1, seen));
    if (v instanceof Error) return errorToJson(v, depth, seen);
    if (v instanceof Map) {
      const entries = [...v.entries()];
      if (entries.every(([k]) => typeof k === 'string')) {
        return Object.fromEntries(entries.map(([k, x]) => [k, toJson(x, depth + 1, seen)]));
      }
      return entries.map(([k, x]) => [toJson(k, depth + 1, seen), toJson(x, depth + 1, seen)]);
    }
    if (v instanceof Set) return [...v].map((x) => toJson(x, depth + 1, seen));
    if (Array.isArray(v)) return v.map((x) => toJson(x, depth + 1, seen));
    const out: { [k: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'function') continue; // function stubs the SDK attaches after a round trip
      out[k] = toJson(x, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(o);
  }
}

function errorToJson(e: Error, depth: number, seen: WeakSet<object>): JsonValue {
  const out: { [k: string]: JsonValue } = { name: e.name, message: e.message };
  if (e.stack !== undefined) out.stack = e.stack;
  for (const [k, x] of Object.entries(e)) if (!(k in out)) out[k] = toJson(x, depth + 1, seen);
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined) out.cause = toJson(cause, depth + 1, seen);
  return out;
}

function rendered(d: Decoded): Rendered {
  return d.ok ? { ok: true, value: toJson(d.value) } : d;
}

/**
 * Renders a stored value. `text` NULL renders as JSON null (no value, or void). `serialization` is the row's
 * column (NULL = the app's configured serializer, DBOSJSON unless the app set its own). `operation` names the
 * operation whose output it is, when it is one.
 */
export async function renderValue(
  text: string | null | undefined,
  serialization: string | null | undefined,
  operation?: string,
): Promise<Rendered> {
  return rendered(await decodeRecorded(text, serialization, { operation } satisfies DecodeOptions));
}

/** Renders a stored error (native: serialize-error object; portable: {name,message,code,data}) as {name,message,stack,…}. */
export async function renderError(
  text: string | null | undefined,
  serialization: string | null | undefined,
): Promise<Rendered> {
  return rendered(await decodeRecorded(text, serialization, { error: true }));
}

/** The rendered value for JSON output: the value, or `{ raw, undecodable }`. */
export function displayValue(r: Rendered): JsonValue {
  return r.ok ? r.value : { raw: r.raw, undecodable: r.undecodable };
}
