// Recorded values as people read them in a replay of the v5 fixtures, where stored outputs and errors are long (past
// the 200 characters a raw cut once kept): `run` text and `--json` trail, `show`, and the debug adapter's Debug Console,
// stop messages and Workflow scope never show the stored serializer envelope. Runs in the test process; the CLI, the
// adapter and the replayed programs are their own processes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import pg from 'pg';
import { withAdapter, type DapTest } from '../../debug-adapter/test/dapHarness.js';
import { runNode, type NodeRun } from '../../test-support/runNode.js';
import { fixtureUrl } from '../../test-support/testDatabase.js';
import { assertNoEnvelope } from '../src/values/testing/storedValues.js';

const root = path.resolve(__dirname, '..', '..');
const CLI = path.join(root, 'dist', 'cli.js');
const v5 = path.join(root, 'test-fixtures', 'app-v5');
const catalogTs = path.join(v5, 'src', 'workflows', 'catalog.ts');
const recorded = !!process.env.DBOS_REPLAY_FX_V5_SYS_URL && existsSync(path.join(v5, 'dist', 'main.js'));
const skip = !recorded && 'v5 fixtures not recorded';
/** catalog-export: Dates, bigints, Maps, Sets, Buffers, undefined, long errors; audit-orders: a getStatus record. */
const WORKFLOWS = ['catalog-export', 'audit-orders'];

function cli(args: string[]): Promise<NodeRun> {
  return runNode([CLI, ...args], { cwd: v5, env: { DBOS_SYSTEM_DATABASE_URL: undefined, DATABASE_URL: undefined } });
}

