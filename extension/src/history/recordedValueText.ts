// Which recorded value a document shows (a step's output or error, an event, a message) and its readable text.
// Runs in the extension host; pure (no 'vscode'), unit-tested. Values are rendered by the one renderer, replay-runtime/src/values.
import {
  displayValue,
  renderError,
  renderValue,
  type JsonValue,
} from '../../../replay-runtime/src/values/renderValue.js';
import type { WorkflowDetail } from './workflowHistory.js';

export type ValueKey =
  | { kind: 'operation'; workflowId: string; functionId: number }
  | { kind: 'event'; workflowId: string; key: string }
  | { kind: 'eventVersion'; workflowId: string; key: string; functionId: number }
  | { kind: 'message'; workflowId: string; messageId: string }
  | { kind: 'workflow'; workflowId: string; part: 'inputs' | 'result' };

/** Above this, a document says how to get the value instead of decoding it in the extension host. */
export const RAW_PREVIEW_LIMIT = 4_000_000;
/** Above this, the pretty-printed text is cut with a note. */
export const PRETTY_LIMIT = 1_000_000;

function safe(s: string): string {
  return s.replace(/[^\w.@-]+/g, '_').slice(0, 80) || '_';
}

/** A readable file name for the editor tab: `3-chargeCard.json`, `event-status.json`, `message-payment-1.json`. */
export function valueFileName(key: ValueKey, label?: string): string {
  switch (key.kind) {
    case 'operation':
      return `${key.functionId}-${safe(label ?? 'step')}.json`;
    case 'event':
      return `event-${safe(key.key)}.json`;
    case 'eventVersion':
      return `event-${safe(key.key)}@${key.functionId}.json`;
    case 'message':
      return `message-${safe(label ?? 'message')}.json`;
    case 'workflow':
      return `${safe(label ?? 'workflow')}-${key.part}.json`;
  }
}

/** The key as a URI query string (the path only names the tab). */
export function encodeValueKey(key: ValueKey): string {
  return new URLSearchParams({ key: JSON.stringify(key) }).toString();
}

export function decodeValueKey(query: string): ValueKey | undefined {
  try {
    const k = JSON.parse(new URLSearchParams(query).get('key') ?? '') as ValueKey;
    return k && typeof k.workflowId === 'string' && typeof k.kind === 'string' ? k : undefined;
  } catch {
    return undefined;
  }
}

interface Found {
  title: string;
  /** The operation whose output it is. */
  operation?: string;
  text: string | null;
  serialization: string | null;
  isError: boolean;
}

function find(d: WorkflowDetail, key: ValueKey): Found | undefined {
  const wf = d.exported;
  const id = key.workflowId;
  switch (key.kind) {
    case 'operation': {
      const op = wf.operation_outputs.find((o) => o.function_id === key.functionId);
      if (!op) return undefined;
      const isError = op.error !== null && op.error !== undefined;
      return {
        title: `Step ${op.function_id} ${op.function_name} of ${id}: recorded ${isError ? 'error' : 'output'}`,
        text: isError ? op.error : op.output,
        serialization: op.serialization,
        isError,
        operation: op.function_name,
      };
    }
    case 'event': {
      const e = wf.workflow_events.find((x) => x.key === key.key);
      return (
        e && {
          title: `Event '${e.key}' of ${id}: latest value`,
          text: e.value,
          serialization: e.serialization,
          isError: false,
        }
      );
    }
    case 'eventVersion': {
      const e = wf.workflow_events_history.find((x) => x.key === key.key && x.function_id === key.functionId);
      return (
        e && {
          title: `Event '${e.key}' of ${id}: value set by step ${e.function_id}`,
          text: e.value,
          serialization: e.serialization,
          isError: false,
        }
      );
    }
    case 'message': {
      const n = d.notifications.find((x) => x.message_uuid === key.messageId);
      return (
        n && {
          title: `Message to ${id} on topic ${n.topic ?? '(none)'} sent ${new Date(n.created_at_epoch_ms).toISOString()}`,
          text: n.message,
          serialization: n.serialization,
          isError: false,
        }
      );
    }
    case 'workflow': {
      const s = wf.workflow_status;
      if (key.part === 'inputs')
        return { title: `Inputs of ${id} (${s.name})`, text: s.inputs, serialization: s.serialization, isError: false };
      const isError = s.error !== null && s.error !== undefined;
      return {
        title: `${isError ? 'Error' : 'Output'} of ${id} (${s.name})`,
        text: isError ? s.error : s.output,
        serialization: s.serialization,
        isError,
      };
    }
  }
}

function describeKey(key: ValueKey): string {
  switch (key.kind) {
    case 'operation':
      return `step ${key.functionId}`;
    case 'event':
      return `event '${key.key}'`;
    case 'eventVersion':
      return `event '${key.key}' at step ${key.functionId}`;
    case 'message':
      return `message ${key.messageId}`;
    case 'workflow':
      return key.part;
  }
}

/**
 * The document text (JSON with comments): a first comment line saying what it is, the value pretty-printed the
 * way `dbos-replay show --json` renders it, cut with a note past `prettyLimit`; undefined when the key names nothing.
 */
export async function recordedValueText(
  d: WorkflowDetail,
  key: ValueKey,
  limits: { raw?: number; pretty?: number } = {},
): Promise<string | undefined> {
  const f = find(d, key);
  if (!f) return undefined;
  const raw = limits.raw ?? RAW_PREVIEW_LIMIT;
  const pretty = limits.pretty ?? PRETTY_LIMIT;
  const head = `// ${f.title.replace(/\n/g, ' ')}${f.serialization ? ` (${f.serialization})` : ''}\n`;
  if (f.text !== null && f.text !== undefined && f.text.length > raw) {
    // Never the stored text: it is the serializer's envelope, not the value (and decoding it here would stall the host).
    return (
      `${head}// The stored value is ${f.text.length} characters, more than the ${raw} decoded here. ` +
      `\`dbos-replay show ${key.workflowId} --json\` prints it decoded; Export Trace… saves it.\n`
    );
  }
  const rendered = f.isError
    ? await renderError(f.text, f.serialization)
    : await renderValue(f.text, f.serialization, f.operation);
  const value: JsonValue = displayValue(rendered);
  const text = JSON.stringify(value, null, 2) ?? 'null';
  if (text.length <= pretty) return `${head}${text}\n`;
  return `${head}${text.slice(0, pretty)}\n// … cut: ${text.length - pretty} more characters of ${describeKey(key)}. Export the trace for the whole value.\n`;
}
