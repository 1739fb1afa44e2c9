// The adapter's process hygiene over real DAP: no password in any message or log line with `trace: true`, no debuggee
// (standby included) outliving a killed adapter, malformed frames skipped. Runs in the test process (node:test).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureUrl } from '../../test-support/testDatabase';
import { repoRoot } from './dapHarness';
import { alive, childrenOf, RawAdapter } from './rawAdapter';

const appDir = path.join(repoRoot, 'test-fixtures', 'app-v5');
const recorded = !!process.env.DBOS_REPLAY_FX_V5_SYS_URL && existsSync(path.join(appDir, 'dist', 'main.js'));

function replayLaunch(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    program: path.join(appDir, 'dist', 'main.js'),
    cwd: appDir,
    workflowId: 'checkout-ok',
    databaseUrl: fixtureUrl('v5', 'sys'),
    stopOnEntry: true,
    ...extra,
  };
}

/** Initializes (without pathFormat: DAP's default is 'path'), launches and waits for the first stop. */
async function launchToStop(a: RawAdapter, args: Record<string, unknown>): Promise<void> {
  const init = await a.request('initialize', { adapterID: 'dbos-replay', linesStartAt1: true });
  assert.equal(init.success, true, `initialize without pathFormat: ${init.message}`);
  const launched = a.request('launch', args);
  await a.event('initialized');
  await a.request('configurationDone');
  const r = await launched;
  assert.equal(r.success, true, `launch: ${r.message}`);
  await a.event('stopped');
}

/** Waits for a condition on the process table (no fixed sleep: it polls until true or the deadline). */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const debuggeesOf = (pid: number) => childrenOf(pid).filter((p) => p.args.includes('--inspect-brk'));

describe('adapter process hygiene', () => {
  it(
    'a trace: true launch never sends or logs the database password',
    { skip: !recorded && 'no v5 fixtures' },
    async () => {
      const password = new URL(fixtureUrl('v5', 'sys')).password;
      assert.ok(password, 'the fixture URL has a password');
      const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'dbos-replay-log-')), 'adapter.log');
      const a = new RawAdapter({ DBOS_REPLAY_ADAPTER_LOG: logFile });
      try {
        await launchToStop(a, replayLaunch({ trace: true }));
        // A failing request echoing a password-bearing URL is scrubbed too.
        await a.request('evaluate', { expression: `"postgresql://u:${password}@h/db".boom()`, context: 'repl' });
        await a.request('disconnect', {});
        await a.exited;
      } finally {
        a.kill();
      }
      for (const m of a.messages) assert.ok(!JSON.stringify(m).includes(password), `password in ${JSON.stringify(m)}`);
      assert.ok(!a.stderr.includes(password), 'password on stderr');
      const log = readFileSync(logFile, 'utf8');
      assert.match(log, /→ request launch/, 'trace: true logs the DAP traffic');
      assert.ok(!log.includes(password), 'password in the adapter log');
    },
  );

  for (const end of ['SIGKILL', 'SIGTERM', 'stdin closed'] as const) {
    it(
      `no debuggee, standby or trace file outlives an adapter ended by ${end}`,
      { skip: !recorded && 'no v5 fixtures' },
      async () => {
        const tmp = mkdtempSync(path.join(tmpdir(), 'dbos-replay-lifecycle-'));
        const handoffs = () =>
          readdirSync(tmp)
            .filter((d) => d.startsWith('dbos-replay-'))
            .flatMap((d) => readdirSync(path.join(tmp, d)).filter((f) => f.startsWith('trace')));
        const a = new RawAdapter({ TMPDIR: tmp });
        let pids: number[] = [];
        try {
          // Through tsx, a user preload: the standby is not pre-run, it waits in --inspect-brk running no JavaScript.
          await launchToStop(
            a,
            replayLaunch({
              program: path.join(appDir, 'src', 'main.ts'),
              runtimeExecutable: process.execPath,
              runtimeArgs: ['--import', 'tsx'],
            }),
          );
          // The first stop starts the standby debuggee for time travel: the running one and the standby.
          await until(() => debuggeesOf(a.pid).length >= 2, 'the standby debuggee is started');
          pids = debuggeesOf(a.pid).map((p) => p.pid);
          // The running debuggee's runtime removed its hand-off file; only the waiting standby's own one is left.
          assert.deepEqual(handoffs(), ['trace-2.json'], 'the running debuggee removed its trace file once read');
          if (end === 'stdin closed') a.child.stdin!.end();
          else a.kill(end);
          await a.exited;
          await until(() => pids.every((p) => !alive(p)), `debuggees ${pids.join(', ')} are gone`);
          await until(
            () => readdirSync(tmp).filter((d) => d.startsWith('dbos-replay-')).length === 0,
            'the temporary directory is removed',
          );
        } finally {
          a.kill();
          for (const p of pids) if (alive(p)) process.kill(-p, 'SIGKILL');
          rmSync(tmp, { recursive: true, force: true });
        }
      },
    );
  }

  it('malformed frames are reported and skipped; the adapter keeps reading', async () => {
    const a = new RawAdapter();
    try {
      a.writeRaw(RawAdapter.frame('{not json}'));
      a.writeRaw(RawAdapter.frame('null'));
      a.writeRaw('Content-Length: -5\r\n\r\n{"seq":9}');
      a.writeRaw('Content-Length: 99999999999\r\n\r\n');
      const init = await a.request('initialize', { adapterID: 'dbos-replay' });
      assert.equal(init.success, true, 'a well-formed request after the bad frames is answered');
      const reports = a.messages
        .filter((m) => m.type === 'event' && (m as { event?: string }).event === 'output')
        .map((m) => (m as DebugProtocol.OutputEvent).body.output);
      assert.equal(reports.length, 4, reports.join(''));
      assert.match(reports[0], /malformed DAP frame: its 10-byte body is not JSON/);
      assert.match(reports[1], /body is null/);
      assert.match(reports[2], /Content-Length must be a byte count .* got "-5"/);
      assert.match(a.stderr, /malformed DAP frame/);
      a.child.stdin!.end();
      assert.deepEqual(await a.exited, { code: 0, signal: null });
    } finally {
      a.kill();
    }
  });
});
