// Fuzz test: random DAP requests with random arguments in every session state never crash the adapter, and all get answered.
// Runs in the test process (node:test).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixtureUrl } from '../../test-support/testDatabase';
import { CustomRequest } from '../../protocol/dapProtocol';
import { DapTest, prng, programsDir, repoRoot, tsxLaunch, withAdapter } from './dapHarness';

const sample = path.join(programsDir, 'sample.ts');
const shopTs = path.join(repoRoot, 'test-fixtures', 'app-v5', 'src', 'workflows', 'shop.ts');
const COMMANDS = [
  'threads',
  'stackTrace',
  'scopes',
  'variables',
  'evaluate',
  'setBreakpoints',
  'setExceptionBreakpoints',
  'continue',
  'next',
  'stepIn',
  'stepOut',
  'pause',
  'stepBack',
  'reverseContinue',
  'source',
  'setVariable',
  'exceptionInfo',
  'completions',
  'configurationDone',
  'launch',
  'setFunctionBreakpoints',
  'loadedSources',
  'bogusCommand',
  'terminate',
  CustomRequest.RunToOperation,
  'restart',
];

function randomArgs(rand: () => number): unknown {
  const n = () => Math.floor(rand() * 2000) - 10;
  const choices: unknown[] = [
    undefined,
    {},
    null,
    'text',
    [1, 2],
    { threadId: 1 },
    { frameId: n() },
    { frameId: 1000 },
    { variablesReference: n() },
    { variablesReference: 1000 },
    { expression: '1 + 1', context: 'repl' },
    { expression: 42 },
    { expression: 'process.pid', frameId: 1000, context: 'hover' },
    { source: {} },
    { source: { path: sample }, breakpoints: [{ line: Math.floor(rand() * 40) }] },
    {
      source: { path: sample },
      breakpoints: [
        { line: 25, hitCondition: 'not a count' },
        { line: 22, condition: ')(' },
      ],
    },
    // The replay's own source: breakpoints that come and go while time travel re-runs (and the gate conditions).
    {
      source: { path: shopTs },
      breakpoints: [
        { line: 85 + Math.floor(rand() * 8) },
        {
          line: 86 + Math.floor(rand() * 6),
          condition: rand() < 0.5 ? 'true' : 'order.orderId.length > 0',
          hitCondition: rand() < 0.5 ? undefined : '2',
        },
      ],
    },
    { source: { path: shopTs }, breakpoints: [] },
    { filters: ['uncaught', 'bogus'] },
    { filters: ['divergence', 'recordedStepError'] },
    { functionId: Math.floor(rand() * 10) - 2 },
    { functionId: 'x' },
    { breakpoints: [{ name: 'charge' }, { name: '#1' }, { name: 'error' }, { name: '' }, {}] },
    { breakpoints: 'x' },
    { filters: 'uncaught' },
    { program: 42 },
    { program: '/no/such/file.ts' },
    { startFrame: -1, levels: 'x' },
  ];
  return choices[Math.floor(rand() * choices.length)];
}

async function fuzz(t: DapTest, seed: number, count: number): Promise<void> {
  const rand = prng(seed);
  const raw = t.dc as unknown as { doSend(c: string, a: unknown, cb: (r: { success: boolean }) => void): void };
  for (let i = 0; i < count; i++) {
    const command = COMMANDS[Math.floor(rand() * COMMANDS.length)];
    const args = randomArgs(rand);
    const answered = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15000);
      raw.doSend(command, args, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    assert.ok(answered, `seed ${seed}: request #${i} ${command} ${JSON.stringify(args)} got no response`);
  }
  // Still alive and answering.
  const threads = await t.dc.threadsRequest();
  assert.equal(threads.body.threads.length, 1);
}

describe('adapter fuzz', () => {
  it('answers random requests before launch', () =>
    withAdapter(async (t) => {
      await t.dc.initializeRequest({
        adapterID: 'dbos-replay',
        linesStartAt1: true,
        columnsStartAt1: true,
        pathFormat: 'path',
      });
      await fuzz(t, 1, 60);
    }));

  it('answers random requests while the program runs', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('longRunning.ts'));
      await fuzz(t, 2, 60);
    }));

  it('answers random requests while stopped', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('longRunning.ts'), [
        { path: path.join(programsDir, 'longRunning.ts'), breakpoints: [{ line: 5 }] },
      ]);
      await t.stopped('breakpoint');
      await fuzz(t, 3, 60);
    }));

  it(
    'answers random requests while stopped in a replay (time travel, function breakpoints, runToOperation)',
    {
      skip: !process.env.DBOS_REPLAY_FX_V5_SYS_URL && 'v5 fixtures not recorded',
    },
    () =>
      withAdapter(async (t) => {
        const appDir = path.join(repoRoot, 'test-fixtures', 'app-v5');
        await t.launch(
          {
            program: path.join(appDir, 'dist', 'main.js'),
            cwd: appDir,
            workflowId: 'checkout-ok',
            databaseUrl: fixtureUrl('v5', 'sys'),
          },
          [{ path: path.join(appDir, 'src', 'workflows', 'shop.ts'), breakpoints: [{ line: 86 }] }],
        );
        await t.stopped('breakpoint');
        await fuzz(t, 5, 60);
        await fuzz(t, 6, 60);
      }),
  );

  it('answers random requests after the program exited', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('exitWithCode.ts'));
      await t.waitFor('terminated');
      await fuzz(t, 4, 60);
    }));
});
