// DAP contract tests of DBOS replay: the v5 fixture app's recordings replayed under the adapter (compiled and tsx),
// Workflow scope, durable stepping, function breakpoints, divergence, recording end, time travel. Runs in the test process.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { HistoryReader } from '../../history/src/reader/historyReader';
import { writeTraceFile } from '../../history/src/trace/traceFile';
import { fixtureStepRuns, fixtureUrl } from '../../test-support/testDatabase';
import { CustomRequest } from '../../protocol/dapProtocol';
import { programsDir, repoRoot, withAdapter, type DapTest } from './dapHarness';

const appDir = path.join(repoRoot, 'test-fixtures', 'app-v5');
const shopTs = path.join(appDir, 'src', 'workflows', 'shop.ts');
const catalogTs = path.join(appDir, 'src', 'workflows', 'catalog.ts');
const operationsTs = path.join(appDir, 'src', 'workflows', 'operations.ts');
const shippingTs = path.join(appDir, 'src', 'workflows', 'shipping.ts');
const recorded = !!process.env.DBOS_REPLAY_FX_V5_SYS_URL && existsSync(path.join(appDir, 'dist', 'main.js'));
const skip = !recorded && 'v5 fixtures not recorded';

function compiled(workflowId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    program: path.join(appDir, 'dist', 'main.js'),
    cwd: appDir,
    workflowId,
    databaseUrl: fixtureUrl('v5', 'sys'),
    ...extra,
  };
}

function output(t: DapTest): string {
  return t.events
    .filter((e) => e.event === 'output')
    .map((e) => e.body.output as string)
    .join('');
}

async function scope(t: DapTest, name: string): Promise<Map<string, DebugProtocol.Variable>> {
  const frame = await t.topFrame();
  const scopes = await t.dc.scopesRequest({ frameId: frame.id });
  const s = scopes.body.scopes.find((x) => x.name === name);
  assert.ok(s, `scope ${name} in ${scopes.body.scopes.map((x) => x.name).join(', ')}`);
  return children(t, s.variablesReference);
}

async function children(t: DapTest, ref: number): Promise<Map<string, DebugProtocol.Variable>> {
  const vars = await t.dc.variablesRequest({ variablesReference: ref });
  return new Map(vars.body.variables.map((v) => [v.name, v]));
}

