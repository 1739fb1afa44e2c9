// Headless batch replays of any length for the CLI's check: pages of traces go to one program process through a pipe
// (ReplayEnv.batchFd) as the caller reads them, verdicts come back on it one by one, and only the entries without a
// verdict yet are held, so memory does not grow with the number of workflows. Runs in the CLI process.
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Trace } from '../../protocol/traceModel.js';
import type { BatchLine, Verdict } from '../../protocol/replayProtocol.js';
import { prepareReplayLaunch, STREAM_FD } from './replayLauncher.js';
import {
  endedWithout,
  HOST_GRACE_MS,
  watchProgram,
  onSignalWhileRunning,
  running,
  type ProgramOptions,
  type Spawned,
  withProgramEnd,
} from './runReplay.js';

export interface RunReplayStreamOptions extends ProgramOptions {
  /** The entries, a page at a time, in order; the next page is asked for while the program replays the current one. */
  pages: AsyncIterable<BatchLine<Trace>[]>;
  /** Called with each verdict as soon as it is known, in entry order. */
  onVerdict: (v: Verdict, index: number) => void;
}

export interface RunReplayStreamResult {
  /** Node processes started: 1 unless a workflow's replay ended its process (then the rest ran in a new one). */
  processes: number;
}

/**
 * Replays every entry of `pages` with the program loaded once. When a replay ends its process (a crash, an await that
 * never settles, the per-workflow timeout), that workflow gets an error verdict and the rest go to a new process; when
 * the program ends before DBOS.launch(), every entry gets that verdict and no other process starts.
 */
export async function runReplayStream(o: RunReplayStreamOptions): Promise<RunReplayStreamResult> {
  const source = o.pages[Symbol.asyncIterator]();
  /** Entries given to a program (or about to be) without a verdict yet, in order. */
  const queue: BatchLine<Trace>[] = [];
  let sourceDone = false;
  let index = 0;
  let processes = 0;
  const put = (v: Verdict, e: BatchLine<Trace>) => {
    if (!v.workflowId) v.workflowId = e.workflowId ?? e.trace.rootWorkflowId;
    o.onVerdict(v, index++);
  };
  /** The next page into the queue; false at the end. */
  const pull = async (): Promise<boolean> => {
    if (sourceDone) return false;
    const n = await source.next();
    if (n.done) sourceDone = true;
    else queue.push(...n.value);
    return !n.done;
  };
  for (;;) {
    if (queue.length === 0 && !(await pull())) break;
    if (queue.length === 0) continue;
    processes++;
    const { notLaunched, ended, verdicts, last, idleMs } = await oneProcess(o, queue, pull, () => sourceDone, put);
    if (notLaunched) {
      const v = withProgramEnd(notLaunched, ended);
      // The program never reached DBOS.launch(): no workflow can replay in it.
      for (const e of queue.splice(0)) put({ ...v, workflowId: '' }, e);
      while (await pull()) for (const e of queue.splice(0)) put({ ...v, workflowId: '' }, e);
      break;
    }
    // A workflow whose replay ended the process wrote its verdict at exit (a timeout verdict is the runtime's own
    // account of why it was killed), unless the process was killed otherwise or said nothing.
    const accounted = verdicts > 0 && (!ended.signal || last?.verdict === 'timeout');
    if (queue.length > 0 && !accounted) {
      const e = queue.shift()!;
      const killed = ended.killed ? idleMs : undefined;
      put(endedWithout(e.workflowId ?? e.trace.rootWorkflowId, ended, 'during the replay of this workflow', killed), e);
    }
  }
  return { processes };
}

/** One program process: writes the queue (pulling pages while it replays), takes verdicts off it until the process ends. */
async function oneProcess(
  o: RunReplayStreamOptions,
  queue: BatchLine<Trace>[],
  pull: () => Promise<boolean>,
  sourceDone: () => boolean,
  put: (v: Verdict, e: BatchLine<Trace>) => void,
): Promise<{ notLaunched?: Verdict; ended: Spawned; verdicts: number; last?: Verdict; idleMs?: number }> {
  const launch = await prepareReplayLaunch({
    program: o.program,
    modules: o.modules,
    cwd: o.cwd ?? process.cwd(),
    runtimeExecutable: o.runtimeExecutable,
    runtimeArgs: o.runtimeArgs,
    env: o.env,
    runtimePath: o.runtimePath,
    handoff: { stream: true, trail: o.trail },
    timeoutMs: o.timeoutMs,
  });
  const idleMs = o.timeoutMs ? o.timeoutMs + HOST_GRACE_MS : undefined;
  const stopOnSignal = onSignalWhileRunning();
  try {
    const args = [...(o.runtimeArgs ?? []), ...launch.preload, launch.entry, ...(o.args ?? [])];
    const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe'];
    while (stdio.length <= STREAM_FD) stdio.push('pipe');
    const child = spawn(o.runtimeExecutable ?? process.execPath, args, {
      cwd: o.cwd ?? process.cwd(),
      env: launch.env,
      stdio,
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    const pipe = child.stdio[STREAM_FD] as Socket;
    let closed = false;
    /** How many entries at the head of the queue this process was given. */
    let written = 0;
    let verdicts = 0;
    let last: Verdict | undefined;
    let notLaunched: Verdict | undefined;
    /** Wakes the writer: a verdict came (the queue shrank), the pipe drained, or the process ended. */
    let wake: () => void = () => {};
    const woken = () => new Promise<void>((r) => (wake = r));
    const watched = watchProgram(child, idleMs);
    let partial = '';
    pipe.setEncoding('utf8');
    pipe.on('error', () => undefined); // EPIPE once the program ended: its close is handled below
    pipe.on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (line.trim() === '' || notLaunched) continue;
        const v = JSON.parse(line) as Verdict;
        watched.rearm();
        verdicts++;
        last = v;
        if (v.launched === false) notLaunched = v;
        else if (queue.length > 0) {
          written = Math.max(0, written - 1);
          put(v, queue.shift()!);
        }
      }
      wake();
    });
    pipe.on('drain', () => wake());
    const ended = watched.ended.then((r) => {
      closed = true;
      wake();
      return r;
    });
    // The writer: every queued entry once, then the next page as soon as less than the last page is left to replay.
    let failure: unknown;
    const writer = (async () => {
      let high = queue.length;
      for (;;) {
        while (written < queue.length && !closed) {
          if (!pipe.write(JSON.stringify(queue[written++]) + '\n')) await woken();
        }
        if (closed) return;
        if (sourceDone()) {
          pipe.end();
          return;
        }
        while (queue.length >= high && !closed) await woken();
        if (closed) return;
        const before = queue.length;
        if (await pull()) high = Math.max(1, queue.length - before);
      }
    })().catch((e) => {
      // Reading the next page failed: end the program (it would wait for input), then report the failure.
      failure = e;
      child.kill('SIGKILL');
    });
    const r = await ended;
    await writer;
    if (failure !== undefined) throw failure;
    return { notLaunched, ended: r, verdicts, last, idleMs };
  } finally {
    stopOnSignal();
    await launch.dispose();
  }
}
