// The side-effect watch end to end: a workflow recorded by the real SDK whose body, outside steps, does an HTTP GET
// to a local server, writes a file and spawns `node -e 0`, replayed under warn, block and allow, and through the CLI.
// Runs in the test process; each replay is a real node child process, the HTTP server listens on 127.0.0.1 here.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { runReplay } from '../../launcher/src/runReplay.js';
import { ReplayEnv, type SideEffectPolicy } from '../../protocol/replayProtocol.js';
import type { Trace } from '../../protocol/traceModel.js';
import { runNode } from '../../test-support/runNode.js';
import { scratchDatabase } from '../../test-support/testDatabase.js';
import { traceFromDatabase } from './recording.js';

const root = path.resolve(__dirname, '..', '..');
const runtimePath = path.join(root, 'dist', 'replay-runtime.js');
const CLI = path.join(root, 'dist', 'cli.js');
const app = path.join(__dirname, 'apps', 'sideEffects');
const program = path.join(app, 'app.mjs');
/** An ES module's frames name it by URL. */
const programUrl = pathToFileURL(program).href;

let db: Awaited<ReturnType<typeof scratchDatabase>>;
let tmp: string;
let server: Server;
let serverUrl: string;
let requests = 0;
let trace: Trace;

function lineOf(text: string): number {
  const i = readFileSync(program, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `no line with ${text}`);
  return i + 1;
}

function replay(outFile: string, policy?: SideEffectPolicy) {
  return runReplay({
    program: 'app.mjs',
    cwd: app,
    runtimePath,
    timeoutMs: 60_000,
    trace,
    env: {
      SERVER_URL: serverUrl,
      OUT_FILE: outFile,
      ...(policy ? { [ReplayEnv.sideEffects]: policy } : {}),
    },
  });
}

before(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;
  db = await scratchDatabase();
  tmp = mkdtempSync(path.join(tmpdir(), 'replay-side-effects-'));
  const rec = await runNode(['app.mjs'], {
    cwd: app,
    env: { RECORD_URL: db.url, RECORD_RUNS: 'fx-1', SERVER_URL: serverUrl, OUT_FILE: path.join(tmp, 'recorded') },
  });
  assert.equal(rec.code, 0, rec.out);
  trace = await traceFromDatabase(db.url, 'fx-1');
  writeFileSync(path.join(tmp, 'trace.json'), JSON.stringify(trace));
});

after(async () => {
  await db?.drop();
  await new Promise((r) => server?.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('I/O outside a step during a replay', () => {
  test('warn (the default): it runs, and the verdict is a match listing the 3 side effects at their lines', async () => {
    const out = path.join(tmp, 'warn-out');
    const before = requests;
    const r = await replay(out);
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
    assert.equal(requests, before + 1, 'the request was made');
    assert.equal(readFileSync(out, 'utf8'), 'note:7');
    const effects = r.verdict.sideEffects ?? [];
    assert.deepEqual(
      effects.map((e) => [e.kind, e.location?.file, e.location?.line1, e.blocked]),
      [
        ['http', programUrl, lineOf('side effect: http'), undefined],
        ['fs', programUrl, lineOf('side effect: fs'), undefined],
        ['child_process', programUrl, lineOf('side effect: child_process'), undefined],
      ],
      JSON.stringify(effects),
    );
    assert.equal(effects[0].detail, `http.request GET ${serverUrl}`);
    assert.equal(effects[1].detail, `fs.writeFileSync ${out}`);
    assert.equal(effects[2].detail, `child_process.spawnSync ${process.execPath} -e 0`);
    assert.match(r.stderr, /replayed: match, 3 side effects outside steps \(1\/1 recorded operations replayed\)/);
  });

  test('block: the workflow gets the error at the first call; no request, no file, no process', async () => {
    const out = path.join(tmp, 'block-out');
    const before = requests;
    const r = await replay(out, 'block');
    assert.equal(requests, before, 'the server saw no request');
    assert.equal(existsSync(out), false, 'the file is not written');
    assert.equal(r.verdict.verdict, 'diverged', JSON.stringify(r.verdict));
    assert.equal(r.verdict.replayedResult?.error?.name, 'DBOSReplaySideEffectError');
    assert.match(
      r.verdict.replayedResult?.error?.message ?? '',
      new RegExp(
        `http\\.request GET ${serverUrl.replace(/[.:/]/g, '\\$&')} at ${programUrl}:${lineOf('side effect: http')}:\\d+ is I/O outside a step in workflow fx-1.*Move the call into a step`,
      ),
    );
    assert.deepEqual(
      r.verdict.sideEffects?.map((e) => [e.kind, e.blocked]),
      [['http', true]],
    );
  });

  test('allow: it runs, silently', async () => {
    const out = path.join(tmp, 'allow-out');
    const before = requests;
    const r = await replay(out, 'allow');
    assert.equal(r.verdict.verdict, 'match', JSON.stringify(r.verdict) + r.stderr);
    assert.equal(requests, before + 1);
    assert.equal(existsSync(out), true);
    assert.equal(r.verdict.sideEffects, undefined);
    assert.doesNotMatch(r.stderr, /side effect/);
  });

  test('the CLI: "match, 3 side effects outside steps" then one line each; --side-effects=block; a bad policy', async () => {
    const env = { SERVER_URL: serverUrl, OUT_FILE: path.join(tmp, 'cli-out'), DBOS_SYSTEM_DATABASE_URL: undefined };
    const traceFile = path.join(tmp, 'trace.json');
    const warn = await runNode([CLI, 'run', '--trace', traceFile, '--program', 'app.mjs'], { cwd: app, env });
    assert.equal(warn.code, 0, warn.out);
    const lines = warn.stdout.trim().split('\n');
    const at = lines.findIndex((l) => l.startsWith('match, 3 side effects outside steps: workflow fx-1'));
    assert.ok(at >= 0, warn.stdout);
    assert.match(
      lines[at + 1],
      new RegExp(`^  ⚠ http http\\.request GET .* at ${programUrl}:${lineOf('side effect: http')}:`),
    );
    assert.match(
      lines[at + 2],
      new RegExp(`^  ⚠ fs fs\\.writeFileSync .* at ${programUrl}:${lineOf('side effect: fs')}:`),
    );
    assert.match(lines[at + 3], /^ {2}⚠ child_process child_process\.spawnSync /);

    const block = await runNode([CLI, 'run', '--trace', traceFile, '--program', 'app.mjs', '--side-effects=block'], {
      cwd: app,
      env: { ...env, OUT_FILE: path.join(tmp, 'cli-block-out') },
    });
    assert.equal(block.code, 3, block.out);
    assert.match(block.stdout, /^DIVERGED, 1 side effect outside steps, blocked: /m);
    assert.equal(existsSync(path.join(tmp, 'cli-block-out')), false);

    const bad = await runNode([CLI, 'run', '--trace', traceFile, '--program', 'app.mjs', '--side-effects', 'maybe'], {
      cwd: app,
      env,
    });
    assert.equal(bad.code, 2, bad.out);
    assert.match(bad.stderr, /--side-effects 'maybe' is not a policy: use warn .*block .*allow/);
  });
});
