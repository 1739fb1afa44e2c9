// An interrupted `dbos-replay run` leaves nothing behind: the trace hand-off is removed by the runtime once read, and the
// CLI ended by SIGINT/SIGTERM mid-replay removes its temporary directory and ends the program. Runs in the test process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runNode } from '../../test-support/runNode.js';
import { sampleRecordingUrl } from '../../history/src/testing/sampleRecording.js';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
let dir: string;
let traceFile: string;
let blocker: string;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dbos-replay-interrupt-'));
  traceFile = path.join(dir, 'parent.json');
  const r = await runNode([CLI, 'export', 'sample-parent', '-o', traceFile, '--db', await sampleRecordingUrl()]);
  assert.equal(r.code, 0, r.stderr);
  // A program that never reaches DBOS.launch(): it says it started (with what its temp dir holds) and blocks.
  blocker = path.join(dir, 'blocker.cjs');
  writeFileSync(
    blocker,
    `const fs = require('fs');
const trace = process.env.DBOS_REPLAY_TRACE_FILE;
fs.writeFileSync(process.env.MARKER + '.tmp', JSON.stringify({ pid: process.pid, traceLeft: fs.existsSync(trace) }));
fs.renameSync(process.env.MARKER + '.tmp', process.env.MARKER);
setInterval(() => {}, 1000);
`,
  );
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Waits for a condition (polls; no fixed sleep). */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`run ended by ${signal} mid-replay leaves no temporary files and no program`, async () => {
    const tmp = await mkdtemp(path.join(dir, `tmp-${signal}-`));
    const marker = path.join(tmp, 'started.json');
    const child = spawn(process.execPath, [CLI, 'run', '--trace', traceFile, '--program', blocker], {
      env: { ...process.env, TMPDIR: tmp, MARKER: marker },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let pid: number | undefined;
    try {
      await until(() => existsSync(marker), 'the program started');
      const started = JSON.parse(readFileSync(marker, 'utf8')) as { pid: number; traceLeft: boolean };
      assert.equal(started.traceLeft, false, 'the runtime removed its trace hand-off file once read');
      child.kill(signal);
      assert.equal(await exited, signal === 'SIGINT' ? 130 : 143, stderr);
      assert.deepEqual(
        readdirSync(tmp).filter((n) => n.startsWith('dbos-replay-')),
        [],
        'no dbos-replay temporary directory remains',
      );
      pid = started.pid;
      await until(() => !alive(started.pid), 'the replayed program ended with the CLI');
    } finally {
      child.kill('SIGKILL');
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
}
