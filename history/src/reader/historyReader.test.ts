// The history reader against real recordings made by the SDK (sampleApp.ts), plus deliberately altered copies.
// Runs in the test process (node --test).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorCode, HistoryError } from '../errors.js';
import { adminQuery, sampleRecordingUrl, scratchCopyOfSample, TRICKY_IDS } from '../testing/sampleRecording.js';
import { renderValue } from '../../../replay-runtime/src/values/renderValue.js';
import { renderWorkflowDetail } from '../../../replay-runtime/src/values/workflowView.js';
import { HistoryReader } from './historyReader.js';

let url: string;
let reader: HistoryReader;

before(async () => {
  url = await sampleRecordingUrl();
  reader = await HistoryReader.connect(url);
});
after(async () => {
  await reader?.close();
});

test('detects a 5.3 schema', () => {
  assert.deepEqual(reader.schemaInfo, {
    schema: 'dbos',
    migrationVersion: 123,
    generation: 'v5',
    hasPayloadTables: true,
  });
  assert.equal(reader.warning, undefined);
});

test('getWorkflow reads a real recording end to end', async () => {
  const d = await reader.getWorkflow('sample-parent');
  assert.equal(d.summary.name, 'parentWf');
  assert.equal(d.summary.status, 'SUCCESS');
  assert.equal(d.summary.applicationVersion, 'sample-v1');
  const ops = d.exported.operation_outputs;
  assert.deepEqual(
    ops.map((o) => [o.function_id, o.function_name]),
    [
      [0, 'makeValues'],
      [1, 'failingStep'],
      [2, 'DBOS.setEvent'],
      [3, 'DBOS.setEvent'],
      [4, 'DBOS.send'],
      [5, 'DBOS.recv'],
      [6, 'DBOS.sleep'],
      [7, 'DBOS.writeStream'],
      [8, 'DBOS.writeStream'],
      [9, 'DBOS.closeStream'],
      [10, 'childWf'],
      [11, 'DBOS.getResult'],
      [12, 'childWf'],
      [13, 'DBOS.getResult'],
    ],
  );
  assert.deepEqual(
    ops.filter((o) => o.child_workflow_id).map((o) => [o.function_id, o.child_workflow_id]),
    [
      [10, 'sample-parent-10'],
      [11, 'sample-parent-10'],
      [12, 'sample-explicit-child'],
      [13, 'sample-explicit-child'],
    ],
  );
  for (const o of ops) {
    assert.equal(typeof o.started_at_epoch_ms, 'number');
    assert.ok(o.completed_at_epoch_ms! >= o.started_at_epoch_ms!);
  }
  // Payloads come from workflow_input / workflow_output (the legacy columns are NULL in 5.3).
  const st = d.exported.workflow_status;
  assert.equal(typeof st.created_at, 'number');
  assert.deepEqual(await renderValue(st.inputs, st.serialization), {
    ok: true,
    value: [{ n: 3, when: '1970-01-02T00:00:00.000Z' }],
  });
  assert.deepEqual(await renderValue(st.output, st.serialization), {
    ok: true,
    value: { msg: { hello: 'self' }, c: 'child:21', e: 'child:5', n: 3 },
  });
  assert.equal(st.error, null);
  assert.deepEqual(
    d.children.map((c) => [c.workflowId, c.name, c.parentWorkflowId]),
    [
      ['sample-parent-10', 'childWf', 'sample-parent'],
      ['sample-explicit-child', 'childWf', 'sample-parent'],
    ],
  );
  assert.deepEqual(
    d.exported.workflow_events.map((e) => e.key),
    ['progress'],
  );
  assert.deepEqual(
    d.exported.workflow_events_history.map((e) => [e.function_id, e.key]),
    [
      [2, 'progress'],
      [3, 'progress'],
    ],
  );
  assert.deepEqual(
    d.exported.streams.map((s) => [s.key, s.offset, s.function_id, s.serialization]),
    [
      ['s1', 0, 7, 'js_superjson'],
      ['s1', 1, 8, 'js_superjson'],
      ['s1', 2, 9, 'portable_json'],
    ],
  );
  assert.equal(d.notifications.length, 1);
  assert.deepEqual(
    { ...d.notifications[0], message_uuid: '', created_at_epoch_ms: 0 },
    {
      message_uuid: '',
      destination_uuid: 'sample-parent',
      topic: 'topicA',
      message: '{"json":{"hello":"self"},"__dbos_serializer":"superjson"}',
      created_at_epoch_ms: 0,
      serialization: 'js_superjson',
      consumed: true,
      consumed_by_function_id: 5,
    },
  );
});

