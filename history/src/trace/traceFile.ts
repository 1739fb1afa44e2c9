// Writes a trace to a file (streamed, one row per line) and reads it back with validation and clear errors;
// also accepts a bare DBOS export (ExportedWorkflow[]). Shared code (CLI, debug adapter, replay runtime).
import { createWriteStream, type Stats } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { errors, isHistoryError } from '../errors.js';
import { checkOperationRows } from './recordingChecks.js';
import {
  TRACE_FORMAT,
  TRACE_FORMAT_VERSION,
  type ExportedWorkflow,
  type OperationOutputRow,
  type Trace,
} from '../../../protocol/traceModel.js';

const CHUNK = 1 << 16;

/**
 * The largest trace file read (256 MiB, history/TRACE_FORMAT.md): a trace is parsed as one string, and V8 strings end
 * near 512 MiB, so past this a read would fail with "Invalid string length" or exhaust memory instead of a message.
 */
export const MAX_TRACE_FILE_BYTES = 256 * 1024 * 1024;

/** Writes `trace` to `file` through a temporary file (renamed at the end, so a reader never sees half a file). */
export async function writeTraceFile(file: string, trace: Trace): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  let failure: Error | undefined;
  out.on('error', (e) => (failure ??= e));
  let buf = '';
  // Resolves on 'drain', or on 'close' after an error (then `failure` is set and the next put throws).
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  const flush = async () => {
    const chunk = buf;
    buf = '';
    if (failure) throw failure;
    if (!out.write(chunk)) await drained();
  };
  /** Buffers text; returns a promise only when a chunk had to be written (keeps the row loop synchronous). */
  const put = (s: string): Promise<void> | undefined => {
    buf += s;
    return buf.length >= CHUNK ? flush() : undefined;
  };
  const list = async (key: string, rows: readonly unknown[], last: boolean) => {
    await put(`${JSON.stringify(key)}:[`);
    for (let i = 0; i < rows.length; i++) {
      const pending = put(`${i ? ',' : ''}\n${JSON.stringify(rows[i])}`);
      if (pending) await pending;
    }
    await put(`]${last ? '' : ','}\n`);
  };
  try {
    const { workflows, notifications, ...head } = trace;
    const headText = JSON.stringify(head);
    await put(`${headText.slice(0, -1)},\n"workflows":[`);
    for (let i = 0; i < workflows.length; i++) {
      const wf = workflows[i];
      await put(`${i ? ',' : ''}\n{"workflow_status":${JSON.stringify(wf.workflow_status)},\n`);
      await list('operation_outputs', wf.operation_outputs, false);
      await list('workflow_events', wf.workflow_events, false);
      await list('workflow_events_history', wf.workflow_events_history, false);
      await list('streams', wf.streams, true);
      await put('}');
    }
    await put(']');
    if (notifications) {
      await put(',\n');
      await list('notifications', notifications, true);
    }
    await put('}\n');
    if (failure) throw failure;
    out.end(buf);
    await once(out, 'finish');
    if (failure) throw failure;
    await rename(tmp, file);
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true }).catch(() => {});
    throw errors.traceUnwritable(file, (e as Error).message, e);
  }
}

/** What a non-regular file is, for the message refusing it. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/**
 * Reads and validates a trace file (or a DBOS export). One JSON.parse of the file, no other copy. Files over
 * MAX_TRACE_FILE_BYTES and devices (`/dev/zero`) are refused before reading; a pipe (`/dev/fd/N`) is read up to the limit.
 */
export async function readTraceFile(file: string, maxBytes = MAX_TRACE_FILE_BYTES): Promise<Trace> {
  let text: string;
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw errors.traceUnreadable(file, why, e);
  }
  try {
    const st = await handle.stat();
    const stream = st.isFIFO() || st.isSocket();
    if (!st.isFile() && !stream) throw errors.traceNotRegular(file, kindOf(st));
    if (st.size > maxBytes) throw errors.traceTooLarge(file, st.size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      // A file that grew while read, or a pipe that goes on: stop one byte past the limit.
      if (total > maxBytes) throw errors.traceTooLarge(file, total, maxBytes);
    }
    text = Buffer.concat(chunks, total).toString('utf8');
  } catch (e) {
    if (isHistoryError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw errors.traceUnreadable(file, code === 'EISDIR' ? 'it is a directory' : (e as Error).message, e);
  } finally {
    await handle.close().catch(() => {});
  }
  return parseTrace(text, file);
}

