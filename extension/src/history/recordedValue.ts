// Turns a recorded payload (a serialized output, error or input string) into pretty-printed JSON for reading.
// Runs in the extension host; pure, no 'vscode', unit-tested.
import superjson from 'superjson';

const SUPERJSON_MARKER_KEY = '__dbos_serializer';

/** Decodes what DBOS stored: branded SuperJSON (`js_superjson`), portable JSON, or a raw string as is. */
export function decodeRecordedValue(serialized: string | null | undefined): unknown {
  if (serialized === null || serialized === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(serialized);
  } catch {
    return serialized; // a custom serializer's text: show it verbatim
  }
  if (parsed && typeof parsed === 'object' && (parsed as Record<string, unknown>)[SUPERJSON_MARKER_KEY] === 'superjson' && 'json' in parsed) {
    const { json, meta } = parsed as { json: unknown; meta?: unknown };
    try {
      return superjson.deserialize({ json: json as never, meta: meta as never });
    } catch {
      return json; // a custom type this process has no recipe for: its JSON form is still readable
    }
  }
  return parsed;
}

/** JSON.stringify replacer that keeps what JSON cannot say readable (dates, bigints, maps, sets, errors). */
function readableReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = this && typeof this === 'object' ? (this as Record<string, unknown>)[key] : value;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? 'Invalid Date' : raw.toISOString();
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return null;
  if (value instanceof Map) {
    return [...value.keys()].every((k) => typeof k === 'string') ? Object.fromEntries(value) : [...value.entries()];
  }
  if (value instanceof Set) return [...value];
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return `<Buffer ${(value as { data: unknown[] }).data.length} bytes>`;
  }
  return value;
}

/** Pretty-printed JSON of a recorded payload; texts over maxChars are cut with a note saying so. */
export function formatRecordedValue(serialized: string | null | undefined, maxChars = 2_000_000): string {
  const text = JSON.stringify(decodeRecordedValue(serialized), readableReplacer, 2) ?? 'null';
  return text.length <= maxChars ? text + '\n'
    : `${text.slice(0, maxChars)}\n… (cut: ${text.length - maxChars} more characters; export the trace for the whole value)\n`;
}
