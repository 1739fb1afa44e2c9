// The one renderer of a recorded value as text for people: the trail of `run`/`check --trail`, `show`, the Debug
// Console's trail and step messages, stop messages and the Workflow scope. Shared code (CLI, extension host, the
// replay runtime). It renders the decoded value's JSON form, never the stored text, and clips the rendered text.
import { decodeRecordedSync, type DecodeOptions } from './decodeValue.js';
import { toJson, type JsonValue } from './renderValue.js';

/** How wide a summary is: a trail line, a step message, a stop message. */
export const SUMMARY_CHARS = 80;

export interface TextOptions {
  /** The value is an error: it reads `Name: message`. */
  error?: boolean;
  /** Clip the text to this many characters (SUMMARY_CHARS unless given; Infinity for none). */
  max?: number;
}

/**
 * The renderer: a value's JSON form (toJson, displayValue) as one line for people, clipped to `max`. `undefined`
 * reads `undefined`, an error `Name: message`, a value that could not be decoded says why (never its stored text).
 */
export function renderText(value: JsonValue, opts: TextOptions = {}): string {
  return clipText(unclipped(value, opts.error ?? false), opts.max ?? SUMMARY_CHARS);
}

/** A live (revived) value as text for people. */
export function valueText(value: unknown, opts: TextOptions = {}): string {
  return renderText(toJson(value), opts);
}

/** A stored value or error decoded (synchronously: the runtime renders at the user's call site) and rendered. */
export function recordedText(
  text: string | null | undefined,
  serialization: string | null | undefined,
  opts: TextOptions & DecodeOptions = {},
): string {
  const d = decodeRecordedSync(text, serialization, opts);
  return renderText(d.ok ? toJson(d.value) : { raw: d.raw, undecodable: d.undecodable }, opts);
}

/** The one clip rule: one line (line breaks and the blanks around them become a space), at most `max` characters. */
export function clipText(s: string, max: number): string {
  const one = s.replace(/\s*\n\s*/g, ' ');
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 1))}…`;
}

type JsonObject = { [key: string]: JsonValue };

function isObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function unclipped(v: JsonValue, error: boolean): string {
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && v.$undefined === true) return 'undefined';
    if (keys.length === 2 && typeof v.raw === 'string' && typeof v.undecodable === 'string')
      return `(${v.undecodable})`;
    if (error && (typeof v.message === 'string' || typeof v.name === 'string')) {
      return `${typeof v.name === 'string' && v.name !== '' ? v.name : 'Error'}: ${typeof v.message === 'string' ? v.message : ''}`;
    }
  }
  return JSON.stringify(v) ?? 'undefined';
}