test('rendered view decodes every kind of value', async () => {
  const v = await renderWorkflowDetail(await reader.getWorkflow('sample-parent'));
  const op = (fid: number) => v.operations.find((o) => o.functionId === fid)!;
  assert.deepEqual(op(0).output, {
    n: 3,
    big: '12345678901234567890',
    when: '1970-01-01T00:00:00.000Z',
    m: { k: 1 },
    s: [1, 'a'],
    buf: [1, 2, 255],
    u: { $undefined: true },
  });
  const err = op(1).error as Record<string, unknown>;
  assert.equal(err.name, 'SampleError');
  assert.equal(err.message, 'boom');
  assert.equal(err.extra, 42);
  assert.match(String(err.stack), /^SampleError: boom\n/);
  assert.equal(op(2).output, null); // setEvent: void
  assert.equal(typeof op(6).output, 'number'); // sleep: the wake-up epoch
  assert.deepEqual(op(5).output, { hello: 'self' });
  assert.deepEqual(
    v.streams.map((s) => s.value),
    [{ x: 1 }, 2, '__DBOS_STREAM_CLOSED__'],
  );
  assert.deepEqual(
    v.eventHistory.map((e) => e.value),
    [1, { done: true }],
  );
  const failing = await renderWorkflowDetail(await reader.getWorkflow('sample-failing'));
  assert.equal(failing.workflow.status, 'ERROR');
  assert.equal((failing.workflow.error as Record<string, unknown>).message, 'workflow failed: on purpose');
  assert.deepEqual(failing.workflow.inputs, ['on purpose']);
});

test('unknown workflow ID', async () => {
  const target = new URL(url);
  await assert.rejects(reader.getWorkflow('abc'), (e: unknown) => {
    assert.ok(e instanceof HistoryError);
    assert.equal(e.code, ErrorCode.WorkflowNotFound);
    assert.equal(
      e.message,
      `No recorded workflow 'abc' in dbos.workflow_status at ${target.hostname}:${target.port}` +
        `${target.pathname}. Check the ID with \`dbos-replay list\`.`,
    );
    return true;
  });
  await assert.rejects(reader.loadTrace('abc'), { code: ErrorCode.WorkflowNotFound });
});

test('loadTrace: root first, then all descendants (grandchild included), with messages', async () => {
  const t = await reader.loadTrace('sample-parent');
  assert.equal(t.rootWorkflowId, 'sample-parent');
  assert.deepEqual(
    t.workflows.map((w) => w.workflow_status.workflow_uuid),
    ['sample-parent', 'sample-parent-10', 'sample-explicit-child', 'sample-parent-10-1'],
  );
  assert.deepEqual(t.source, {
    kind: 'postgres',
    database: reader.target,
    schema: 'dbos',
    migrationVersion: 123,
    generation: 'v5',
  });
  assert.equal(t.notifications?.length, 1);
  const limited = await HistoryReader.connect(url, { limits: { workflowsPerTrace: 2 } });
  try {
    await assert.rejects(limited.loadTrace('sample-parent'), (e: unknown) => {
      assert.ok(e instanceof HistoryError);
      assert.equal(
        e.message,
        `Workflow 'sample-parent' has more than 2 descendants at ${reader.target}; a trace holds at most 2 workflows.`,
      );
      return true;
    });
  } finally {
    await limited.close();
  }
});

