// DAP contract tests: the bundled adapter, a real Node inspector, TypeScript programs run through tsx or compiled to an outDir.
// Runs in the test process (node:test).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { compileToOutDir, programsDir, tsxLaunch, withAdapter } from './dapHarness';

const sample = path.join(programsDir, 'sample.ts');

describe('debug adapter over DAP', () => {
  it('stops at a TypeScript breakpoint in a tsx program, shows variables, evaluates and steps over', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('sample.ts'), [{ path: sample, breakpoints: [{ line: 22 }] }]);
      const stop = await t.stopped('breakpoint');
      assert.equal(stop.body.hitBreakpointIds?.length, 1);
      const top = await t.topFrame();
      assert.equal(top.source?.path, sample);
      assert.equal(top.line, 22);
      assert.equal(top.name, 'main');

      const locals = await t.locals();
      assert.match(locals.get('when')!.value, /2024/);
      assert.equal(locals.get('big')!.value, '12345678901234567890n');
      assert.match(locals.get('prices')!.value, /^Map\(2\) \{"apple" => 3, "pear" => 5\}$/);
      assert.match(locals.get('tags')!.value, /^Set\(2\)/);
      assert.match(locals.get('bytes')!.value, /Buffer/);
      const order = locals.get('order')!;
      assert.ok(order.variablesReference > 0, 'order is expandable');
      const fields = await t.dc.variablesRequest({ variablesReference: order.variablesReference });
      const byName = new Map(fields.body.variables.map((v) => [v.name, v.value]));
      assert.equal(byName.get('id'), '"o-1"');
      assert.equal(byName.get('total'), '42');
      assert.match(byName.get('items')!, /Array\(2\)/);

      assert.equal(await t.evaluate('order.total * 2'), '84');
      await assert.rejects(t.evaluate('notDefinedAnywhere'), /notDefinedAnywhere is not defined/);

      await t.dc.nextRequest({ threadId: 1 });
      await t.stopped('step');
      assert.equal((await t.topFrame()).line, 23);
      // Handles from the previous stop are released on resume.
      await assert.rejects(t.dc.variablesRequest({ variablesReference: order.variablesReference }));
    }));

  it('stops at a TypeScript breakpoint in a compiled program (outDir + .js.map) and steps in and out', () =>
    withAdapter(async (t) => {
      const { js, outDir } = compileToOutDir('sample.ts');
      const [bps] = await t.launch({ program: js, outFiles: [`${outDir}/**/*.js`] }, [
        { path: sample, breakpoints: [{ line: 21 }] },
      ]);
      assert.equal(bps.body.breakpoints[0].line, 21);
      await t.stopped('breakpoint');
      let top = await t.topFrame();
      assert.equal(top.source?.path, sample, 'the frame shows the TypeScript source, not the compiled file');
      assert.equal(top.line, 21);

      await t.dc.stepInRequest({ threadId: 1 });
      await t.stopped('step');
      top = await t.topFrame();
      assert.equal(top.name, 'makeOrder');
      assert.equal(top.line, 10);

      // V8 finishes the caller's statement (the assignment has no break location) and stops at the next one.
      await t.dc.stepOutRequest({ threadId: 1 });
      await t.stopped('step');
      top = await t.topFrame();
      assert.equal(top.name, 'main');
      assert.equal(top.line, 22);

      await t.dc.nextRequest({ threadId: 1 });
      await t.stopped('step');
      assert.equal((await t.topFrame()).line, 23);
    }));

  it('moves a breakpoint on a blank line to the next line with code, and reports one past the end as unverified', () =>
    withAdapter(async (t) => {
      const { js, outDir } = compileToOutDir('sample.ts');
      const [bps] = await t.launch({ program: js, outFiles: [`${outDir}/**/*.js`] }, [
        { path: sample, breakpoints: [{ line: 29 }, { line: 40 }] },
      ]);
      const [blank, past] = bps.body.breakpoints;
      assert.equal(past.verified, false);
      assert.match(past.message ?? '', /No code at or after line 40/);
      await t.stopped('breakpoint');
      assert.equal((await t.topFrame()).line, 30);
      const changed = t.events
        .filter((e) => e.event === 'breakpoint')
        .map((e) => (e as { body: { breakpoint: { id: number; verified: boolean; line: number } } }).body.breakpoint);
      const final = blank.verified ? blank : changed.find((b) => b.id === blank.id);
      assert.ok(final?.verified, 'the moved breakpoint is verified once its script loads');
      assert.equal(final.line, 30);
    }));

  it('honours conditions', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('sample.ts'), [{ path: sample, breakpoints: [{ line: 25, condition: 'i === 3' }] }]);
      await t.stopped('breakpoint');
      assert.equal(await t.evaluate('i'), '3');
      await t.dc.continueRequest({ threadId: 1 });
      await t.waitFor('terminated');
    }));

  it('honours hit counts', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('sample.ts'), [{ path: sample, breakpoints: [{ line: 25, hitCondition: '==3' }] }]);
      await t.stopped('breakpoint');
      assert.equal(await t.evaluate('i'), '2');
      await t.dc.continueRequest({ threadId: 1 });
      await t.waitFor('terminated');
      assert.equal(t.events.filter((e) => e.event === 'stopped').length, 1, 'stops only on the third hit');
    }));

  it('prints logpoint messages without stopping', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('sample.ts'), [
        { path: sample, breakpoints: [{ line: 25, logMessage: 'i is {i}, sum {sum}' }] },
      ]);
      await t.waitFor('terminated');
      const logged = t.events
        .filter((e) => e.event === 'output' && e.body.category === 'console')
        .map((e) => e.body.output as string)
        .join('');
      assert.match(logged, /i is 0, sum 0\n/);
      assert.match(logged, /i is 4, sum 6\n/);
      assert.equal(t.events.filter((e) => e.event === 'stopped').length, 0);
    }));

  it('stops on entry', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('sample.ts', { stopOnEntry: true }));
      await t.stopped('entry');
      const top = await t.topFrame();
      assert.equal(top.source?.path, sample);
    }));

  it('ends the session with a message naming the exit code', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('exitWithCode.ts'));
      const exited = await t.waitFor<
        { event: string; body: { exitCode: number } } & import('@vscode/debugprotocol').DebugProtocol.Event
      >('exited');
      assert.equal(exited.body.exitCode, 3);
      await t.waitFor('terminated');
      const out = t.events
        .filter((e) => e.event === 'output')
        .map((e) => e.body.output as string)
        .join('');
      assert.match(out, /about to exit/);
      assert.match(out, /Program exited with code 3/);
    }));

  it('a program that does not exist fails the launch, naming it', () =>
    withAdapter(async (t) => {
      const missing = path.join(programsDir, 'noSuchProgram.ts');
      await t.dc.initializeRequest({
        adapterID: 'dbos-replay',
        linesStartAt1: true,
        columnsStartAt1: true,
        pathFormat: 'path',
      });
      await assert.rejects(
        t.dc.launchRequest({ ...tsxLaunch('noSuchProgram.ts') } as DebugProtocol.LaunchRequestArguments),
        (e: Error) => e.message.includes(missing) && /does not exist/.test(e.message),
      );
    }));

  it('a program that throws at import ends the session naming it and the first lines of its stderr', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('throwsAtImport.ts'));
      await t.waitFor('terminated');
      const out = t.events
        .filter((e) => e.event === 'output')
        .map((e) => e.body.output as string)
        .join('');
      const message = out.slice(out.indexOf('Program exited'));
      assert.match(message, /^Program exited with code 1 \(.*throwsAtImport\.ts\)\. It wrote to stderr:\n/);
      assert.match(message, /settings: SHOP_NAME is not set \(thrown at import\)/);
    }));

  it('stops on an uncaught exception, then ends', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('throwsUncaught.ts'), [], ['uncaught']);
      const stop = await t.stopped('exception');
      assert.match(stop.body.description ?? '', /boom: uncaught in test/);
      const top = await t.topFrame();
      assert.equal(top.source?.path, path.join(programsDir, 'throwsUncaught.ts'));
      assert.equal(top.line, 4);
      await t.dc.continueRequest({ threadId: 1 });
      await t.waitFor('terminated');
      const out = t.events
        .filter((e) => e.event === 'output')
        .map((e) => e.body.output as string)
        .join('');
      assert.match(out, /Program exited with code 1/);
    }));

  it('pauses a running program, and disconnect kills it', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('longRunning.ts'));
      const proc = await t.waitFor('process');
      const pid = proc.body.systemProcessId as number;
      assert.ok(pid > 0);
      await t.waitFor('output', (e) => /running/.test(e.body.output));
      await t.dc.pauseRequest({ threadId: 1 });
      await t.stopped('pause');
      await t.dc.disconnectRequest({ terminateDebuggee: true });
      assert.throws(() => process.kill(pid, 0), /ESRCH/, `debuggee ${pid} is gone after disconnect`);
    }));
});