/** Parses trace text; `label` names the file in messages. */
export function parseTrace(text: string, label: string): Trace {
  if (text.trim() === '') {
    throw errors.traceEmpty(label);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw errors.traceNotJson(label, (e as Error).message);
  }
  return validateTrace(doc, label);
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  constructor(readonly label: string) {}

  fail(where: string, expected: string): never {
    throw errors.traceFieldMissing(this.label, where.replace(/^\./, ''), expected);
  }

  obj(o: Obj, key: string, where: string): Obj {
    const v = o[key];
    if (!isObj(v)) this.fail(`${where}.${key}`, 'an object');
    return v;
  }

  arr(o: Obj, key: string, where: string): unknown[] {
    const v = o[key];
    if (!Array.isArray(v)) this.fail(`${where}.${key}`, 'an array');
    return v;
  }

  str(o: Obj, key: string, where: string, nullable = false): void {
    const v = o[key];
    if (typeof v === 'string' || (nullable && (v === null || v === undefined))) return;
    this.fail(`${where}.${key}`, nullable ? 'a string or null' : 'a string');
  }

  /** An integer and nothing else (an int4 column, such as function_id: pg returns it as a number). */
  strictInt(o: Obj, key: string, where: string): void {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v))
      this.fail(`${where}.${key}`, `an integer, not ${JSON.stringify(v)}`);
  }

  /** An integer; numeric strings (how pg returns int8, e.g. in a DBOS export) are converted in place. */
  int(o: Obj, key: string, where: string, nullable = false): void {
    let v = o[key];
    if (typeof v === 'string' && /^-?\d+$/.test(v)) o[key] = v = Number(v);
    if (typeof v === 'number' && Number.isInteger(v)) return;
    if (nullable && (v === null || v === undefined)) return;
    this.fail(`${where}.${key}`, nullable ? 'an integer or null' : 'an integer');
  }
}

/** Status columns that are epoch ms / counters stored as int8. */
const STATUS_INTS = [
  'created_at',
  'updated_at',
  'recovery_attempts',
  'workflow_timeout_ms',
  'workflow_deadline_epoch_ms',
  'started_at_epoch_ms',
  'priority',
  'completed_at',
  'delay_until_epoch_ms',
  'debounce_deadline_epoch_ms',
];

function checkWorkflow(c: Checker, v: unknown, where: string): ExportedWorkflow {
  if (!isObj(v)) c.fail(where, 'an exported workflow object');
  const st = c.obj(v, 'workflow_status', where);
  const sw = `${where}.workflow_status`;
  c.str(st, 'workflow_uuid', sw);
  c.str(st, 'status', sw);
  c.str(st, 'name', sw);
  for (const k of ['inputs', 'output', 'error', 'serialization', 'parent_workflow_id', 'class_name', 'config_name']) {
    c.str(st, k, sw, true);
  }
  c.int(st, 'created_at', sw);
  for (const k of STATUS_INTS) if (k !== 'created_at') c.int(st, k, sw, true);
  c.arr(v, 'operation_outputs', where).forEach((op, i) => {
    const w = `${where}.operation_outputs[${i}]`;
    if (!isObj(op)) c.fail(w, 'an operation row');
    c.str(op, 'workflow_uuid', w);
    c.strictInt(op, 'function_id', w);
    c.str(op, 'function_name', w);
    for (const k of ['output', 'error', 'child_workflow_id', 'serialization']) c.str(op, k, w, true);
    c.int(op, 'started_at_epoch_ms', w, true);
    c.int(op, 'completed_at_epoch_ms', w, true);
  });
  checkOperationRows(v.operation_outputs as OperationOutputRow[], `trace file '${c.label}'`);
  c.arr(v, 'workflow_events', where).forEach((e, i) => {
    const w = `${where}.workflow_events[${i}]`;
    if (!isObj(e)) c.fail(w, 'an event row');
    c.str(e, 'key', w);
    c.str(e, 'value', w);
  });
  c.arr(v, 'workflow_events_history', where).forEach((e, i) => {
    const w = `${where}.workflow_events_history[${i}]`;
    if (!isObj(e)) c.fail(w, 'an event history row');
    c.str(e, 'key', w);
    c.str(e, 'value', w);
    c.int(e, 'function_id', w);
  });
  c.arr(v, 'streams', where).forEach((s, i) => {
    const w = `${where}.streams[${i}]`;
    if (!isObj(s)) c.fail(w, 'a stream row');
    c.str(s, 'key', w);
    c.str(s, 'value', w);
    c.int(s, 'offset', w);
    c.int(s, 'function_id', w);
  });
  return v as unknown as ExportedWorkflow;
}