test('listing: newest first, filters, keyset pages', async () => {
  const all = await reader.listWorkflows({}, { limit: 1000 });
  assert.equal(all.workflows.length, 5 + TRICKY_IDS.length);
  assert.equal(all.nextCursor, null);
  for (let i = 1; i < all.workflows.length; i++)
    assert.ok(all.workflows[i - 1].createdAt >= all.workflows[i].createdAt);
  const children = await reader.listWorkflows({ parentWorkflowId: 'sample-parent' });
  assert.deepEqual(children.workflows.map((w) => w.workflowId).sort(), ['sample-explicit-child', 'sample-parent-10']);
  assert.deepEqual(
    (await reader.listWorkflows({ status: ['ERROR'] })).workflows.map((w) => w.workflowId),
    ['sample-failing'],
  );
  assert.equal((await reader.listWorkflows({ name: 'plainWf' })).workflows.length, TRICKY_IDS.length);
  assert.equal((await reader.listWorkflows({ applicationVersion: 'nope' })).workflows.length, 0);
  // Pages of 3 cover everything exactly once.
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await reader.listWorkflows({}, { limit: 3, cursor });
    seen.push(...page.workflows.map((w) => w.workflowId));
    cursor = page.nextCursor;
  } while (cursor);
  assert.deepEqual(
    seen,
    all.workflows.map((w) => w.workflowId),
  );
  await assert.rejects(reader.listWorkflows({}, { cursor: 'garbage' }), { code: ErrorCode.InvalidCursor });
});

test('filters with quotes and SQL/LIKE metacharacters match literally and change nothing', async () => {
  const before = await adminQuery(url, 'SELECT count(*)::int AS n FROM dbos.workflow_status');
  const ids = async (f: Parameters<HistoryReader['listWorkflows']>[0]) =>
    (await reader.listWorkflows(f, { limit: 100 })).workflows.map((w) => w.workflowId).sort();
  assert.deepEqual(await ids({ idPrefix: 'pct%' }), ['pct%1']);
  assert.deepEqual(await ids({ idPrefix: 'under_' }), ['under_1']);
  assert.deepEqual(await ids({ idPrefix: 'back\\' }), ['back\\slash']);
  assert.deepEqual(await ids({ idPrefix: "it's'" }), ["it's'; DROP TABLE dbos.workflow_status; --"]);
  assert.deepEqual(await ids({ idPrefix: '%' }), []);
  assert.deepEqual(await ids({ idPrefix: '_' }), []);
  assert.deepEqual(await ids({ name: "'; DROP TABLE dbos.workflow_status; --" }), []);
  assert.deepEqual(await ids({ parentWorkflowId: "x' OR '1'='1" }), []);
  assert.deepEqual(await ids({ className: '%' }), []);
  const d = await reader.getWorkflow("it's'; DROP TABLE dbos.workflow_status; --");
  assert.equal(d.exported.operation_outputs[0].function_name, 'upper');
  const afterCount = await adminQuery(url, 'SELECT count(*)::int AS n FROM dbos.workflow_status');
  assert.equal(afterCount.rows[0].n, before.rows[0].n);
});

test('a value that is not valid JSON is returned raw and flagged', async () => {
  const db = await scratchCopyOfSample();
  try {
    await adminQuery(
      db.url,
      `UPDATE dbos.operation_outputs SET output = '{"json": {"a": 1' WHERE workflow_uuid = 'sample-parent' AND function_id = 0`,
    );
    await adminQuery(
      db.url,
      `UPDATE dbos.workflow_output SET output = 'plain text' WHERE workflow_uuid = 'sample-parent'`,
    );
    await adminQuery(
      db.url,
      `UPDATE dbos.operation_outputs SET serialization = 'my_custom' WHERE workflow_uuid = 'sample-parent' AND function_id = 5`,
    );
    const r = await HistoryReader.connect(db.url);
    try {
      const v = await renderWorkflowDetail(await r.getWorkflow('sample-parent'));
      const op0 = v.operations[0].output as Record<string, string>;
      assert.equal(op0.raw, '{"json": {"a": 1');
      assert.match(op0.undecodable, /^cannot decode as js_superjson: /);
      assert.deepEqual(v.workflow.output, {
        raw: 'plain text',
        undecodable: `cannot decode as js_superjson: Unexpected token 'p', "plain text" is not valid JSON`,
      });
      assert.deepEqual(v.operations[5].output, {
        raw: '{"json":{"hello":"self"},"__dbos_serializer":"superjson"}',
        undecodable: 'cannot decode as my_custom: Value deserialization type my_custom is not available',
      });
      assert.deepEqual(v.operations[1].output, null); // the other rows are unaffected
    } finally {
      await r.close();
    }
  } finally {
    await db.drop();
  }
});

