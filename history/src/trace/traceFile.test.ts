// Trace files: export → import round trip from a real recording, DBOS exports, corrupt files, a 10,000-operation load.
// Runs in the test process (node --test).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ErrorCode, HistoryError } from '../errors.js';
import { HistoryReader } from '../reader/historyReader.js';
import { sampleRecordingUrl } from '../testing/sampleRecording.js';
import { readTraceFile, writeTraceFile } from './traceFile.js';
import { TRACE_FORMAT, TRACE_FORMAT_VERSION, type Trace } from '../../../protocol/traceModel.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dbos-replay-trace-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejectsWith(file: string, code: number, message: string): Promise<void> {
  await assert.rejects(readTraceFile(file), (e: unknown) => {
    assert.ok(e instanceof HistoryError, String(e));
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    return true;
  });
}

test('export → import round trip is equal', async () => {
  const reader = await HistoryReader.connect(await sampleRecordingUrl());
  try {
    const trace = await reader.loadTrace('sample-parent');
    const file = path.join(dir, 'parent.trace.json');
    await writeTraceFile(file, trace);
    assert.deepEqual(await readTraceFile(file), JSON.parse(JSON.stringify(trace)));
    // One row per line: diffs and greps of trace files stay readable.
    const lines = (await readFile(file, 'utf8')).split('\n');
    assert.ok(
      lines.some((l) => l.startsWith('{"workflow_uuid":"sample-parent","function_id":13,')),
      'operation rows on their own lines',
    );
    // The SDK's own export shape wraps into an envelope with the root first.
    const bare = path.join(dir, 'dbos-export.json');
    await writeFile(bare, JSON.stringify([...trace.workflows].reverse()));
    const imported = await readTraceFile(bare);
    assert.equal(imported.source.kind, 'dbos-export');
    assert.equal(imported.rootWorkflowId, 'sample-parent');
    assert.equal(imported.workflows[0].workflow_status.workflow_uuid, 'sample-parent');
    assert.equal(imported.workflows.length, 4);
  } finally {
    await reader.close();
  }
});

test('a DBOS export with int8 columns as strings (as pg returns them) is normalized', async () => {
  const file = path.join(dir, 'strings.json');
  await writeFile(
    file,
    JSON.stringify([
      {
        workflow_status: {
          workflow_uuid: 'w',
          status: 'SUCCESS',
          name: 'n',
          created_at: '1700000000000',
          updated_at: '1700000000001',
          inputs: null,
          output: null,
          error: null,
        },
        operation_outputs: [
          {
            workflow_uuid: 'w',
            function_id: 0,
            function_name: 's',
            output: null,
            error: null,
            child_workflow_id: null,
            started_at_epoch_ms: '5',
            completed_at_epoch_ms: '6',
            serialization: null,
          },
        ],
        workflow_events: [],
        workflow_events_history: [],
        streams: [],
      },
    ]),
  );
  const t = await readTraceFile(file);
  assert.equal(t.workflows[0].workflow_status.created_at, 1700000000000);
  assert.equal(t.workflows[0].operation_outputs[0].completed_at_epoch_ms, 6);
});

test('corrupt trace: truncated JSON', async () => {
  const file = path.join(dir, 'truncated.json');
  await writeFile(file, '{"format":"dbos-replay-trace","version":1,"workflows":[{"workflow_status":{"workflow_uu');
  await rejectsWith(
    file,
    ErrorCode.TraceNotJson,
    `Trace file '${file}' is not valid JSON ` +
      `(Unterminated string in JSON at position 87); it may be truncated. Re-export it with \`dbos-replay export\`.`,
  );
});

test('corrupt trace: empty file, missing file', async () => {
  const empty = path.join(dir, 'empty.json');
  await writeFile(empty, '  \n');
  await rejectsWith(
    empty,
    ErrorCode.TraceNotJson,
    `Trace file '${empty}' is empty. Re-export it with \`dbos-replay export\`.`,
  );
  const missing = path.join(dir, 'nope.json');
  await rejectsWith(
    missing,
    ErrorCode.TraceFileUnreadable,
    `Cannot read the trace file '${missing}': no such file. ` +
      `Check the path, or make one with \`dbos-replay export <id> -o ${missing}\`.`,
  );
});

test('corrupt trace: wrong format', async () => {
  const file = path.join(dir, 'other.json');
  await writeFile(file, JSON.stringify({ format: 'something-else', version: 1 }));
  await rejectsWith(
    file,
    ErrorCode.NotATrace,
    `'${file}' is not a dbos-replay trace: its "format" is "something-else". ` +
      `Expected "format": "dbos-replay-trace" or a DBOS workflow export (an array of exported workflows).`,
  );
  await writeFile(file, '42');
  await rejectsWith(
    file,
    ErrorCode.NotATrace,
    `'${file}' is not a dbos-replay trace: it is a JSON number. ` +
      `Expected "format": "dbos-replay-trace" or a DBOS workflow export (an array of exported workflows).`,
  );
});

