// Revives recorded values and errors exactly as the SDK does (its own serialization module, bundled), gives the
// verdict their JSON-safe form, and renders consumed operations with values/valueText.ts. Runs in the user's program.
import {
  DBOSJSON,
  deserializePositionalArgs,
  deserializeResError,
  deserializeValue,
  serializeValue,
  type DBOSSerializer,
} from '@dbos-inc/dbos-sdk/internal/serialization';
import { PortableWorkflowError } from '../../../node_modules/@dbos-inc/dbos-sdk/dist/schemas/system_db_schema.js';
import type { OperationOutputRow } from '../../../protocol/traceModel.js';
import { recordedText } from '../values/valueText.js';
import type { ErrorSummary } from '../../../protocol/replayProtocol.js';
import { errors } from '../errors.js';

export type { ErrorSummary };

let configured: DBOSSerializer = DBOSJSON;

/** The app's configured serializer (`DBOSConfig.serializer`), DBOSJSON unless set. */
export function appSerializer(): DBOSSerializer {
  return configured;
}

export function setAppSerializer(s: DBOSSerializer | undefined): void {
  configured = s ?? DBOSJSON;
}

export async function reviveValue(text: string | null, serialization: string | null, what: string): Promise<unknown> {
  try {
    return await deserializeValue(text, serialization, configured);
  } catch (e) {
    throw errors.recordedValueUnreadable(what, e);
  }
}

/** Revives a recorded error; a portable error is thrown by the SDK's reviver, so it is returned here. */
export async function reviveError(text: string, serialization: string | null, what: string): Promise<Error> {
  let revived: unknown;
  try {
    revived = await deserializeResError(text, serialization, configured);
  } catch (e) {
    if (e instanceof PortableWorkflowError) return e;
    throw errors.recordedValueUnreadable(what, e);
  }
  return revived as Error;
}

export async function reviveArgs(text: string | null, serialization: string | null, what: string): Promise<unknown[]> {
  try {
    return await deserializePositionalArgs(text, serialization, configured);
  } catch (e) {
    throw errors.recordedValueUnreadable(what, e);
  }
}

/** The value serialized the way the workflow's output would be (for comparison with the recording). */
export async function serializeLikeWorkflow(value: unknown, serialization: string | null): Promise<string | null> {
  const format = serialization === 'portable_json' ? 'portable' : 'native';
  const r = await serializeValue(value, configured, format as never);
  return r.serializedValue;
}

/** Structural equality of two serialized texts (JSON key order ignored). */
export function sameSerialized(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  try {
    return canonical(JSON.parse(a)) === canonical(JSON.parse(b));
  } catch {
    return false;
  }
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** JSON-safe rendering of a revived value: Date → ISO, bigint → "123n", Map/Set → arrays, Buffer → bytes. */
export function toJsonSafe(v: unknown, depth = 0): unknown {
  if (depth > 20) return '…';
  if (v === undefined) return { $undefined: true };
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `[function ${v.name}]`;
  if (typeof v === 'symbol') return v.toString();
  if (v instanceof Date) return { $date: Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString() };
  if (v instanceof Error) return errorSummary(v);
  if (Buffer.isBuffer(v)) return { $buffer: [...v] };
  if (ArrayBuffer.isView(v))
    return { [`$${v.constructor.name}`]: [...(v as unknown as ArrayLike<number> as unknown as number[])] };
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [toJsonSafe(k, depth + 1), toJsonSafe(x, depth + 1)]) };
  if (v instanceof Set) return { $set: [...v].map((x) => toJsonSafe(x, depth + 1)) };
  if (v instanceof RegExp) return { $regexp: String(v) };
  if (Array.isArray(v)) return v.map((x) => toJsonSafe(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as object)) out[k] = toJsonSafe(x, depth + 1);
  return out;
}

export function errorSummary(e: unknown): ErrorSummary {
  if (e instanceof Error) {
    const out: ErrorSummary = { name: e.name, message: e.message };
    for (const [k, x] of Object.entries(e)) if (k !== 'stack') out[k] = typeof x === 'object' ? '[object]' : x;
    return out;
  }
  return { name: typeof e, message: String(e) };
}

const VOID_OUTPUT = new Set(['DBOS.send', 'DBOS.setEvent', 'DBOS.writeStream', 'DBOS.closeStream']);

/** A consumed operation's recorded outcome as people read it (null: nothing to show). */
export interface OperationText {
  output: string | null;
  /** `Name: message` when the operation recorded an error. */
  error: string | null;
}

/**
 * Renders a recorded operation's outcome with the one renderer (values/valueText.ts), from the row decoded as the app's
 * serializer would: the trail, the debugger's operation events and the Workflow scope all show this text. The void
 * markers of send/setEvent/writeStream/closeStream (§9.6) and a child start (it records only the child's ID) show nothing.
 */
export function operationText(
  row: Pick<OperationOutputRow, 'function_name' | 'output' | 'error' | 'serialization' | 'child_workflow_id'>,
): OperationText {
  if (row.error !== null && row.error !== undefined) {
    return { output: null, error: recordedText(row.error, row.serialization, { error: true, serializer: configured }) };
  }
  if (
    (row.output === null || row.output === undefined) &&
    (VOID_OUTPUT.has(row.function_name) || row.child_workflow_id)
  ) {
    return { output: null, error: null };
  }
  return {
    output: recordedText(row.output, row.serialization, { serializer: configured, operation: row.function_name }),
    error: null,
  };
}
