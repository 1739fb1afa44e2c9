// DAP tests of time travel when the user's breakpoints change during a replay: step back and reverse continue re-run
// the v5 fixture's pipeline-nightly recording (a loop of three durable calls) under the breakpoints of each moment,
// and reverse continue finds passes of breakpoints set after the program went by. Runs in the test process.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureStepRuns, fixtureUrl } from '../../test-support/testDatabase';
import { prng, repoRoot, withAdapter, type DapTest } from './dapHarness';

const appDir = path.join(repoRoot, 'test-fixtures', 'app-v5');
const pipelineTs = path.join(appDir, 'src', 'workflows', 'pipeline.ts');
const recorded = !!process.env.DBOS_REPLAY_FX_V5_SYS_URL && existsSync(path.join(appDir, 'dist', 'main.js'));

/** pipeline.ts lines of Pipeline.run: the fan-out loop body (c = 0, 1, 2), Promise.all, the summarize call. */
const LOOP = 84;
const CHECKS = 90;
const SUMMARIZE = 91;

const launchArgs = {
  program: path.join(appDir, 'dist', 'main.js'),
  cwd: appDir,
  workflowId: 'pipeline-nightly',
  databaseUrl: fixtureUrl('v5', 'sys'),
};

function setBreakpoints(
  t: DapTest,
  breakpoints: DebugProtocol.SourceBreakpoint[],
): Promise<DebugProtocol.SetBreakpointsResponse> {
  return t.dc.setBreakpointsRequest({ source: { path: pipelineTs }, breakpoints });
}

/** The stop after a request: its reason, line and the loop counter there. */
async function where(t: DapTest, reason?: string): Promise<{ line: number; c: string }> {
  await t.stopped(reason);
  const line = (await t.topFrame()).line;
  return { line, c: line === LOOP ? await t.evaluate('c') : '-' };
}

/** What a stop looks like: its line and the loop's state there (a TDZ variable reads as -1). */
async function signature(t: DapTest): Promise<string> {
  const line = (await t.topFrame()).line;
  const state = await t.evaluate(
    '[typeof c === "number" ? c : "-", handles.length, (() => { try { return totals.length; } catch { return -1; } })()].join("/")',
  );
  return `${line}:${state}`;
}

