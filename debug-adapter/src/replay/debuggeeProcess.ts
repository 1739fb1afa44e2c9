// Starts the user's program under the Node inspector, reports its output and exit, and kills its process tree.
// Runs in the debug adapter process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { AdapterError, errors } from '../errors';
import { log } from '../logger';
import { watchDebuggee, unwatchDebuggee } from './debuggeeReaper';
import { Emitter, type Disposable } from './emitter';

export interface DebuggeeSpawnOptions {
  /** Executable to run: `node` or a wrapper such as `tsx` that passes node flags through. */
  runtimeExecutable: string;
  runtimeArgs: string[];
  /** Extra node arguments placed after the inspector flag and before the program: the replay launcher's `--require <runtime>`. */
  preload: string[];
  /** Program and its arguments (or `-e <code>`). */
  programArgs: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** How long to wait for the inspector URL on stderr. */
  inspectorTimeoutMs?: number;
  /** Aborting kills the process at once, even before its inspector is up (a standby disposed while starting). */
  signal?: AbortSignal;
}

export interface DebuggeeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The first lines the program wrote to stderr (inspector banners excluded), for crash messages. */
  stderrHead: string[];
}

/** Inspector chatter Node writes to stderr; never shown as the program's output. */
const INSPECTOR_LINES = [
  /^Debugger listening on ws:\/\//,
  /^For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector/,
  /^Debugger attached\.?$/,
  /^Waiting for the debugger to disconnect\.\.\.$/,
  /^Debugger ending on ws:\/\//,
];
const STDERR_HEAD_LINES = 10;

/**
 * Every spawned process not yet exited (from the moment of spawn, before its inspector is up), so an adapter that
 * exits takes its debuggees with it; the watchdog (debuggeeReaper.ts) does the same when it is killed instead.
 */
const spawned = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of spawned) killTree(c, 'SIGKILL');
});

