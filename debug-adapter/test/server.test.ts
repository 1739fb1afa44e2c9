// Server mode (--port) and restart: two sessions on the same program through one adapter process, and a restart that replaces the debuggee.
// Runs in the test process (node:test).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { adapterBundle, DapTest, programsDir, tsxLaunch, withAdapter } from './dapHarness';

const sample = path.join(programsDir, 'sample.ts');

describe('adapter server mode and restart', () => {
  it('serves two sessions on the same program, one after the other, over --port', async () => {
    const server = spawn(process.execPath, [adapterBundle, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let text = '';
        server.stderr!.on('data', (d: Buffer) => {
          text += d.toString();
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
          if (m) resolve(Number(m[1]));
        });
        server.once('exit', (code) => reject(new Error(`adapter exited with ${code}: ${text}`)));
      });
      for (let round = 0; round < 2; round++) {
        const t = new DapTest();
        await t.dc.start(port);
        try {
          await t.launch(tsxLaunch('sample.ts'), [{ path: sample, breakpoints: [{ line: 27 }] }]);
          await t.stopped('breakpoint');
          assert.equal(await t.evaluate('sum'), '10');
          await t.dc.continueRequest({ threadId: 1 });
          await t.waitFor('terminated');
        } catch (e) {
          process.stderr.write(`--- DAP transcript (round ${round}) ---\n${t.transcript.join('\n')}\n`);
          throw e;
        } finally {
          await t.stop();
        }
      }
    } finally {
      server.kill();
    }
  });

  it('`dbos-replay dap --port 0` (dist/cli.js) serves DAP', async () => {
    const server = spawn(process.execPath, [path.join(path.dirname(adapterBundle), 'cli.js'), 'dap', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let text = '';
        server.stderr!.on('data', (d: Buffer) => {
          text += d.toString();
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
          if (m) resolve(Number(m[1]));
        });
        server.once('exit', (code) => reject(new Error(`dbos-replay dap exited with ${code}: ${text}`)));
      });
      const t = new DapTest();
      await t.dc.start(port);
      try {
        const init = await t.dc.initializeRequest({
          adapterID: 'dbos-replay',
          linesStartAt1: true,
          columnsStartAt1: true,
          pathFormat: 'path',
        });
        assert.equal(init.body?.supportsStepBack, true);
      } finally {
        await t.stop();
      }
    } finally {
      server.kill();
    }
  });

  it('restart replaces the debuggee and keeps the breakpoints', () =>
    withAdapter(async (t) => {
      await t.launch(tsxLaunch('sample.ts'), [{ path: sample, breakpoints: [{ line: 22 }] }]);
      const first = (await t.waitFor('process')).body.systemProcessId as number;
      await t.stopped('breakpoint');
      await t.dc.restartRequest({});
      const second = (await t.waitFor('process')).body.systemProcessId as number;
      assert.notEqual(second, first);
      assert.throws(() => process.kill(first, 0), /ESRCH/, 'the first debuggee is gone');
      await t.stopped('breakpoint');
      assert.equal((await t.topFrame()).line, 22);
      assert.equal(t.events.filter((e) => e.event === 'terminated').length, 0, 'a restart does not end the session');
    }));
});
