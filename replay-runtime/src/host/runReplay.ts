// Host side of a replay: writes the trace (or a batch of traces) to a temp file, runs the program under node with the
// replay runtime preloaded, and collects the verdict(s). Runs in the CLI or the debug adapter process, never in the debuggee.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Trace } from '../../../history/src/trace/traceModel.js';
import type { Verdict } from '../engine/session.js';

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
  /** Path of the built runtime (default: dist/replay-runtime.js next to this bundle or the repo's dist/). */
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

/** The built runtime: dist/replay-runtime.js of this checkout or installation. */
export function defaultRuntimePath(): string {
  const candidates = [
    path.join(__dirname, 'replay-runtime.js'),
    path.resolve(__dirname, '..', '..', '..', 'dist', 'replay-runtime.js'),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[1];
}

interface Launch {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  executable: string;
}

/** Node arguments and environment for running the program with the runtime preloaded (no database URL). */
function prepareLaunch(o: ProgramOptions, dir: string, extraEnv: NodeJS.ProcessEnv): Launch {
  const runtime = o.runtimePath ?? defaultRuntimePath();
  const cwd = o.cwd ?? process.cwd();
  let entry: string;
  if (o.program) {
    entry = path.resolve(cwd, o.program);
  } else if (o.modules?.length) {
    entry = path.join(dir, 'entry.mjs');
    const urls = o.modules.map((m) => JSON.stringify(pathToFileURL(path.resolve(cwd, m)).href));
    writeFileSync(entry, `${urls.map((u) => `await import(${u});`).join('\n')}\n` +
      `const { DBOS } = await import('@dbos-inc/dbos-sdk');\nawait DBOS.launch();\n`);
  } else {
    throw new Error('dbos-replay: give a program or the modules to load');
  }
  const args = [...(o.runtimeArgs ?? []), '--require', runtime];
  if (/\.(c|m)?tsx?$/.test(entry) || o.modules?.some((m) => /\.(c|m)?tsx?$/.test(m))) args.push('--import', tsxImport(cwd));
  args.push(entry, ...(o.args ?? []));
  const env: NodeJS.ProcessEnv = { ...process.env, ...o.env, ...extraEnv };
  for (const k of ['DBOS_REPLAY_TRACE_FILE', 'DBOS_REPLAY_BATCH_FILE', 'DBOS_REPLAY_WORKFLOW_ID', 'DBOS_REPLAY_TRAIL']) if (!(k in extraEnv)) delete env[k];
  // The debuggee never gets a database URL.
  for (const k of ['DBOS_SYSTEM_DATABASE_URL', 'DBOS_DATABASE_URL', 'DATABASE_URL', 'PGPASSWORD']) delete env[k];
  return { args, cwd, env, executable: o.runtimeExecutable ?? process.execPath };
}

/** `--import tsx`, resolved from the program's folder, or from dbos-replay's own installation. */
function tsxImport(cwd: string): string {
  for (const from of [path.join(cwd, 'noop.js'), __filename]) {
    try {
      const pkg = createRequire(from).resolve('tsx/package.json');
      const exp = (JSON.parse(readFileSync(pkg, 'utf8')) as { exports?: { '.'?: unknown } }).exports?.['.'];
      const rel = typeof exp === 'string' ? exp : (exp as { import?: string; default?: string } | undefined)?.import ?? './dist/loader.mjs';
      return pathToFileURL(path.join(path.dirname(pkg), rel)).href;
    } catch { /* next */ }
  }
  return 'tsx';
}

interface Spawned {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const KEEP = 256 * 1024;

/** Runs the program; kills it after `idleMs` without a new verdict line on stderr (or at all, for single runs). */
function spawnProgram(l: Launch, idleMs: number | undefined): Promise<Spawned> {
  const child = spawn(l.executable, l.args, { cwd: l.cwd, env: l.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    if (String(d).includes('dbos-replay: workflow ')) arm();
  });
  return new Promise<Spawned>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}

function endedWithout(workflowId: string, r: Spawned, what: string): Verdict {
  return {
    workflowId, verdict: 'error', recordedResult: null, replayedResult: null,
    operations: { consumed: 0, recorded: 0 },
    error: { message: `the program ended (${r.signal ?? `exit ${r.exitCode}`}) ${what}: ${r.stderr.trim().split('\n').slice(-5).join(' | ')}` },
  };
}

export async function runReplay(o: RunReplayOptions): Promise<RunReplayResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbos-replay-'));
  try {
    const traceFile = path.join(dir, 'trace.json');
    const resultFile = path.join(dir, 'verdict.json');
    writeFileSync(traceFile, JSON.stringify(o.trace));
    const extra: NodeJS.ProcessEnv = { DBOS_REPLAY_TRACE_FILE: traceFile, DBOS_REPLAY_RESULT_FILE: resultFile };
    if (o.workflowId) extra.DBOS_REPLAY_WORKFLOW_ID = o.workflowId;
    const r = await spawnProgram(prepareLaunch(o, dir, extra), o.timeoutMs);
    const verdict = existsSync(resultFile)
      ? JSON.parse(readFileSync(resultFile, 'utf8')) as Verdict
      : endedWithout(o.workflowId ?? o.trace.rootWorkflowId, r, 'without a verdict');
    return { verdict, ...r };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BatchEntry {
  trace: Trace;
  /** Which workflow of the trace (default: its root). */
  workflowId?: string;
}

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
  const dir = mkdtempSync(path.join(tmpdir(), 'dbos-replay-batch-'));
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
  try {
    while (verdicts.length < o.entries.length) {
      const from = verdicts.length;
      const batchFile = path.join(dir, `batch-${processes}.ndjson`);
      const resultFile = path.join(dir, `verdicts-${processes}.ndjson`);
      writeFileSync(batchFile, o.entries.slice(from).map((e) => JSON.stringify(e)).join('\n') + '\n');
      const extra: NodeJS.ProcessEnv = { DBOS_REPLAY_BATCH_FILE: batchFile, DBOS_REPLAY_RESULT_FILE: resultFile };
      if (o.trail) extra.DBOS_REPLAY_TRAIL = '1';
      const r = await spawnProgram(prepareLaunch(o, dir, extra), o.timeoutMs);
      processes++;
      stderr = (stderr + r.stderr).slice(-KEEP);
      const lines = existsSync(resultFile) ? readFileSync(resultFile, 'utf8').split('\n').filter((x) => x.trim() !== '') : [];
      const got = lines.map((x) => JSON.parse(x) as Verdict);
      if (got[0]?.launched === false) {
        // The program never reached DBOS.launch(): no workflow can replay in it.
        for (let i = from; i < o.entries.length; i++) put({ ...got[0], workflowId: '' });
        break;
      }
      for (const v of got.slice(0, o.entries.length - from)) put(v);
      if (verdicts.length < o.entries.length && got.length === 0 || (verdicts.length < o.entries.length && r.signal)) {
        const e = o.entries[verdicts.length];
        put(endedWithout(e.workflowId ?? e.trace.rootWorkflowId, r, 'during the replay of this workflow'));
      }
    }
    return { verdicts, processes, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