export class DebuggeeProcess implements Disposable {
  private readonly outputEmitter = new Emitter<{ category: 'stdout' | 'stderr'; text: string }>();
  private readonly exitEmitter = new Emitter<DebuggeeExit>();
  readonly onOutput = this.outputEmitter.event;
  readonly onExit = this.exitEmitter.event;
  private stderrHead: string[] = [];
  private stderrPartial = '';
  private exitInfo: DebuggeeExit | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly inspectorUrl: string,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): DebuggeeExit | undefined {
    return this.exitInfo;
  }

  /** Spawns the program with `--inspect-brk=127.0.0.1:0` and resolves once the inspector URL is known. */
  static start(options: DebuggeeSpawnOptions): Promise<DebuggeeProcess> {
    const args = [...options.runtimeArgs, '--inspect-brk=127.0.0.1:0', ...options.preload, ...options.programArgs];
    log('process', `spawn ${options.runtimeExecutable} ${args.join(' ')} in ${options.cwd}`);
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(options.runtimeExecutable, args, {
          cwd: options.cwd,
          env: options.env,
          stdio: ['ignore', 'pipe', 'pipe'],
          // Own process group on POSIX so the whole tree can be killed at once.
          detached: process.platform !== 'win32',
          windowsHide: true,
        });
      } catch (e) {
        reject(spawnError(options, e));
        return;
      }
      spawned.add(child);
      watchDebuggee(child.pid);
      child.once('exit', () => {
        spawned.delete(child);
        unwatchDebuggee(child.pid);
      });
      const abort = () => {
        killTree(child, 'SIGKILL');
        fail(errors.debuggeeAborted(options.runtimeExecutable));
      };
      if (options.signal?.aborted) abort();
      else options.signal?.addEventListener('abort', abort, { once: true });
      let settled = false;
      let debuggee: DebuggeeProcess | undefined;
      const early: { category: 'stdout' | 'stderr'; text: string }[] = [];
      const timer = setTimeout(() => {
        fail(errors.inspectorTimeout(options.runtimeExecutable, options.inspectorTimeoutMs ?? 10000));
        killTree(child, 'SIGKILL');
      }, options.inspectorTimeoutMs ?? 10000);
      timer.unref();
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(e);
      };
      const stderrLines: string[] = [];
      child.once('error', (e) => fail(spawnError(options, e)));
      child.once('exit', (code, signal) => {
        if (!settled) {
          const tail = stderrLines.filter((l) => !INSPECTOR_LINES.some((r) => r.test(l))).slice(0, STDERR_HEAD_LINES);
          fail(errors.exitedBeforeInspector(options.runtimeExecutable, describeExit(code, signal), tail));
        }
      });
      child.stdout!.on('data', (d: Buffer) => {
        const item = { category: 'stdout' as const, text: d.toString('utf8') };
        if (debuggee) debuggee.outputEmitter.fire(item);
        else early.push(item);
      });
      child.stderr!.on('data', (d: Buffer) => {
        const text = d.toString('utf8');
        if (!settled) {
          stderrLines.push(...text.split(/\r?\n/));
          const m = /Debugger listening on (ws:\/\/\S+)/.exec(stderrLines.join('\n'));
          if (m) {
            settled = true;
            clearTimeout(timer);
            debuggee = new DebuggeeProcess(child, m[1]);
            debuggee.watchExit();
            for (const item of early) debuggee.outputEmitter.fire(item);
            debuggee.onStderr(stderrLines.join('\n'));
            resolve(debuggee);
          }
          return;
        }
        debuggee?.onStderr(text);
      });
    });
  }

  /** Output events start flowing to listeners registered before this call's caller returns; early output is replayed. */
  private watchExit(): void {
    this.child.once('exit', (code, signal) => {
      this.flushStderr();
      this.exitInfo = { code, signal, stderrHead: this.stderrHead };
      log('process', `pid ${this.pid} exited (${describeExit(code, signal)})`);
      // Let the stdio streams drain before reporting the exit, so output precedes the exit message.
      setImmediate(() => this.exitEmitter.fire(this.exitInfo!));
    });
  }

  private onStderr(text: string): void {
    this.stderrPartial += text;
    const lines = this.stderrPartial.split('\n');
    this.stderrPartial = lines.pop() ?? '';
    const shown = lines.filter((l) => !INSPECTOR_LINES.some((r) => r.test(l.replace(/\r$/, ''))));
    if (shown.length === 0) return;
    if (this.stderrHead.length < STDERR_HEAD_LINES)
      this.stderrHead.push(...shown.slice(0, STDERR_HEAD_LINES - this.stderrHead.length));
    this.outputEmitter.fire({ category: 'stderr', text: shown.map((l) => `${l}\n`).join('') });
  }

  private flushStderr(): void {
    if (this.stderrPartial) this.onStderr('\n');
  }

  /** Sends a signal to the whole process tree (no-op once exited). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exitInfo) return;
    killTree(this.child, signal);
  }

  /** Kills the tree and resolves once the process has exited (SIGTERM, then SIGKILL after `graceMs`). */
  async terminate(graceMs = 2000): Promise<void> {
    if (this.exitInfo || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    timer.unref();
    await exited;
    clearTimeout(timer);
  }

  dispose(): void {
    this.kill('SIGKILL');
    this.outputEmitter.dispose();
    this.exitEmitter.dispose();
  }
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

/** The session's last words when the program ends: how, the replay's verdict, and the start of stderr after a crash. */
export function exitMessage(
  e: DebuggeeExit,
  c: {
    program: string;
    killedByUs: boolean;
    replay: boolean;
    verdict: { launched?: boolean; summary: string } | undefined;
    replayStarted: boolean;
  },
): string {
  let message: string;
  if (c.killedByUs) message = 'Program terminated by the debugger.';
  else if (c.replay && (c.verdict ? c.verdict.launched === false : !c.replayStarted)) {
    // The program failed while loading (or never called DBOS.launch()): the replay never started; its stderr says why.
    message = `The program ${c.program} ${e.signal ? 'was killed by' : 'exited with'} ${describeExit(e.code, e.signal)} before replay started.`;
  } else if (e.signal) message = `Program was killed by ${describeExit(e.code, e.signal)} (${c.program}).`;
  else message = `Program exited with ${describeExit(e.code, e.signal)} (${c.program}).`;
  if (c.verdict && c.verdict.launched !== false) message = `Replay ${c.verdict.summary}. ${message}`;
  else if (c.replay && !c.killedByUs && c.replayStarted) message = `Replay ended without a verdict. ${message}`;
  if (!c.killedByUs && (e.signal || e.code !== 0) && e.stderrHead.length > 0)
    message += ` It wrote to stderr:\n${e.stderrHead.join('\n')}`;
  return message;
}

function spawnError(options: DebuggeeSpawnOptions, e: unknown): AdapterError {
  const message = e instanceof Error ? e.message : String(e);
  return errors.cannotStart(options.runtimeExecutable, message);
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawnSync('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true });
    } else {
      process.kill(-child.pid, signal);
    }
  } catch {
    // The group is already gone; try the process itself in case it left the group.
    try {
      child.kill(signal);
    } catch {
      // already exited
    }
  }
}
