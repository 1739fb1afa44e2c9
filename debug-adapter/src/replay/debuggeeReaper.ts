// A watchdog next to the adapter that kills its debuggees and removes its temporary directories once the adapter is
// gone, however it ended (disconnect, stdin closed, SIGTERM, SIGKILL). Runs in the adapter; the watchdog is a `node -e`.
import { spawn, type ChildProcess } from 'node:child_process';
import { log } from '../logger';

/**
 * Why a separate process: a debuggee started with --inspect-brk runs no JavaScript of ours until a debugger lets it
 * go (a standby waits there), and a SIGKILLed adapter runs no cleanup. The watchdog reads a pipe from the adapter:
 * `+p<pid>` when a debuggee (its process group) starts, `-p<pid>` when it ends, `+d<dir>`/`-d<dir>` for a launch's
 * temporary directory; when the pipe closes, because the adapter exited or was killed, it kills every group still
 * listed, removes every directory still listed and exits. It holds nothing of the adapter open (unref).
 */
const WATCHDOG_SOURCE = `
const pids = new Set();
const dirs = new Set();
let rest = '';
const kill = (pid) => {
  if (process.platform === 'win32') {
    require('child_process').spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true });
    return;
  }
  try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch {} }
};
const reap = () => {
  for (const pid of pids) kill(pid);
  for (const dir of dirs) try { require('fs').rmSync(dir, { recursive: true, force: true }); } catch {}
  process.exit(0);
};
process.stdin.on('data', (d) => {
  const lines = (rest + d).split('\\n');
  rest = lines.pop();
  for (const l of lines) {
    const set = l[1] === 'd' ? dirs : pids;
    const item = l[1] === 'd' ? l.slice(2) : Number(l.slice(2));
    if (l[1] === 'p' && !(Number.isInteger(item) && item > 0)) continue;
    if (l[0] === '+') set.add(item); else set.delete(item);
  }
});
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
`;

/** Names the watchdog in process listings. */
export const WATCHDOG_ARG = 'dbos-replay-debuggee-watchdog';

let watchdog: ChildProcess | undefined;
let unavailable = false;

function channel(): ChildProcess | undefined {
  if (watchdog || unavailable) return watchdog;
  try {
    watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, WATCHDOG_ARG], {
      stdio: ['pipe', 'ignore', 'ignore'],
      // Its own group: a signal to the adapter's group (Ctrl-C in a terminal) must not end it before the adapter.
      detached: process.platform !== 'win32',
      windowsHide: true,
      env: process.env,
    });
  } catch (e) {
    unavailable = true;
    log('process', `debuggee watchdog did not start: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const w = watchdog;
  w.on('error', (e) => log('process', `debuggee watchdog: ${e.message}`));
  w.stdin?.on('error', () => undefined);
  w.once('exit', () => {
    if (watchdog === w) watchdog = undefined;
  });
  w.unref();
  (w.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  log('process', `debuggee watchdog pid ${w.pid}`);
  return w;
}

/** Puts a debuggee (the leader of its own process group) under the watchdog. */
export function watchDebuggee(pid: number | undefined): void {
  if (pid !== undefined) channel()?.stdin?.write(`+p${pid}\n`);
}

/** Takes an exited debuggee off the watchdog's list (its pid may be reused). */
export function unwatchDebuggee(pid: number | undefined): void {
  if (pid !== undefined && watchdog) watchdog.stdin?.write(`-p${pid}\n`);
}

/** Has the watchdog remove a launch's temporary directory if the adapter dies before disposing of it. */
export function watchTempDir(dir: string): void {
  channel()?.stdin?.write(`+d${dir}\n`);
}

export function unwatchTempDir(dir: string): void {
  watchdog?.stdin?.write(`-d${dir}\n`);
}