describe('DBOS replay over DAP', { skip }, () => {
  let runsBefore: Record<string, number>;
  before(async () => {
    runsBefore = await fixtureStepRuns('v5');
  });
  after(async () => {
    if (runsBefore) assert.deepEqual(await fixtureStepRuns('v5'), runsBefore, 'no step body ran during the replays');
  });

  it('compiled dist/main.js: breakpoint in shop.ts, Workflow scope, step over a durable call, step back, verdict at the end', () =>
    withAdapter(async (t) => {
      const [bps] = await t.launch(compiled('checkout-ok'), [{ path: shopTs, breakpoints: [{ line: 86 }] }]);
      assert.equal(bps.body.breakpoints[0].line, 86);
      await t.stopped('breakpoint');
      assert.equal(
        t.events.find((e) => e.event === 'stopped')?.body.reason,
        'breakpoint',
        'without stopOnEntry, no stop before the breakpoint',
      );
      let top = await t.topFrame();
      assert.equal(top.source?.path, shopTs);
      assert.equal(top.line, 86);
      const locals = await t.locals();
      assert.match(locals.get('reservation')!.value, /res-/);
      assert.equal(locals.get('charge')!.value, 'undefined');

      const wf = await scope(t, 'Workflow');
      assert.equal(wf.get('workflowId')!.value, '"checkout-ok"');
      assert.equal(wf.get('status')!.value, '"SUCCESS"');
      assert.match(wf.get('nextRecorded')!.value, /charge/);
      const ops = await children(t, wf.get('operations')!.variablesReference);
      const reserve = await children(t, ops.get('#0 reserve')!.variablesReference);
      assert.match(reserve.get('recordedOutput')!.value, /res-/);
      assert.match(reserve.get('calledWith')!.value, /Array\(1\)/, 'the arguments the replayed code passed');
      assert.match(output(t), /#0 reserve → .*res-/);

      await t.dc.nextRequest({ threadId: 1 });
      await t.stopped('step');
      top = await t.topFrame();
      assert.equal(top.line, 87);
      assert.notEqual((await t.locals()).get('charge')!.value, 'undefined');
      await t.waitFor('output', (e) => /Stepped over #1 charge: it returned the recorded/.test(e.body.output));

      await t.dc.stepBackRequest({ threadId: 1 });
      await t.stopped('breakpoint');
      top = await t.topFrame();
      assert.equal(top.line, 86, 'step back returns to the previous line');
      assert.equal((await t.locals()).get('charge')!.value, 'undefined', 'with the previous values');

      await t.dc.continueRequest({ threadId: 1 });
      await t.waitFor('terminated');
      assert.match(output(t), /Replay match/);
    }));

  it('tsx src/main.ts: breakpoint in shop.ts, step into a durable call stays in user code', () =>
    withAdapter(async (t) => {
      await t.launch({ ...compiled('checkout-ok'), program: path.join(appDir, 'src', 'main.ts') }, [
        { path: shopTs, breakpoints: [{ line: 85 }] },
      ]);
      await t.stopped('breakpoint');
      let top = await t.topFrame();
      assert.equal(top.source?.path, shopTs);
      assert.equal(top.line, 85);
      await t.dc.stepInRequest({ threadId: 1 });
      await t.stopped('step');
      top = await t.topFrame();
      assert.equal(top.source?.path, shopTs);
      assert.equal(top.line, 86);
      await t.waitFor('output', (e) =>
        /Step into #0 reserve: the step body is not executed in replay/.test(e.body.output),
      );
    }));

  for (const [label, program] of [
    ['compiled dist/main.js', 'dist/main.js'],
    ['tsx src/main.ts', 'src/main.ts'],
  ]) {
    it(`stopOnEntry (${label}) stops at the first line of the workflow function, not the program's`, () =>
      withAdapter(async (t) => {
        await t.launch({ ...compiled('checkout-ok'), program: path.join(appDir, program), stopOnEntry: true }, [
          { path: shopTs, breakpoints: [{ line: 87 }] },
        ]);
        const stop = await t.stopped('entry');
        assert.match(stop.body.description ?? '', /Shop\.checkout/);
        const top = await t.topFrame();
        assert.equal(top.source?.path, shopTs);
        assert.equal(top.line, 85, 'the first body line of Shop.checkout');
        assert.equal(t.events.filter((e) => e.event === 'stopped').length, 1, 'the entry stop is the first stop');
        await t.dc.continueRequest({ threadId: 1 });
        await t.stopped('breakpoint');
        assert.equal((await t.topFrame()).line, 87);
        await t.dc.stepBackRequest({ threadId: 1 });
        await t.stopped('entry');
        assert.equal((await t.topFrame()).line, 85, 'time travel goes back to the entry stop');
      }));
  }

  it('"modules" instead of "program": the launcher\'s entry loads them and launches; breakpoint, then the verdict', () =>
    withAdapter(async (t) => {
      // program: undefined is dropped when the launch request is serialized.
      await t.launch(
        compiled('checkout-ok', { program: undefined, modules: [path.join(appDir, 'dist', 'workflows', 'index.js')] }),
        [{ path: shopTs, breakpoints: [{ line: 86 }] }],
      );
      await t.stopped('breakpoint');
      const top = await t.topFrame();
      assert.equal(top.source?.path, shopTs);
      assert.equal(top.line, 86);
      await t.dc.continueRequest({ threadId: 1 });
      await t.waitFor('terminated');
      assert.match(output(t), /Replay match/);
    }));

  it('catalog-export: variables show recorded outputs, a Date and a BigInt among them', () =>
    withAdapter(async (t) => {
      await t.launch(compiled('catalog-export'), [{ path: catalogTs, breakpoints: [{ line: 125 }] }]);
      await t.stopped('breakpoint');
      const locals = await t.locals();
      assert.equal(locals.get('updated')!.type, 'Date');
      assert.equal(locals.get('units')!.type, 'bigint');
      assert.match(locals.get('units')!.value, /^\d+n$/);
      const wf = await scope(t, 'Workflow');
      const ops = await children(t, wf.get('operations')!.variablesReference);
      const first = await children(t, [...ops.values()][0].variablesReference);
      assert.equal(first.get('recordedOutput')!.type, 'Date');
      const second = await children(t, [...ops.values()][1].variablesReference);
      assert.equal(second.get('recordedOutput')!.type, 'bigint');
      assert.equal(first.get('note'), undefined, 'a Date revives as a Date: nothing to note');
    }));

  it('ship-with-fallback: a recorded CarrierError revives as a plain Error, and the Workflow scope and step-over message say so', () =>
    withAdapter(async (t) => {
      await t.launch(compiled('ship-with-fallback'), [{ path: shippingTs, breakpoints: [{ line: 54 }] }]);
      await t.stopped('breakpoint');
      await t.dc.nextRequest({ threadId: 1 });
      await t.stopped('step');
      await t.waitFor('output', (e) =>
        /Stepped over #0 .*quotePremiumCarrier: it threw the recorded error .*CarrierError.*\(revived: plain Error, instanceof CarrierError is false in replay\)/.test(
          e.body.output,
        ),
      );
      const wf = await scope(t, 'Workflow');
      const ops = await children(t, wf.get('operations')!.variablesReference);
      const premium = await children(t, [...ops.values()][0].variablesReference);
      assert.match(premium.get('recordedError')!.value, /CarrierError/);
      assert.equal(premium.get('note')!.value, '"revived: plain Error, instanceof CarrierError is false in replay"');
      const error = await children(t, premium.get('recordedError')!.variablesReference);
      assert.equal(error.get('carrier')!.value, '"acme-air"', 'its fields are kept');
    }));

  it('catalog-export: a class instance (Money) revives as a plain object, noted in the Workflow scope', () =>
    withAdapter(async (t) => {
      await t.launch(compiled('catalog-export'), [{ path: catalogTs, breakpoints: [{ line: 132 }] }]);
      await t.stopped('breakpoint');
      const wf = await scope(t, 'Workflow');
      const ops = await children(t, wf.get('operations')!.variablesReference);
      const priceKey = [...ops.keys()].find((k) => /price$/.test(k));
      assert.ok(priceKey, `the price step in ${[...ops.keys()].join(', ')}`);
      const price = await children(t, ops.get(priceKey)!.variablesReference);
      assert.match(price.get('recordedOutput')!.value, /cents: 1999/);
      assert.match(price.get('note')!.value, /revived: plain object/);
    }));

  it('reverse continue returns to the previous breakpoint hit', () =>
    withAdapter(async (t) => {
      await t.launch(compiled('checkout-ok'), [{ path: shopTs, breakpoints: [{ line: 86 }, { line: 90 }] }]);
      await t.stopped('breakpoint');
      await t.dc.nextRequest({ threadId: 1 });
      await t.stopped('step');
      await t.dc.continueRequest({ threadId: 1 });
      await t.stopped('breakpoint');
      assert.equal((await t.topFrame()).line, 90);
      await t.dc.reverseContinueRequest({ threadId: 1 });
      await t.stopped('breakpoint');
      assert.equal((await t.topFrame()).line, 86);
      assert.equal((await t.locals()).get('charge')!.value, 'undefined');
    }));

  it('function breakpoints on a step name and a #function_id stop at the call site; runToOperation goes back and forth', () =>
    withAdapter(async (t) => {
      await t.dc.initializeRequest({
        adapterID: 'dbos-replay',
        linesStartAt1: true,
        columnsStartAt1: true,
        pathFormat: 'path',
      });
      const launching = t.dc.launchRequest(compiled('checkout-ok') as DebugProtocol.LaunchRequestArguments);
      await t.waitFor('initialized');
      const fbps = await t.dc.setFunctionBreakpointsRequest({
        breakpoints: [{ name: 'charge' }, { name: '#5' }, { name: 'noSuchStep' }],
      });
      assert.deepEqual(
        fbps.body.breakpoints.map((b) => b.verified),
        [true, true, false],
      );
      await t.dc.setExceptionBreakpointsRequest({ filters: ['divergence'] });
      await t.dc.configurationDoneRequest();
      await launching;
      const stop = await t.stopped('function breakpoint');
      assert.deepEqual(stop.body.hitBreakpointIds, [fbps.body.breakpoints[0].id]);
      let top = await t.topFrame();
      assert.equal(top.source?.path, shopTs, 'the stop is shown at the user call site, not in the runtime');
      assert.equal(top.line, 86);
      await t.dc.continueRequest({ threadId: 1 });
      await t.stopped('function breakpoint');
      top = await t.topFrame();
      assert.equal(top.line, 90);

      await t.dc.customRequest(CustomRequest.RunToOperation, { functionId: 2 });
      await t.stopped('step');
      assert.equal((await t.topFrame()).line, 87, 'ran back to #2 DBOS.setEvent');
      await t.dc.stepBackRequest({ threadId: 1 });
      await t.stopped('function breakpoint');
      assert.equal(
        (await t.topFrame()).line,
        86,
        'running back to an operation keeps the history before it: step back reaches the first stop',
      );
      await t.dc.continueRequest({ threadId: 1 });
      await t.stopped('function breakpoint');
      assert.equal((await t.topFrame()).line, 90);
      await t.dc.customRequest(CustomRequest.RunToOperation, { functionId: 6 });
      await t.stopped('step');
      assert.equal((await t.topFrame()).line, 91);
      await assert.rejects(
        t.dc.customRequest(CustomRequest.RunToOperation, { functionId: 99 }),
        /recorded no operation #99/,
      );
    }));

  async function launchWithFunctionBreakpoints(
    t: DapTest,
    breakpoints: DebugProtocol.FunctionBreakpoint[],
  ): Promise<DebugProtocol.SetFunctionBreakpointsResponse> {
    await t.dc.initializeRequest({
      adapterID: 'dbos-replay',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
    });
    const launching = t.dc.launchRequest(compiled('checkout-ok') as DebugProtocol.LaunchRequestArguments);
    await t.waitFor('initialized');
    const fbps = await t.dc.setFunctionBreakpointsRequest({ breakpoints });
    await t.dc.setExceptionBreakpointsRequest({ filters: ['divergence'] });
    await t.dc.configurationDoneRequest();
    await launching;
    return fbps;
  }

  it('a function breakpoint condition is evaluated in the call-site frame', () =>
    withAdapter(async (t) => {
      // DBOS.setEvent is called at line 87 (before `hook` is assigned: the condition throws, so false) and at line 91.
      const fbps = await launchWithFunctionBreakpoints(t, [
        { name: 'DBOS.setEvent', condition: "hook?.outcome === 'paid'" },
        { name: 'charge', condition: 'order.orderId === "nope"' },
      ]);
      assert.deepEqual(
        fbps.body.breakpoints.map((b) => b.verified),
        [true, true],
      );
      const stop = await t.stopped('function breakpoint');
      assert.deepEqual(stop.body.hitBreakpointIds, [fbps.body.breakpoints[0].id]);
      assert.equal((await t.topFrame()).line, 91);
      assert.equal(
        t.events.filter((e) => e.event === 'stopped').length,
        1,
        'charge (condition false) and the first setEvent did not stop',
      );
      await t.dc.continueRequest({ threadId: 1 });
      await t.waitFor('terminated');
    }));

  it('a function breakpoint hit count stops from that hit on; an invalid one is reported', () =>
    withAdapter(async (t) => {
      const fbps = await launchWithFunctionBreakpoints(t, [
        { name: 'DBOS.setEvent', hitCondition: '2' },
        { name: 'charge', hitCondition: 'often' },
      ]);
      assert.equal(fbps.body.breakpoints[0].verified, true);
      assert.equal(fbps.body.breakpoints[1].verified, false);
      assert.match(fbps.body.breakpoints[1].message ?? '', /Invalid hit count "often"/);
      await t.stopped('function breakpoint');
      assert.equal((await t.topFrame()).line, 91, 'the second DBOS.setEvent');
      await t.dc.nextRequest({ threadId: 1 });
      await t.stopped('step');
      assert.equal(
        (await t.topFrame()).line,
        92,
        'a step from the stop at a recorded operation goes over it, in the user code',
      );
      await t.dc.stepBackRequest({ threadId: 1 });
      await t.stopped('function breakpoint');
      assert.equal(
        (await t.topFrame()).line,
        91,
        'the re-run counts the hits afresh (else its first setEvent would be hit 3)',
      );
    }));

  it('a program that throws at import ends the replay session naming it, "before replay started", with its stderr', () =>
    withAdapter(async (t) => {
      const program = path.join(programsDir, 'throwsAtImport.ts');
      await t.launch({ ...compiled('checkout-ok'), program });
      await t.waitFor('terminated');
      const message = output(t).slice(output(t).indexOf('The program'));
      assert.ok(
        message.startsWith(`The program ${program} exited with code 1 before replay started. It wrote to stderr:\n`),
        message,
      );
      assert.match(message, /settings: SHOP_NAME is not set \(thrown at import\)/);
    }));

  it('crash-pending stops where the recording ends, then ends the session naming the verdict', () =>
    withAdapter(async (t) => {
      await t.launch(compiled('crash-pending'), [], ['divergence']);
      const stop = await t.stopped('exception');
      assert.match(stop.body.description ?? '', /recording ends here/);
      assert.match(stop.body.text ?? '', /never completed step 2 \(handOffToCourier\)/);
      const top = await t.topFrame();
      assert.equal(top.source?.path, operationsTs);
      assert.equal(top.line, 38);
      await t.dc.continueRequest({ threadId: 1 });
      await t.waitFor('terminated');
      assert.match(output(t), /Replay incomplete: the recording ends here/);
    }));

  it('a divergent copy of the app stops at the diverging call with recorded vs called', () =>
    withAdapter(async (t) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'dbos-replay-divergent-'));
      cpSync(path.join(appDir, 'src'), path.join(dir, 'src'), { recursive: true });
      cpSync(path.join(appDir, 'dist'), path.join(dir, 'dist'), { recursive: true });
      symlinkSync(path.join(appDir, 'node_modules'), path.join(dir, 'node_modules'));
      for (const f of ['src/workflows/shop.ts', 'dist/workflows/shop.js']) {
        const p = path.join(dir, f);
        writeFileSync(p, readFileSync(p, 'utf8').replace(/\breserve\b/g, 'reserveStock'));
      }
      assert.ok(readdirSync(path.join(dir, 'dist', 'workflows')).includes('shop.js.map'));
      const reader = await HistoryReader.connect(fixtureUrl('v5', 'sys'));
      const traceFile = path.join(dir, 'checkout-ok.trace.json');
      try {
        await writeTraceFile(traceFile, await reader.loadTrace('checkout-ok'));
      } finally {
        await reader.close();
      }
      await t.launch({ program: path.join(dir, 'dist', 'main.js'), cwd: dir, traceFile }, [], ['divergence']);
      const stop = await t.stopped('exception');
      assert.match(stop.body.description ?? '', /Divergence at step 0: recorded reserve, called reserveStock/);
      const top = await t.topFrame();
      assert.equal(top.source?.path, path.join(dir, 'src', 'workflows', 'shop.ts'));
      assert.equal(top.line, 85);
      await t.dc.continueRequest({ threadId: 1 });
      await t.waitFor('terminated');
      assert.match(output(t), /Replay diverged/);
    }));
});
