// Benchmark of the debug adapter: launch to first stop on the v5 checkout (vs plain node on the same program), and
// step back at operation 10, 100 and 1,000 of a long workflow recorded with the real SDK into a scratch database.
// Runs as a script: node scripts/with-postgres.mjs -- npx tsx bench/debugAdapter.bench.ts (npm run build first). Prints, never asserts.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HistoryReader } from '../history/src/reader/historyReader.js';
import { writeTraceFile } from '../history/src/trace/traceFile.js';
import { replayRuntimePath } from '../launcher/src/replayLauncher.js';
import { ReplayEnv } from '../protocol/replayProtocol.js';
import { fixtureUrl, scratchDatabase } from '../test-support/testDatabase.js';

const root = path.resolve(__dirname, '..');
const adapter = path.join(root, 'dist', 'debug-adapter.js');
const runtime = replayRuntimePath();
const appDir = path.join(root, 'test-fixtures', 'app-v5');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const LONG_OPS = 1100;

const log = (m: string) => process.stdout.write(m + '\n');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const now = () => Number(process.hrtime.bigint()) / 1e6;
const fmt = (x: number) => `${x.toFixed(0)} ms`;

/** Spawns a process and resolves with the time until it exits. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const t0 = now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(now() - t0));
  });
}

class Session {
  readonly dc = new DebugClient(process.execPath, adapter, 'dbos-replay');
  private readonly waiters: ((e: DebugProtocol.Event) => void)[] = [];
  constructor() {
    this.dc.defaultTimeout = 60000;
    this.dc.on('stopped', (e) => {
      for (const w of this.waiters.splice(0)) w(e);
    });
  }
  nextStop(): Promise<DebugProtocol.Event> {
    return new Promise((r) => this.waiters.push(r));
  }
  async start(): Promise<void> {
    await this.dc.start();
    await this.dc.initializeRequest({
      adapterID: 'dbos-replay',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
    });
  }
  /** Launch request → first stop, in ms. */
  async launch(args: Record<string, unknown>, configure: () => Promise<unknown>): Promise<number> {
    const stop = this.nextStop();
    const t0 = now();
    const launching = this.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
    await this.dc.waitForEvent('initialized');
    await configure();
    await this.dc.configurationDoneRequest();
    await launching;
    await stop;
    return now() - t0;
  }
  async stop(): Promise<void> {
    await this.dc.disconnectRequest({ terminateDebuggee: true }).catch(() => undefined);
    await this.dc.stop();
  }
}

async function exportTrace(url: string, id: string, file: string): Promise<void> {
  const reader = await HistoryReader.connect(url);
  try {
    await writeTraceFile(file, await reader.loadTrace(id));
  } finally {
    await reader.close();
  }
}

async function launchBench(dir: string): Promise<void> {
  const traceFile = path.join(dir, 'checkout-ok.json');
  await exportTrace(fixtureUrl('v5', 'sys'), 'checkout-ok', traceFile);
  const program = path.join(appDir, 'dist', 'main.js');
  const shopTs = path.join(appDir, 'src', 'workflows', 'shop.ts');
  const adapterTimes: number[] = [];
  const plainNode: number[] = [];
  const replayNoDebugger: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    plainNode.push(await timeProcess(['-e', `require(${JSON.stringify(runtime)}); process.exit(0)`], {}, appDir));
    replayNoDebugger.push(
      await timeProcess(['--require', runtime, program], { [ReplayEnv.traceFile]: traceFile }, appDir),
    );
    const s = new Session();
    await s.start();
    try {
      adapterTimes.push(
        await s.launch({ program, cwd: appDir, traceFile }, () =>
          s.dc.setBreakpointsRequest({ source: { path: shopTs }, breakpoints: [{ line: 85 }] }),
        ),
      );
    } finally {
      await s.stop();
    }
  }
  const base = median(replayNoDebugger);
  log(`launch to first stop (checkout-ok, breakpoint at shop.ts:85, compiled dist/main.js, median of ${RUNS}):`);
  log(
    `  adapter launch → stopped            ${fmt(median(adapterTimes))}   (runs: ${adapterTimes.map((x) => x.toFixed(0)).join(', ')})`,
  );
  log(`  plain node, replay to exit (no debugger) ${fmt(base)}`);
  log(`  plain node, start + runtime load only    ${fmt(median(plainNode))}`);
  log(`  over the plain-node replay baseline      ${fmt(median(adapterTimes) - base)}   (target ≤ 500 ms)`);
}

const LONG_APP = `
const { DBOS } = require('@dbos-inc/dbos-sdk');
const tick = DBOS.registerStep(async function tick(i) { return { i, at: new Date(i * 1000) }; }, { name: 'tick' });
async function longRun(n) {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = await tick(i);
    sum += r.i;
  }
  return sum;
}
const wf = DBOS.registerWorkflow(longRun, { name: 'longRun' });
async function main() {
  DBOS.setConfig({ name: 'bench-long', systemDatabaseUrl: process.env.BENCH_SYS_URL, logLevel: 'error' });
  await DBOS.launch();
  const h = await DBOS.startWorkflow(wf, { workflowID: 'long-1' })(${LONG_OPS});
  await h.getResult();
  await DBOS.shutdown();
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

async function stepBackBench(dir: string): Promise<void> {
  const db = await scratchDatabase();
  try {
    const app = path.join(dir, 'longApp.js');
    writeFileSync(app, LONG_APP);
    const env = { NODE_PATH: path.join(root, 'node_modules'), BENCH_SYS_URL: db.url };
    const t0 = now();
    const code = await new Promise<number | null>((resolve) => {
      // --no-deprecation: SDK 5.3.0 sends a SET on each new pool connection without awaiting it, and pg warns.
      const child = spawn(process.execPath, ['--no-deprecation', app], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`recording the long workflow failed (exit ${code})`);
    log(`\nrecorded workflow long-1 with ${LONG_OPS} steps through the real SDK in ${fmt(now() - t0)}`);
    const traceFile = path.join(dir, 'long-1.json');
    await exportTrace(db.url, 'long-1', traceFile);
    log(`step back (function breakpoint #N, next, then stepBack → stopped; median of ${RUNS}):`);
    log(
      '  "warm": 1 s of user think time before stepBack, so the adapter\'s standby debuggee is ready; "cold": stepBack at once.',
    );
    for (const n of [10, 100, 1000]) {
      for (const think of [1000, 0]) {
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const s = new Session();
          await s.start();
          try {
            await s.launch({ program: app, cwd: dir, traceFile, env: { NODE_PATH: env.NODE_PATH } }, () =>
              s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: `#${n}` }] }),
            );
            let stop = s.nextStop();
            await s.dc.nextRequest({ threadId: 1 });
            await stop;
            stop = s.nextStop();
            if (think) await new Promise((r) => setTimeout(r, think));
            const t = now();
            await s.dc.stepBackRequest({ threadId: 1 });
            await stop;
            times.push(now() - t);
          } finally {
            await s.stop();
          }
        }
        log(
          `  at operation ${String(n).padStart(4)}, ${think ? 'warm' : 'cold'}: ${fmt(median(times))}   (runs: ${times.map((x) => x.toFixed(0)).join(', ')})${n === 100 && think ? '   (target ≤ 300 ms)' : ''}`,
        );
      }
    }
  } finally {
    await db.drop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbos-replay-bench-dap-'));
  await launchBench(dir);
  await stepBackBench(dir);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