test('payloads: COALESCE(payload table, legacy column) in a 5.x schema, legacy columns in a 4.x-shaped one', async () => {
  const db = await scratchCopyOfSample();
  try {
    // A row written before the payload tables: only the legacy column holds the inputs.
    await adminQuery(
      db.url,
      `UPDATE dbos.workflow_status SET inputs = '{"json":["legacy"],"__dbos_serializer":"superjson"}' WHERE workflow_uuid = 'pctX1'`,
    );
    await adminQuery(db.url, `DELETE FROM dbos.workflow_input WHERE workflow_uuid = 'pctX1'`);
    let r = await HistoryReader.connect(db.url);
    try {
      assert.equal(
        (await r.getWorkflow('pctX1')).exported.workflow_status.inputs,
        '{"json":["legacy"],"__dbos_serializer":"superjson"}',
      );
      assert.equal(
        (await r.getWorkflow('pct%1')).exported.workflow_status.inputs,
        '{"json":["pct%1"],"__dbos_serializer":"superjson"}',
      );
    } finally {
      await r.close();
    }
    // 4.x shape (hand-made until the 4.26 fixture lands): payloads on workflow_status, no payload tables.
    await adminQuery(
      db.url,
      `
      UPDATE dbos.workflow_status ws SET inputs = wi.inputs FROM dbos.workflow_input wi WHERE wi.workflow_uuid = ws.workflow_uuid;
      UPDATE dbos.workflow_status ws SET output = wo.output, error = wo.error FROM dbos.workflow_output wo WHERE wo.workflow_uuid = ws.workflow_uuid;
      DROP TABLE dbos.workflow_input, dbos.workflow_output;
      ALTER TABLE dbos.notifications DROP COLUMN consumed_by_function_id;
      UPDATE dbos.dbos_migrations SET version = 108;`,
    );
    r = await HistoryReader.connect(db.url);
    try {
      assert.deepEqual(r.schemaInfo, {
        schema: 'dbos',
        migrationVersion: 108,
        generation: 'v4',
        hasPayloadTables: false,
      });
      const v = await renderWorkflowDetail(await r.getWorkflow('sample-parent'));
      assert.deepEqual(v.workflow.inputs, [{ n: 3, when: '1970-01-02T00:00:00.000Z' }]);
      assert.equal((v.workflow.output as Record<string, unknown>).c, 'child:21');
      assert.equal(v.messages[0].consumedByFunctionId, null);
      const f = await renderWorkflowDetail(await r.getWorkflow('sample-failing'));
      assert.equal((f.workflow.error as Record<string, unknown>).message, 'workflow failed: on purpose');
      assert.equal((await r.loadTrace('sample-parent')).source.generation, 'v4');
    } finally {
      await r.close();
    }
  } finally {
    await db.drop();
  }
});

test('a schema version with required columns missing is refused', async () => {
  const db = await scratchCopyOfSample();
  try {
    await adminQuery(db.url, 'ALTER TABLE dbos.operation_outputs DROP COLUMN child_workflow_id');
    await assert.rejects(HistoryReader.connect(db.url), (e: unknown) => {
      assert.ok(e instanceof HistoryError);
      assert.equal(e.code, ErrorCode.UnsupportedSchemaVersion);
      assert.equal(
        e.message,
        `${new URL(db.url).host}/${db.name} has a DBOS schema (migration version 123) that this reader cannot ` +
          'read: dbos.operation_outputs has no column child_workflow_id. Every DBOS SDK schema this reader supports ' +
          '(TS SDK 2.x up to migration 123) has it, so this schema was made by an older DBOS SDK, was altered by hand ' +
          "(a column or table dropped), or is not a DBOS schema. If the app runs an older SDK, upgrade the app's DBOS " +
          'SDK (its launch migrates the schema) and record again; otherwise point --db at the system database the app ' +
          'itself uses, or restore the dropped part.',
      );
      return true;
    });
  } finally {
    await db.drop();
  }
});
