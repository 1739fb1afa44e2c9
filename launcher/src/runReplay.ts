// Headless replays for the CLI's run and check (and the benches): starts the program through the replay launcher,
// collects the verdict(s), and re-starts a batch in a new process when a replay ended its process. Runs in the CLI process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Trace } from '../../protocol/traceModel.js';
import { VERDICT_LINE_PREFIX, type BatchLine, type Verdict } from '../../protocol/replayProtocol.js';
import { prepareReplayLaunch, type ReplayLaunch, type TraceHandoff } from './replayLauncher.js';

export interface ProgramOptions {
  /** The program's entry (.js/.cjs/.mjs, or .ts run through tsx). */
  program?: string;
  /** Instead of an entry: modules that register the workflows; the runtime launches after loading them. */
  modules?: string[];
  cwd?: string;
  /** Node binary (default: this process's). */
  runtimeExecutable?: string;
  /** Extra node flags, before the preload. */
  runtimeArgs?: string[];
  /** Program arguments. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Path of the built runtime (default: the launcher's replayRuntimePath()). */
  runtimePath?: string;
  /** Kill the program when no verdict came for this long (batch: per workflow). */
  timeoutMs?: number;
  /** Batches: every verdict carries its trail too (single replays always do). */
  trail?: boolean;
}

export interface RunReplayOptions extends ProgramOptions {
  trace: Trace;
  /** Which workflow of the trace to replay (default: its root). */
  workflowId?: string;
}

export interface RunReplayResult {
  verdict: Verdict;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the program once with this hand-off; the launch's files are removed when it ended. */
async function launchAndWait(
  o: ProgramOptions,
  handoff: TraceHandoff,
  idleMs: number | undefined,
): Promise<Spawned & { verdicts: string | undefined }> {
  const launch = await prepareReplayLaunch({
    program: o.program,
    modules: o.modules,
    cwd: o.cwd ?? process.cwd(),
    runtimeExecutable: o.runtimeExecutable,
    runtimeArgs: o.runtimeArgs,
    env: o.env,
    runtimePath: o.runtimePath,
    handoff,
  });
  const stopOnSignal = onSignalWhileRunning();
  try {
    const r = await spawnProgram(o, launch, idleMs);
    return { ...r, verdicts: existsSync(launch.resultFile) ? readFileSync(launch.resultFile, 'utf8') : undefined };
  } finally {
    stopOnSignal();
    await launch.dispose();
  }
}

/** Programs being replayed: a CLI ended by a signal ends them too. */
export const running = new Set<ChildProcess>();

/**
 * While a program runs, SIGINT/SIGTERM/SIGHUP end it and then this process, through process.exit so the launcher's
 * exit hook removes the temporary directory (the trace hand-off, the verdict). Returns the uninstaller.
 */
export function onSignalWhileRunning(): () => void {
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  const handlers = Object.entries(codes).map(([sig, code]) => {
    const handler = () => {
      for (const c of running) c.kill('SIGKILL');
      process.exit(code);
    };
    process.on(sig, handler);
    return () => process.off(sig, handler);
  });
  return () => handlers.forEach((off) => off());
}

export interface Spawned {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const KEEP = 256 * 1024;

/** Runs the program; kills it after `idleMs` without a new verdict line on stderr (or at all, for single runs). */
function spawnProgram(o: ProgramOptions, l: ReplayLaunch, idleMs: number | undefined): Promise<Spawned> {
  const args = [...(o.runtimeArgs ?? []), ...l.preload, l.entry, ...(o.args ?? [])];
  const child = spawn(o.runtimeExecutable ?? process.execPath, args, {
    cwd: o.cwd ?? process.cwd(),
    env: l.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (!idleMs) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => child.kill('SIGKILL'), idleMs);
  };
  arm();
  child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.length > 2 * KEEP) stdout = stdout.slice(-KEEP);
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 2 * KEEP) stderr = stderr.slice(-KEEP);
    if (String(d).includes(VERDICT_LINE_PREFIX)) arm();
  });
  return new Promise<Spawned>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}

export function endedWithout(workflowId: string, r: Spawned, what: string): Verdict {
  return {
    workflowId,
    verdict: 'error',
    recordedResult: null,
    replayedResult: null,
    operations: { consumed: 0, recorded: 0 },
    error: {
      message: `the program ended (${r.signal ?? `exit ${r.exitCode}`}) ${what}: ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`,
    },
  };
}

export async function runReplay(o: RunReplayOptions): Promise<RunReplayResult> {
  const { verdicts, ...r } = await launchAndWait(o, { trace: o.trace, workflowId: o.workflowId }, o.timeoutMs);
  const verdict =
    verdicts !== undefined
      ? (JSON.parse(verdicts) as Verdict)
      : endedWithout(o.workflowId ?? o.trace.rootWorkflowId, r, 'without a verdict');
  return { verdict, ...r };
}

/** A trace and which of its workflows to replay (default: its root). */
export type BatchEntry = BatchLine<Trace>;

export interface RunReplayBatchOptions extends ProgramOptions {
  entries: BatchEntry[];
  /** Called with each verdict as soon as it is known, in entry order. */
  onVerdict?: (v: Verdict, index: number) => void;
}

export interface RunReplayBatchResult {
  /** One verdict per entry, in entry order. */
  verdicts: Verdict[];
  /** Node processes started: 1 unless a workflow's replay ended its process (then the rest ran in a new one). */
  processes: number;
  stderr: string;
}

/**
 * Replays many workflows with the program loaded once: the runtime replays each trace in turn with fresh state and
 * writes one verdict per workflow. When a replay ends its process (a crash, an await that never settles, the
 * per-workflow timeout), that workflow gets an error verdict and the remaining ones run in a new process.
 */
export async function runReplayBatch(o: RunReplayBatchOptions): Promise<RunReplayBatchResult> {
  const verdicts: Verdict[] = [];
  let processes = 0;
  let stderr = '';
  const put = (v: Verdict) => {
    const i = verdicts.length;
    const e = o.entries[i];
    if (!v.workflowId) v.workflowId = e.workflowId ?? e.trace.rootWorkflowId;
    verdicts.push(v);
    o.onVerdict?.(v, i);
  };
  while (verdicts.length < o.entries.length) {
    const from = verdicts.length;
    const r = await launchAndWait(o, { batch: o.entries.slice(from), trail: o.trail }, o.timeoutMs);
    processes++;
    stderr = (stderr + r.stderr).slice(-KEEP);
    const lines = (r.verdicts ?? '').split('\n').filter((x) => x.trim() !== '');
    const got = lines.map((x) => JSON.parse(x) as Verdict);
    if (got[0]?.launched === false) {
      // The program never reached DBOS.launch(): no workflow can replay in it.
      for (let i = from; i < o.entries.length; i++) put({ ...got[0], workflowId: '' });
      break;
    }
    for (const v of got.slice(0, o.entries.length - from)) put(v);
    if ((verdicts.length < o.entries.length && got.length === 0) || (verdicts.length < o.entries.length && r.signal)) {
      const e = o.entries[verdicts.length];
      put(endedWithout(e.workflowId ?? e.trace.rootWorkflowId, r, 'during the replay of this workflow'));
    }
  }
  return { verdicts, processes, stderr };
}
