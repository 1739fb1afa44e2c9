// DAP contract tests of the side-effect watch: a recorded workflow whose body does an HTTP GET, a file write and a
// spawn outside steps, replayed under the adapter: Debug Console warnings, the exception filter's stops, `block`.
// Runs in the test process; the recording is made here with the real SDK, the HTTP server listens on 127.0.0.1.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HistoryReader } from '../../history/src/reader/historyReader';
import { writeTraceFile } from '../../history/src/trace/traceFile';
import { runNode } from '../../test-support/runNode';
import { scratchDatabase } from '../../test-support/testDatabase';
import { repoRoot, withAdapter, type DapTest } from './dapHarness';

const app = path.join(repoRoot, 'replay-runtime', 'test', 'apps', 'sideEffects');
const program = path.join(app, 'app.mjs');

let db: Awaited<ReturnType<typeof scratchDatabase>>;
let tmp: string;
let server: Server;
let serverUrl: string;
let requests = 0;
let traceFile: string;

function lineOf(text: string): number {
  return (
    readFileSync(program, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  );
}

function output(t: DapTest, category?: string): string {
  return t.events
    .filter((e) => e.event === 'output' && (category === undefined || e.body.category === category))
    .map((e) => e.body.output as string)
    .join('');
}

function launchArgs(out: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { program, cwd: app, traceFile, env: { SERVER_URL: serverUrl, OUT_FILE: out }, ...extra };
}

before(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;
  db = await scratchDatabase();
  tmp = mkdtempSync(path.join(tmpdir(), 'dbos-replay-adapter-effects-'));
  const rec = await runNode(['app.mjs'], {
    cwd: app,
    env: { RECORD_URL: db.url, RECORD_RUNS: 'fx-dap', SERVER_URL: serverUrl, OUT_FILE: path.join(tmp, 'recorded') },
  });
  assert.equal(rec.code, 0, rec.out);
  const reader = await HistoryReader.connect(db.url);
  traceFile = path.join(tmp, 'fx-dap.trace.json');
  try {
    await writeTraceFile(traceFile, await reader.loadTrace('fx-dap'));
  } finally {
    await reader.close();
  }
});

after(async () => {
  await db?.drop();
  await new Promise((r) => server?.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('side effects outside steps over DAP', () => {
  it('warn: each is a Debug Console warning with its line, and the replay ends "match, 3 side effects"', () =>
    withAdapter(async (t) => {
      await t.launch(launchArgs(path.join(tmp, 'warn-out')), [], ['divergence']);
      await t.waitFor('terminated');
      const warnings = output(t, 'stderr')
        .split('\n')
        .filter((l) => l.startsWith('Warning: side effect outside a step'));
      assert.deepEqual(
        warnings.map((w) => /^Warning: side effect outside a step: (\S+) .* at (.*):(\d+):\d+$/.exec(w)?.slice(1)),
        [
          ['http', `file://${program}`, String(lineOf('side effect: http'))],
          ['fs', `file://${program}`, String(lineOf('side effect: fs'))],
          ['child_process', `file://${program}`, String(lineOf('side effect: child_process'))],
        ],
        output(t),
      );
      assert.match(output(t), /Replay match, 3 side effects outside steps \(1\/1 recorded operations replayed\)/);
    }));

  it('the "Side Effects Outside Steps" filter stops at each call, in the user\'s frame', () =>
    withAdapter(async (t) => {
      await t.launch(launchArgs(path.join(tmp, 'stop-out')), [], ['sideEffect']);
      for (const marker of ['side effect: http', 'side effect: fs', 'side effect: child_process']) {
        const stop = await t.stopped('exception');
        assert.equal(stop.body.description, 'Side effect outside a step');
        assert.match(stop.body.text ?? '', /it runs for real during the replay; move it into a step/);
        const top = await t.topFrame();
        assert.equal(top.source?.path, program);
        assert.equal(top.line, lineOf(marker), marker);
        await t.dc.continueRequest({ threadId: 1 });
      }
      await t.waitFor('terminated');
      assert.match(output(t), /Replay match, 3 side effects outside steps/);
    }));

  it('block (launch attribute "sideEffects"): the workflow gets the error; no request, no file', () =>
    withAdapter(async (t) => {
      const out = path.join(tmp, 'block-out');
      const before = requests;
      await t.launch(launchArgs(out, { sideEffects: 'block' }), [], []);
      await t.waitFor('terminated');
      assert.equal(requests, before);
      assert.equal(existsSync(out), false);
      assert.match(output(t), /Replay diverged, 1 side effect outside steps, blocked: .*DBOSReplaySideEffectError/);
    }));
});
