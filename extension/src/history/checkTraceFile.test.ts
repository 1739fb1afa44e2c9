// Bad input: a trace file that is not one (not JSON, JSON of another kind, missing) fails with a message naming the file.
// Runs in the test process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeTraceFile } from '../../../history/src/trace/traceFile.js';
import { TRACE_FORMAT, TRACE_FORMAT_VERSION } from '../../../protocol/traceModel.js';
import { checkTraceFile } from './checkTraceFile.js';

test('files that are not traces are refused with a clear message; a trace passes', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbos-replay-ext-trace-'));
  try {
    const notJson = path.join(dir, 'notes.json');
    writeFileSync(notJson, 'hello, not json');
    const other = path.join(dir, 'package.json');
    writeFileSync(other, '{"name":"shop","version":"1.0.0"}');
    for (const [file, pattern] of [
      [notJson, /notes\.json.*not JSON|not JSON.*notes\.json/i],
      [other, /package\.json/],
      [path.join(dir, 'missing.json'), /missing\.json/],
    ] as const) {
      const r = await checkTraceFile(file);
      assert.equal(r.ok, false, file);
      if (!r.ok) assert.match(r.message, pattern);
    }
    const good = path.join(dir, 'w.trace.json');
    await writeTraceFile(good, {
      format: TRACE_FORMAT,
      version: TRACE_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      source: { kind: 'file' },
      rootWorkflowId: 'w1',
      workflows: [
        {
          workflow_status: {
            workflow_uuid: 'w1',
            status: 'SUCCESS',
            name: 'f',
            class_name: null,
            config_name: null,
            authenticated_user: null,
            assumed_role: null,
            authenticated_roles: null,
            inputs: null,
            output: null,
            error: null,
            executor_id: null,
            created_at: 1,
            updated_at: 2,
            application_version: null,
            application_id: null,
            recovery_attempts: 0,
            queue_name: null,
            workflow_timeout_ms: null,
            workflow_deadline_epoch_ms: null,
            started_at_epoch_ms: null,
            deduplication_id: null,
            priority: 0,
            queue_partition_key: null,
            forked_from: null,
            parent_workflow_id: null,
            serialization: null,
          },
          operation_outputs: [],
          workflow_events: [],
          workflow_events_history: [],
          streams: [],
        },
      ],
    });
    assert.deepEqual(await checkTraceFile(good), { ok: true, rootWorkflowId: 'w1', workflows: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