/** The root of a DBOS export: the first workflow whose parent is not in the export. */
function rootOf(workflows: ExportedWorkflow[]): ExportedWorkflow {
  const ids = new Set(workflows.map((w) => w.workflow_status.workflow_uuid));
  return (
    workflows.find((w) => !w.workflow_status.parent_workflow_id || !ids.has(w.workflow_status.parent_workflow_id)) ??
    workflows[0]
  );
}

/** Validates a parsed document (a trace, or a DBOS `ExportedWorkflow[]`, which is wrapped) and returns the trace. */
export function validateTrace(doc: unknown, label: string): Trace {
  const c: Checker = new Checker(label);
  if (Array.isArray(doc)) {
    if (doc.length === 0) c.fail('[0]', 'at least one exported workflow');
    const workflows = doc.map((w, i) => checkWorkflow(c, w, `[${i}]`));
    const root = rootOf(workflows);
    // Root first, as in our own traces.
    const ordered = [root, ...workflows.filter((w) => w !== root)];
    return {
      format: TRACE_FORMAT,
      version: TRACE_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      source: { kind: 'dbos-export' },
      rootWorkflowId: root.workflow_status.workflow_uuid,
      workflows: ordered,
    };
  }
  if (!isObj(doc) || doc.format !== TRACE_FORMAT) {
    const what = isObj(doc)
      ? doc.format === undefined
        ? 'it has no "format" field'
        : `its "format" is ${JSON.stringify(doc.format)}`
      : `it is a JSON ${doc === null ? 'null' : typeof doc}`;
    throw errors.notATrace(label, what, TRACE_FORMAT);
  }
  if (doc.version !== TRACE_FORMAT_VERSION) {
    throw errors.unsupportedTraceVersion(label, doc.version, TRACE_FORMAT_VERSION);
  }
  c.str(doc, 'createdAt', '');
  const source = c.obj(doc, 'source', '');
  c.str(source, 'kind', '.source');
  c.str(doc, 'rootWorkflowId', '');
  const workflows = c.arr(doc, 'workflows', '');
  if (workflows.length === 0) c.fail('.workflows[0]', 'the root workflow');
  workflows.forEach((w, i) => checkWorkflow(c, w, `.workflows[${i}]`));
  const first = (workflows[0] as ExportedWorkflow).workflow_status.workflow_uuid;
  if (first !== doc.rootWorkflowId) {
    c.fail(
      '.workflows[0] for the root',
      `rootWorkflowId is '${String(doc.rootWorkflowId)}' but the first workflow is '${first}'`,
    );
  }
  if (doc.notifications !== undefined) {
    c.arr(doc, 'notifications', '').forEach((n, i) => {
      const w = `.notifications[${i}]`;
      if (!isObj(n)) c.fail(w, 'a notification row');
      c.str(n, 'destination_uuid', w);
      c.str(n, 'message', w);
      c.int(n, 'created_at_epoch_ms', w);
    });
  }
  return doc as unknown as Trace;
}