test('corrupt trace: future version', async () => {
  const file = path.join(dir, 'future.json');
  await writeFile(file, JSON.stringify({ format: TRACE_FORMAT, version: 7, workflows: [] }));
  await rejectsWith(
    file,
    ErrorCode.UnsupportedTraceVersion,
    `Trace file '${file}' has format version 7; this dbos-replay ` +
      `reads version 1. Update dbos-replay, or export the trace again with this version.`,
  );
});

test('corrupt trace: missing fields', async () => {
  const file = path.join(dir, 'fields.json');
  const status = { workflow_uuid: 'w', status: 'SUCCESS', name: 'n', created_at: 1 };
  const op = { workflow_uuid: 'w', function_id: 0, function_name: 's', output: null, error: null };
  const base = {
    format: TRACE_FORMAT,
    version: TRACE_FORMAT_VERSION,
    createdAt: 'x',
    source: { kind: 'file' },
    rootWorkflowId: 'w',
  };
  const wf = {
    workflow_status: status,
    operation_outputs: [op, { ...op, function_id: 'one' }],
    workflow_events: [],
    workflow_events_history: [],
    streams: [],
  };
  await writeFile(file, JSON.stringify({ ...base, workflows: [wf] }));
  await rejectsWith(
    file,
    ErrorCode.TraceFieldMissing,
    `Trace file '${file}' is missing field ` +
      'workflows[0].operation_outputs[1].function_id (an integer, not "one"). Re-export it with `dbos-replay export`.',
  );
  await writeFile(file, JSON.stringify({ ...base, workflows: [{ ...wf, operation_outputs: [], streams: undefined }] }));
  await rejectsWith(
    file,
    ErrorCode.TraceFieldMissing,
    `Trace file '${file}' is missing field ` +
      'workflows[0].streams (an array). Re-export it with `dbos-replay export`.',
  );
  const { rootWorkflowId: _r, ...noRoot } = base;
  await writeFile(file, JSON.stringify({ ...noRoot, workflows: [wf] }));
  await rejectsWith(
    file,
    ErrorCode.TraceFieldMissing,
    `Trace file '${file}' is missing field rootWorkflowId (a string). ` + 'Re-export it with `dbos-replay export`.',
  );
});

test('a 10,000-operation trace loads in well under a second', async () => {
  const ops = Array.from({ length: 10_000 }, (_, i) => ({
    workflow_uuid: 'big',
    function_id: i,
    function_name: i % 2 ? 'DBOS.sleep' : 'stepWithAName',
    output: JSON.stringify({ json: { i, payload: 'x'.repeat(100) }, __dbos_serializer: 'superjson' }),
    error: null,
    child_workflow_id: null,
    started_at_epoch_ms: 1_700_000_000_000 + i,
    completed_at_epoch_ms: 1_700_000_000_001 + i,
    serialization: 'js_superjson',
  }));
  const trace: Trace = {
    format: TRACE_FORMAT,
    version: TRACE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    source: { kind: 'file' },
    rootWorkflowId: 'big',
    workflows: [
      {
        workflow_status: {
          workflow_uuid: 'big',
          status: 'SUCCESS',
          name: 'bigWf',
          class_name: null,
          config_name: null,
          authenticated_user: '',
          assumed_role: '',
          authenticated_roles: '[]',
          inputs: '{"json":[],"__dbos_serializer":"superjson"}',
          output: null,
          error: null,
          executor_id: 'local',
          created_at: 1,
          updated_at: 2,
          application_version: 'v',
          application_id: '',
          recovery_attempts: 1,
          queue_name: null,
          workflow_timeout_ms: null,
          workflow_deadline_epoch_ms: null,
          started_at_epoch_ms: null,
          deduplication_id: null,
          priority: 0,
          queue_partition_key: null,
          forked_from: null,
          parent_workflow_id: null,
          serialization: 'js_superjson',
        },
        operation_outputs: ops,
        workflow_events: [],
        workflow_events_history: [],
        streams: [],
      },
    ],
    notifications: [],
  };
  const file = path.join(dir, 'big.json');
  const w0 = performance.now();
  await writeTraceFile(file, trace);
  const writeMs = performance.now() - w0;
  const t0 = performance.now();
  const loaded = await readTraceFile(file);
  const loadMs = performance.now() - t0;
  process.stderr.write(`trace with 10,000 operations: write ${writeMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms\n`);
  assert.equal(loaded.workflows[0].operation_outputs.length, 10_000);
  assert.equal(loaded.workflows[0].operation_outputs[9_999].function_id, 9_999);
  assert.ok(loadMs < 500, `load took ${loadMs} ms`);
});
