// The history reader against the fixture apps' recordings (test-fixtures/app-v5 on SDK 5.3, app-v4 on SDK 4.26):
// every workflow of each manifest read, rendered and round-tripped through a trace file. Runs in the test process.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtureUrl } from '../../../test-support/testDatabase.js';
import { readTraceFile, writeTraceFile } from '../trace/traceFile.js';
import { renderWorkflowDetail } from '../../../replay-runtime/src/values/workflowView.js';
import { HistoryReader } from './historyReader.js';
import { loadFixtureManifest, type FixtureApp, type FixtureWorkflow } from '../../../test-support/fixtureManifest.js';

function manifest(app: FixtureApp): FixtureWorkflow[] {
  return loadFixtureManifest(app).workflows;
}

function recorded(app: 'v4' | 'v5'): boolean {
  return Boolean(process.env[`DBOS_REPLAY_FX_${app.toUpperCase()}_SYS_URL`]);
}

for (const app of ['v5', 'v4'] as const) {
  describe(
    `fixture app ${app}`,
    { skip: recorded(app) ? false : `fixture ${app} not recorded (DBOS_REPLAY_FIXTURES)` },
    () => {
      let reader: HistoryReader;
      let dir: string;
      before(async () => {
        reader = await HistoryReader.connect(fixtureUrl(app));
        dir = await mkdtemp(path.join(tmpdir(), `dbos-replay-fx-${app}-`));
      });
      after(async () => {
        await reader?.close();
        if (dir) await rm(dir, { recursive: true, force: true });
      });

      test('schema generation', () => {
        assert.equal(reader.schemaInfo.generation, app);
        assert.equal(reader.schemaInfo.hasPayloadTables, app === 'v5');
      });

      test('exportWorkflows / loadTraces: one set-based read gives what exportWorkflow gives per workflow, in order', async () => {
        const ids = [
          ...manifest(app)
            .map((m) => m.id)
            .reverse(),
          'no-such-workflow',
        ];
        const many = await reader.exportWorkflows(ids);
        assert.equal(many.length, ids.length);
        for (const [i, id] of ids.entries()) assert.deepEqual(many[i], await reader.exportWorkflow(id), id);
        assert.equal(many.at(-1), undefined);
        const traces = await reader.loadTraces(ids.slice(0, 3));
        assert.deepEqual(
          traces.map((t) => [t.rootWorkflowId, t.workflows.length, t.workflows[0].workflow_status.workflow_uuid]),
          ids.slice(0, 3).map((id) => [id, 1, id]),
        );
        await assert.rejects(reader.loadTraces(['no-such-workflow']), (e: Error & { code?: number }) => e.code === 301);
        // Under a small per-workflow bound a set is read in halves; a single workflow past the bound is refused.
        const small = await HistoryReader.connect(fixtureUrl(app), { limits: { operationsPerWorkflow: 8 } });
        try {
          const read = many.filter((w) => w !== undefined);
          const fits = read.filter((w) => w.operation_outputs.length <= 8).map((w) => w.workflow_status.workflow_uuid);
          assert.deepEqual(await small.exportWorkflows(fits), await reader.exportWorkflows(fits));
          const big = read.find((w) => w.operation_outputs.length > 8);
          if (big)
            await assert.rejects(
              small.exportWorkflows([big.workflow_status.workflow_uuid, ...fits]),
              /operation_outputs has more than 8 rows/,
            );
        } finally {
          await small.close();
        }
      });

      test('every manifest workflow reads with its name, class, status, parent and operations', async () => {
        for (const m of manifest(app)) {
          const d = await reader.getWorkflow(m.id);
          const s = d.summary;
          assert.deepEqual(
            [s.name, s.className, s.configName, s.status],
            [m.name, m.className, m.configName, m.status],
            m.id,
          );
          if (m.parent) assert.equal(s.parentWorkflowId, m.parent, m.id);
          if (m.operations) {
            assert.deepEqual(
              d.exported.operation_outputs.map((o) => [o.function_id, o.function_name]),
              m.operations,
              m.id,
            );
          }
          const fids = d.exported.operation_outputs.map((o) => o.function_id);
          assert.deepEqual(
            fids,
            [...fids].sort((a, b) => a - b),
            `${m.id}: function_id order`,
          );
          // Children found by parent_workflow_id are the manifest's workflows naming this one as parent.
          const kids = manifest(app)
            .filter((k) => k.parent === m.id)
            .map((k) => k.id)
            .sort();
          if (kids.length) assert.deepEqual(d.children.map((c) => c.workflowId).sort(), kids, m.id);
          // Every value renders without throwing; SUCCESS/ERROR workflows have decodable inputs and outcome.
          const v = await renderWorkflowDetail(d);
          if (m.status === 'SUCCESS' || m.status === 'ERROR') {
            assert.ok(st(v.workflow.inputs), `${m.id}: inputs decode`);
            assert.ok(
              m.status === 'SUCCESS' ? st(v.workflow.output) : v.workflow.error !== null,
              `${m.id}: outcome present`,
            );
          }
        }
      });

      test('every root workflow exports to a trace file and reads back equal', async () => {
        for (const m of manifest(app).filter((w) => !w.parent)) {
          const trace = await reader.loadTrace(m.id);
          const kids = manifest(app)
            .filter((k) => k.parent === m.id)
            .map((k) => k.id);
          for (const k of kids)
            assert.ok(
              trace.workflows.some((w) => w.workflow_status.workflow_uuid === k),
              `${m.id} → ${k}`,
            );
          const file = path.join(dir, `${m.id}.json`);
          await writeTraceFile(file, trace);
          assert.deepEqual(await readTraceFile(file), JSON.parse(JSON.stringify(trace)), m.id);
        }
      });
    },
  );
}

/** A rendered value is decodable unless it is the `{ raw, undecodable }` flag. */
function st(v: unknown): boolean {
  return !(v && typeof v === 'object' && 'undecodable' in v);
}