describe(
  'time travel with breakpoints changed during the replay',
  { skip: !recorded && 'v5 fixtures not recorded' },
  () => {
    let runsBefore: Record<string, number>;
    before(async () => {
      runsBefore = await fixtureStepRuns('v5');
    });
    after(async () => {
      if (runsBefore) assert.deepEqual(await fixtureStepRuns('v5'), runsBefore, 'no step body ran during the re-runs');
    });

    it('step back after adding a breakpoint the program already passed returns to the previous stop', () =>
      withAdapter(async (t) => {
        await t.launch(launchArgs, [{ path: pipelineTs, breakpoints: [{ line: CHECKS }] }]);
        assert.equal((await where(t, 'breakpoint')).line, CHECKS);
        await setBreakpoints(t, [{ line: CHECKS }, { line: LOOP }]);
        await t.dc.nextRequest({ threadId: 1 });
        assert.equal((await where(t, 'step')).line, SUMMARIZE);
        await t.dc.stepBackRequest({ threadId: 1 });
        assert.deepEqual(
          await where(t),
          { line: CHECKS, c: '-' },
          'the re-run does not stop at the new breakpoint in the loop',
        );
        await t.waitFor('output', (e) =>
          /^Travelled back: the replay ran again to here \(\d+ recorded operations answered, \d+ ms\)/.test(
            e.body.output,
          ),
        );
        assert.equal(await t.evaluate('totals.length'), '3');
      }));

    it('reverse continue goes to the last pass of a breakpoint set after the loop ran, then back through the loop and forward again', () =>
      withAdapter(async (t) => {
        await t.launch(launchArgs, [{ path: pipelineTs, breakpoints: [{ line: CHECKS }] }]);
        assert.equal((await where(t, 'breakpoint')).line, CHECKS);
        const set = await setBreakpoints(t, [{ line: CHECKS }, { line: LOOP }]);
        await t.dc.reverseContinueRequest({ threadId: 1 });
        const stop = await t.stopped('breakpoint');
        assert.deepEqual(stop.body.hitBreakpointIds, [set.body.breakpoints[1].id], 'the stop names the new breakpoint');
        assert.deepEqual(
          { line: (await t.topFrame()).line, c: await t.evaluate('c') },
          { line: LOOP, c: '2' },
          'its last pass',
        );
        assert.equal(await t.evaluate('handles.length'), '2', 'with the values of that moment');
        await t.dc.reverseContinueRequest({ threadId: 1 });
        assert.deepEqual(await where(t, 'breakpoint'), { line: LOOP, c: '1' });
        await t.dc.continueRequest({ threadId: 1 });
        assert.deepEqual(
          await where(t, 'breakpoint'),
          { line: LOOP, c: '2' },
          'forward again, the new breakpoint stops',
        );
        await t.dc.continueRequest({ threadId: 1 });
        assert.deepEqual(await where(t, 'breakpoint'), { line: CHECKS, c: '-' });
        await t.dc.stepBackRequest({ threadId: 1 });
        assert.deepEqual(
          await where(t, 'breakpoint'),
          { line: LOOP, c: '2' },
          'step back through the history reverse continue made',
        );
      }));

    it('reverse continue honours the hit count and the condition of a breakpoint set later', () =>
      withAdapter(async (t) => {
        await t.launch(launchArgs, [{ path: pipelineTs, breakpoints: [{ line: CHECKS }] }]);
        await where(t, 'breakpoint');
        await setBreakpoints(t, [{ line: CHECKS }, { line: LOOP, hitCondition: '==2' }]);
        await t.dc.reverseContinueRequest({ threadId: 1 });
        assert.deepEqual(
          await where(t, 'breakpoint'),
          { line: LOOP, c: '1' },
          'hit 2 counted from the start of the run',
        );
        await t.dc.continueRequest({ threadId: 1 });
        assert.deepEqual(await where(t, 'breakpoint'), { line: CHECKS, c: '-' });
        await setBreakpoints(t, [{ line: CHECKS }, { line: LOOP, condition: 'c === 0' }]);
        await t.dc.reverseContinueRequest({ threadId: 1 });
        assert.deepEqual(
          await where(t, 'breakpoint'),
          { line: LOOP, c: '0' },
          'the condition is evaluated in the loop frame during the re-run',
        );
      }));

    it('reverse continue stops at a recorded operation of a function breakpoint set later, at its call site', () =>
      withAdapter(async (t) => {
        await t.launch(launchArgs, [{ path: pipelineTs, breakpoints: [{ line: CHECKS }] }]);
        await where(t, 'breakpoint');
        const fbps = await t.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '#2' }] });
        assert.equal(fbps.body.breakpoints[0].verified, true);
        await t.dc.reverseContinueRequest({ threadId: 1 });
        const stop = await t.stopped('function breakpoint');
        assert.deepEqual(stop.body.hitBreakpointIds, [fbps.body.breakpoints[0].id]);
        assert.match(stop.body.description ?? '', /#2 /);
        assert.deepEqual(
          { line: (await t.topFrame()).line, c: await t.evaluate('c') },
          { line: LOOP, c: '1' },
          'the second child start',
        );
      }));

    it('a breakpoint removed after it stopped still leads step back to that stop; reverse continue no longer stops there', () =>
      withAdapter(async (t) => {
        await t.launch(launchArgs, [{ path: pipelineTs, breakpoints: [{ line: LOOP }, { line: CHECKS }] }]);
        assert.deepEqual(await where(t, 'breakpoint'), { line: LOOP, c: '0' });
        await t.dc.continueRequest({ threadId: 1 });
        assert.deepEqual(await where(t, 'breakpoint'), { line: LOOP, c: '1' });
        await setBreakpoints(t, [{ line: CHECKS }]);
        await t.dc.continueRequest({ threadId: 1 });
        assert.deepEqual(
          await where(t, 'breakpoint'),
          { line: CHECKS, c: '-' },
          'the removed breakpoint does not stop at c = 2',
        );
        await t.dc.stepBackRequest({ threadId: 1 });
        assert.deepEqual(
          await where(t, 'breakpoint'),
          { line: LOOP, c: '1' },
          'the re-run stops where the run stopped, at the removed breakpoint',
        );
        await t.dc.continueRequest({ threadId: 1 });
        assert.deepEqual(await where(t, 'breakpoint'), { line: CHECKS, c: '-' });
        await t.dc.reverseContinueRequest({ threadId: 1 });
        assert.deepEqual(await where(t), { line: LOOP, c: '0' }, 'no breakpoint stops before: back to the first stop');
      }));

    for (const seed of [11, 12, 13, 16]) {
      it(`random walk ${seed}: steps, continues and breakpoint changes; every step back lands on the stop before, same values`, () =>
        withAdapter(async (t) => {
          const rand = prng(seed);
          const RETURN = SUMMARIZE + 1;
          await t.launch(launchArgs, [{ path: pipelineTs, breakpoints: [{ line: LOOP }, { line: RETURN }] }]);
          await t.stopped();
          const history = [await signature(t)];
          const log: string[] = [];
          for (let i = 0; i < 50; i++) {
            const at = Number(history[history.length - 1].split(':')[0]);
            const r = rand();
            if (r < 0.3 && history.length > 1) {
              // Back one to three stops, one request each.
              for (let k = 1 + Math.floor(rand() * 3); k > 0 && history.length > 1; k--) {
                log.push('stepBack');
                await t.dc.stepBackRequest({ threadId: 1 });
                await t.stopped();
                history.pop();
                assert.equal(await signature(t), history[history.length - 1], `seed ${seed}: after ${log.join(', ')}`);
              }
            } else if (r < 0.55) {
              const lines = [LOOP, 88, CHECKS, SUMMARIZE].filter(() => rand() < 0.4);
              log.push(`breakpoints ${lines.join('+') || 'none'}`);
              // The return line keeps one stop ahead, so the program never runs off its end.
              await setBreakpoints(
                t,
                [...lines, RETURN].map((line) => ({ line })),
              );
            } else if (at !== RETURN) {
              const action = r < 0.85 ? 'next' : 'continue';
              log.push(action);
              await (action === 'next' ? t.dc.nextRequest({ threadId: 1 }) : t.dc.continueRequest({ threadId: 1 }));
              await t.stopped();
              history.push(await signature(t));
            }
          }
          assert.ok(log.filter((a) => a === 'stepBack').length >= 3, `seed ${seed} stepped back: ${log.join(', ')}`);
        }));
    }

    it('reverse continue from a step that landed on a breakpoint set there goes to the breakpoint before it', () =>
      withAdapter(async (t) => {
        await t.launch(launchArgs, [{ path: pipelineTs, breakpoints: [{ line: CHECKS }] }]);
        await where(t, 'breakpoint');
        await setBreakpoints(t, [{ line: CHECKS }, { line: SUMMARIZE }]);
        await t.dc.nextRequest({ threadId: 1 });
        await t.stopped();
        assert.equal((await t.topFrame()).line, SUMMARIZE);
        await t.dc.reverseContinueRequest({ threadId: 1 });
        assert.deepEqual(await where(t, 'breakpoint'), { line: CHECKS, c: '-' });
      }));
  },
);

