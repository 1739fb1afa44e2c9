// Decodes a stored value or error for display with the SDK's own serialization module: asynchronously as the SDK
// does, or synchronously where the replay must render an operation at the user's call site. Shared code (CLI,
// extension host, the replay runtime). Never throws on a bad value: it returns the stored text, flagged.
import { deserializeError } from 'serialize-error';
import superjson from 'superjson';
import {
  DBOSJSON,
  DBOSPortableJSON,
  deserializeResError,
  deserializeValue,
  type DBOSSerializer,
} from '@dbos-inc/dbos-sdk/internal/serialization';

/** A stored value that could not be decoded: the text as stored, and why. */
export interface Undecodable {
  raw: string;
  undecodable: string;
}

export type Decoded = { ok: true; value: unknown } | ({ ok: false } & Undecodable);

export interface DecodeOptions {
  /** The stored text is an error (operation_outputs.error, workflow_status.error). */
  error?: boolean;
  /** The app's configured serializer, when known (the replay runtime); DBOSJSON, the SDK's default, otherwise. */
  serializer?: DBOSSerializer;
  /** The function_name of the operation whose output this is (a getStatus record nests stored values). */
  operation?: string;
}

/** The close marker older SDKs stored unserialized in `streams.value`. */
const LEGACY_STREAM_CLOSED = '__DBOS_STREAM_CLOSED__';
const PORTABLE = DBOSPortableJSON.name();

function reason(e: unknown, serialization: string | null): string {
  const msg = e instanceof Error ? e.message : String(e);
  return `cannot decode as ${serialization ?? 'the default serializer (js_superjson)'}: ${msg}`;
}

/**
 * Decodes a stored value (`text` NULL decodes as null: no value, or void). `serialization` is the row's column
 * (NULL = the app's configured serializer). An error decodes to what the SDK throws: an Error (native), or the
 * PortableWorkflowError it throws for a portable error record.
 */
export async function decodeRecorded(
  text: string | null | undefined,
  serialization: string | null | undefined,
  opts: DecodeOptions = {},
): Promise<Decoded> {
  if (text === null || text === undefined) return { ok: true, value: null };
  if (!opts.error && text === LEGACY_STREAM_CLOSED) return { ok: true, value: text };
  const ser = serialization ?? null;
  const serializer = opts.serializer ?? DBOSJSON;
  try {
    if (opts.error) return { ok: true, value: await deserializeResError(text, ser, serializer) };
    return { ok: true, value: nestedStatus(await deserializeValue(text, ser, serializer), opts) };
  } catch (e) {
    // Portable errors are *thrown* by deserializeResError as a PortableWorkflowError: that is the decoded value.
    if (
      opts.error &&
      ser === PORTABLE &&
      e instanceof Error &&
      !(e instanceof SyntaxError) &&
      !(e instanceof TypeError)
    ) {
      return { ok: true, value: e };
    }
    return markerless(text, opts) ?? { ok: false, raw: text, undecodable: reason(e, ser) };
  }
}

/**
 * decodeRecorded without awaiting: the SDK's deserializeValue dispatch (portable, DBOSJSON, else the configured
 * serializer) with its synchronous parsers. Errors decode to serialize-error's Error (native) or the portable record.
 * An app serializer that only decodes asynchronously leaves the value undecodable here.
 */
export function decodeRecordedSync(
  text: string | null | undefined,
  serialization: string | null | undefined,
  opts: DecodeOptions = {},
): Decoded {
  if (text === null || text === undefined) return { ok: true, value: null };
  if (!opts.error && text === LEGACY_STREAM_CLOSED) return { ok: true, value: text };
  const ser = serialization ?? null;
  try {
    const parsed = parseSync(text, ser, opts.serializer ?? DBOSJSON);
    if (!opts.error) return { ok: true, value: nestedStatus(parsed, opts) };
    if (ser === PORTABLE) return { ok: true, value: parsed };
    return { ok: true, value: deserializeError(parsed) };
  } catch (e) {
    return markerless(text, opts) ?? { ok: false, raw: text, undecodable: reason(e, ser) };
  }
}

function parseSync(text: string, ser: string | null, serializer: DBOSSerializer): unknown {
  if (ser === PORTABLE) return DBOSPortableJSON.parse(text);
  if (ser === DBOSJSON.name()) return DBOSJSON.parse(text);
  if (!ser || ser === serializer.name()) {
    const v = serializer.parse(text);
    if (
      v instanceof Promise ||
      (v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function')
    ) {
      (v as Promise<unknown>).then(undefined, () => undefined);
      throw new Error(`the app's serializer ${serializer.name()} decodes asynchronously`);
    }
    return v;
  }
  throw new TypeError(`Value deserialization type ${ser} is not available`);
}

/** The internal step DBOS.getWorkflowStatus and handle.getStatus() record. */
const GET_STATUS = 'getStatus';

/**
 * A getStatus row holds the SDK's internal status record, whose `input`, `output` and `error` are that workflow's
 * stored text: they are decoded (with the record's serialization), as the SDK's toWorkflowStatus does for the code.
 */
function nestedStatus(value: unknown, opts: DecodeOptions): unknown {
  if (opts.operation !== GET_STATUS || !value || typeof value !== 'object' || Array.isArray(value)) return value;
  const record: Record<string, unknown> = { ...value };
  const ser = typeof record.serialization === 'string' ? record.serialization : null;
  for (const [field, error] of [
    ['input', false],
    ['output', false],
    ['error', true],
  ] as const) {
    const text = record[field];
    if (typeof text !== 'string') continue;
    const d = decodeRecordedSync(text, ser, { error, serializer: opts.serializer });
    if (d.ok) record[field] = d.value;
  }
  return record;
}

/**
 * Plain SuperJSON without DBOSJSON's marker (`{"json":…,"meta":…}`), as data sources store transaction outcomes: the
 * SDK refuses it, but it is superjson's own format, so it is decoded with superjson (the SDK's instance and recipes).
 */
function markerless(text: string, opts: DecodeOptions): Decoded | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o) || !('json' in o)) return undefined;
  if (!Object.keys(o).every((k) => k === 'json' || k === 'meta')) return undefined;
  try {
    const value = superjson.deserialize(o as Parameters<typeof superjson.deserialize>[0]);
    return { ok: true, value: opts.error && !(value instanceof Error) ? deserializeError(value) : value };
  } catch {
    return undefined;
  }
}