describe('recorded values in a replay never show the stored envelope', { skip }, () => {
  let sys: pg.Client;
  before(async () => {
    sys = new pg.Client({ connectionString: fixtureUrl('v5') });
    await sys.connect();
  });
  after(async () => {
    await sys?.end();
  });

  test('the fixtures store long values in the envelope (what the other tests must not show)', async () => {
    const r = await sys.query<{ function_name: string; n: number; text: string }>(
      `SELECT function_name, length(coalesce(output, error)) AS n, coalesce(output, error) AS text FROM dbos.operation_outputs
        WHERE workflow_uuid = 'catalog-export' AND function_id IN (8, 11, 12) ORDER BY function_id`,
    );
    assert.deepEqual(
      r.rows.map((x) => x.function_name),
      ['productRecord', 'lockCatalog', 'parseFeed'],
    );
    for (const x of r.rows) {
      assert.ok(x.n > 200, `${x.function_name} stores ${x.n} characters`);
      assert.match(x.text, /"json":.*"__dbos_serializer":"superjson"/);
    }
  });

  test('dbos-replay run: the trail text and the --json trail summaries', async () => {
    for (const id of WORKFLOWS) {
      const text = await cli(['run', id, '--program', 'dist/main.js', '--db', fixtureUrl('v5')]);
      assert.equal(text.code, 0, text.stdout + text.stderr);
      assertNoEnvelope(text.stdout, `run ${id}`);
      const json = await cli(['run', id, '--program', 'dist/main.js', '--db', fixtureUrl('v5'), '--json']);
      assert.equal(json.code, 0, json.stderr);
      const trail = (JSON.parse(json.stdout) as { trail: { name: string; summary?: string }[] }).trail;
      for (const t of trail) if (t.summary !== undefined) assertNoEnvelope(t.summary, `run ${id} --json: ${t.name}`);
      if (id === 'catalog-export') {
        assert.match(
          text.stdout,
          /#8 +productRecord → \{"sku":"sku-1","launched":"2025-12-31T23:59:59\.999Z","sold":"99",.*…\n/,
        );
        assert.match(
          text.stdout,
          /#11 +lockCatalog ✗ Error: catalog is locked by another export +\(recorded error\)\n/,
        );
        assert.equal(trail.find((t) => t.name === 'discontinuedReason')?.summary, 'undefined');
      }
    }
  });

  test('dbos-replay show: the operations table and --json', async () => {
    for (const id of WORKFLOWS) {
      for (const args of [[], ['--json']]) {
        const r = await cli(['show', id, '--db', fixtureUrl('v5'), ...args]);
        assert.equal(r.code, 0, r.stderr);
        assertNoEnvelope(r.stdout, `show ${id} ${args.join(' ')}`);
      }
    }
  });

  test('the debug adapter: Debug Console trail, step messages, stop messages and the Workflow scope', () =>
    withAdapter(async (t) => {
      await t.dc.initializeRequest({
        adapterID: 'dbos-replay',
        linesStartAt1: true,
        columnsStartAt1: true,
        pathFormat: 'path',
      });
      const launching = t.dc.launchRequest({
        program: path.join(v5, 'dist', 'main.js'),
        cwd: v5,
        workflowId: 'catalog-export',
        databaseUrl: fixtureUrl('v5'),
        stopOnEntry: false,
      } as DebugProtocol.LaunchRequestArguments);
      await t.waitFor('initialized');
      await t.dc.setBreakpointsRequest({ source: { path: catalogTs }, breakpoints: [{ line: 130 }] });
      await t.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'error' }] });
      await t.dc.setExceptionBreakpointsRequest({ filters: ['divergence'] });
      await t.dc.configurationDoneRequest();
      await launching;

      await t.stopped('breakpoint'); // `const record = await Catalog.productRecord();`
      await t.dc.nextRequest({ threadId: 1 });
      await t.stopped('step');
      await t.waitFor('output', (e) =>
        /Stepped over #8 productRecord: it returned the recorded \{"sku":"sku-1",/.test(e.body.output),
      );
      // Paused before each recorded error is thrown: the Workflow scope shows the runtime's text of the recording.
      for (const [want, error] of [
        [/#11 lockCatalog/, /^"Error: catalog is locked by another export"$/],
        [/#12 parseFeed/, /^"Error: feed rejected"$/],
      ] as const) {
        await t.dc.continueRequest({ threadId: 1 });
        const stop = await t.stopped('function breakpoint');
        assert.match(stop.body.description ?? '', want);
        const last = await lastOperation(t);
        assert.match(last.get('recordedError')!.value, error);
        for (const v of last.values()) assertNoEnvelope(v.value, `Workflow scope lastOperation.${v.name}`);
      }
      await t.dc.continueRequest({ threadId: 1 });
      await t.waitFor('terminated');

      const console = t.events
        .filter((e) => e.event === 'output')
        .map((e) => e.body.output as string)
        .join('');
      assert.match(console, /#8 productRecord → \{"sku":"sku-1",/);
      assert.match(console, /#12 parseFeed → threw Error: feed rejected/);
      assertNoEnvelope(console, 'the Debug Console');
      for (const e of t.events.filter((x) => x.event === 'stopped')) {
        assertNoEnvelope(`${e.body.description ?? ''} ${e.body.text ?? ''}`, `the stop message ${e.body.description}`);
      }
    }));
});

/** The Workflow scope's `lastOperation`, by field. */
async function lastOperation(t: DapTest): Promise<Map<string, DebugProtocol.Variable>> {
  const frame = await t.topFrame();
  const scopes = await t.dc.scopesRequest({ frameId: frame.id });
  const wf = scopes.body.scopes.find((s) => s.name === 'Workflow');
  assert.ok(wf, `a Workflow scope among ${scopes.body.scopes.map((s) => s.name).join(', ')}`);
  const vars = await t.dc.variablesRequest({ variablesReference: wf.variablesReference });
  const last = vars.body.variables.find((v) => v.name === 'lastOperation');
  assert.ok(last?.variablesReference, 'lastOperation is an object');
  const fields = await t.dc.variablesRequest({ variablesReference: last.variablesReference });
  return new Map(fields.body.variables.map((v) => [v.name, v]));
}
