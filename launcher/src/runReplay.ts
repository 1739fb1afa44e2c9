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
  /**
   * Each workflow's time limit: past it the runtime writes a `timeout` verdict and ends the program (undefined: none).
   * The host also kills a program that gives no verdict for this long plus HOST_GRACE_MS (e.g. one stuck before DBOS.launch()).
   */
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
    timeoutMs: o.timeoutMs,
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
  /** The host killed it (no verdict within the idle time). */
  killed?: boolean;
}

export const KEEP = 256 * 1024;

/** How long past the per-workflow limit the host waits for a verdict before it kills the program itself. */
export const HOST_GRACE_MS = 30_000;

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
  return watchProgram(child, idleMs, { rearmOnVerdictLine: true }).ended;
}

/** A started program's output (its last KEEP bytes of each stream) and its end; killed after `idleMs` without `rearm()`. */
export function watchProgram(
  child: ChildProcess,
  idleMs: number | undefined,
  { rearmOnVerdictLine = false } = {},
): { rearm(): void; ended: Promise<Spawned> } {
  let stdout = '';
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  let killed = false;
  const rearm = () => {
    if (!idleMs) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, idleMs);
  };
  rearm();
  child.stdout!.on('data', (d) => {
    stdout += d;
    if (stdout.length > 2 * KEEP) stdout = stdout.slice(-KEEP);
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
    if (stderr.length > 2 * KEEP) stderr = stderr.slice(-KEEP);
    if (rearmOnVerdictLine && String(d).includes(VERDICT_LINE_PREFIX)) rearm();
  });
  const ended = new Promise<Spawned>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, ...(killed ? { killed } : {}) });
    });
  });
  return { rearm, ended };
}

/**
 * The program's last stderr lines for one workflow: after the previous workflow's verdict line, and before this one's
 * own verdict line when it wrote one.
 */
function ownStderr(stderr: string, n: number, ownVerdictWritten = false): string[] {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  let end = lines.length;
  if (ownVerdictWritten) while (end > 0 && !lines[end - 1].includes(VERDICT_LINE_PREFIX)) end--;
  if (ownVerdictWritten && end > 0) end--;
  let from = 0;
  for (let i = end - 1; i >= 0; i--)
    if (lines[i].includes(VERDICT_LINE_PREFIX)) {
      from = i + 1;
      break;
    }
  return lines.slice(from, end).slice(-n);
}

export function endedWithout(workflowId: string, r: Spawned, what: string, killedAfterMs: number | undefined): Verdict {
  const how = killedAfterMs
    ? `was killed after ${killedAfterMs / 1000} s without a verdict (the --timeout limit plus ${HOST_GRACE_MS / 1000} s)`
    : `ended (${r.signal ?? `exit ${r.exitCode}`})`;
  const tail = ownStderr(r.stderr, 5);
  return {
    workflowId,
    verdict: 'error',
    recordedResult: null,
    replayedResult: null,
    operations: { consumed: 0, recorded: 0 },
    error: { message: `the program ${how} ${what}${tail.length ? `: ${tail.join(' | ')}` : ''}` },
  };
}

/** A program that ended before DBOS.launch(): its exit code and last stderr lines go into the verdict. */
export function withProgramEnd(v: Verdict, r: Spawned): Verdict {
  if (v.launched !== false || !v.error) return v;
  const tail = ownStderr(r.stderr, 5, true);
  v.error.exitCode = r.exitCode;
  v.error.stderr = tail;
  if (tail.length) v.error.message += ` Its last lines on stderr: ${tail.join(' | ')}`;
  return v;
}

export async function runReplay(o: RunReplayOptions): Promise<RunReplayResult> {
  const idle = o.timeoutMs ? o.timeoutMs + HOST_GRACE_MS : undefined;
  const { verdicts, ...r } = await launchAndWait(o, { trace: o.trace, workflowId: o.workflowId }, idle);
  const verdict =
    verdicts !== undefined
      ? withProgramEnd(JSON.parse(verdicts) as Verdict, r)
      : endedWithout(o.workflowId ?? o.trace.rootWorkflowId, r, 'without a verdict', r.killed ? idle : undefined);
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
 * writes one verdict per workflow. When a replay ends its process (a crash, an await that never settles, a
 * process.exit(), the per-workflow timeout), that workflow gets its verdict (error, or timeout) and the remaining ones
 * run in a new process.
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
    const idle = o.timeoutMs ? o.timeoutMs + HOST_GRACE_MS : undefined;
    const r = await launchAndWait(o, { batch: o.entries.slice(from), trail: o.trail }, idle);
    processes++;
    stderr = (stderr + r.stderr).slice(-KEEP);
    const lines = (r.verdicts ?? '').split('\n').filter((x) => x.trim() !== '');
    const got = lines.map((x) => JSON.parse(x) as Verdict);
    if (got[0]?.launched === false) {
      // The program never reached DBOS.launch(): no workflow can replay in it.
      const v = withProgramEnd(got[0], r);
      for (let i = from; i < o.entries.length; i++) put({ ...v, workflowId: '' });
      break;
    }
    for (const v of got.slice(0, o.entries.length - from)) put(v);
    // A timeout verdict is the runtime's own account of why it was killed.
    const accounted = got.length > 0 && (!r.signal || got[got.length - 1].verdict === 'timeout');
    if (verdicts.length < o.entries.length && !accounted) {
      const e = o.entries[verdicts.length];
      const killed = r.killed ? idle : undefined;
      put(endedWithout(e.workflowId ?? e.trace.rootWorkflowId, r, 'during the replay of this workflow', killed));
    }
  }
  return { verdicts, processes, stderr };
}