const esmDir = path.join(repoRoot, 'test-fixtures', 'app-esm');
const esmRecorded = !!process.env.DBOS_REPLAY_FX_ESM_SYS_URL && existsSync(path.join(esmDir, 'dist', 'main.js'));

describe(
  'time travel in an ES-module app (top-level await, import)',
  { skip: !esmRecorded && 'ESM fixture not recorded' },
  () => {
    const workflowsTs = path.join(esmDir, 'src', 'workflows.ts');
    for (const program of ['dist/main.js', 'src/main.ts']) {
      it(`${program}: step over a durable call, then step back to the breakpoint with the earlier values`, () =>
        withAdapter(async (t) => {
          await t.launch(
            {
              program: path.join(esmDir, program),
              cwd: esmDir,
              workflowId: 'esm-checkout-paid',
              databaseUrl: fixtureUrl('esm', 'sys'),
            },
            [{ path: workflowsTs, breakpoints: [{ line: 45 }] }],
          );
          await t.stopped('breakpoint');
          assert.equal((await t.topFrame()).source?.path, workflowsTs);
          assert.equal((await t.topFrame()).line, 45);
          await t.dc.nextRequest({ threadId: 1 });
          await t.stopped('step');
          assert.equal((await t.topFrame()).line, 46);
          assert.notEqual((await t.locals()).get('payment')?.value, 'undefined');
          // Twice: the first re-run may start a debuggee from scratch, the second takes the one pre-run to the program.
          for (let i = 0; i < 2; i++) {
            await t.dc.stepBackRequest({ threadId: 1 });
            await t.stopped('breakpoint');
            assert.equal((await t.topFrame()).line, 45);
            assert.equal((await t.locals()).get('payment')?.value, 'undefined');
            await t.dc.nextRequest({ threadId: 1 });
            await t.stopped('step');
            assert.equal((await t.topFrame()).line, 46);
          }
        }));
    }
  },
);
