// Trace files refused before or while reading: function_id that is a string or a duplicate, a 600 MB file, /dev/zero.
// Runs in the test process (node --test); the large file is sparse (truncate), so it takes no disk space.
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ErrorCode, HistoryError } from '../errors.js';
import { readTraceFile } from './traceFile.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dbos-replay-trace-refusals-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejects(file: string, code: number, check: (m: string) => void): Promise<void> {
  await assert.rejects(readTraceFile(file), (e: unknown) => {
    assert.ok(e instanceof HistoryError, String(e));
    assert.equal(e.code, code, e.message);
    check(e.message);
    return true;
  });
}

const op = (fid: unknown, name = 's') => ({
  workflow_uuid: 'w',
  function_id: fid,
  function_name: name,
  output: null,
  error: null,
  child_workflow_id: null,
});
const exported = (ops: unknown[]) => [
  {
    workflow_status: { workflow_uuid: 'w', status: 'SUCCESS', name: 'n', created_at: 1, inputs: null, output: null },
    operation_outputs: ops,
    workflow_events: [],
    workflow_events_history: [],
    streams: [],
  },
];

test('a trace with function_id "2" (a string) is refused as the format says', async () => {
  const file = path.join(dir, 'string-fid.json');
  await writeFile(file, JSON.stringify(exported([op(0), op('2')])));
  await rejects(file, ErrorCode.TraceFieldMissing, (m) =>
    assert.equal(
      m,
      `Trace file '${file}' is missing field [0].operation_outputs[1].function_id (an integer, not "2"). ` +
        'Re-export it with `dbos-replay export`.',
    ),
  );
  await writeFile(file, JSON.stringify(exported([op(0), op(1.5)])));
  await rejects(file, ErrorCode.TraceFieldMissing, (m) => assert.match(m, /function_id \(an integer, not 1\.5\)/));
});

test('a trace with two rows for one function_id is refused as corrupt, naming the workflow and the step', async () => {
  const file = path.join(dir, 'dup-fid.json');
  await writeFile(file, JSON.stringify(exported([op(0), op(1, 'charge'), op(1, 'charge'), op(2)])));
  await rejects(file, ErrorCode.CorruptRecording, (m) =>
    assert.match(
      m,
      new RegExp(
        `^Workflow 'w' in trace file '${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' has 2 operation_outputs rows ` +
          `for step 1 \\(function_id 1, 'charge'\\): a DBOS recording has exactly one row per step`,
      ),
    ),
  );
});

test('a 600 MB trace file is refused with its size and the limit, before it is read', async () => {
  const file = path.join(dir, 'huge.json');
  const h = await open(file, 'w');
  await h.truncate(600 * 1024 * 1024);
  await h.close();
  await rejects(file, ErrorCode.TraceFileTooLarge, (m) =>
    assert.equal(
      m,
      `Trace file '${file}' is 600.0 MiB (629145600 bytes); dbos-replay reads trace files of at most 256.0 MiB ` +
        '(268435456 bytes) (history/TRACE_FORMAT.md). Export one workflow at a time (`dbos-replay export <id> -o ' +
        '<file>`), or replay it from the database (`dbos-replay run <id> --db …`) instead of a file.',
    ),
  );
});

test('/dev/zero and a directory are refused as not regular files', async () => {
  await rejects('/dev/zero', ErrorCode.TraceFileTooLarge, (m) =>
    assert.equal(
      m,
      "Cannot read the trace file '/dev/zero': it is a character device, not a regular file. Pass the path of a " +
        'trace written by `dbos-replay export <id> -o <file>`.',
    ),
  );
  await assert.rejects(readTraceFile(dir), (e: unknown) => e instanceof HistoryError && /directory/.test(e.message));
});
