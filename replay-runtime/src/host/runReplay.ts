// Host side of a replay: writes the trace to a temp file, runs the program under node with the replay runtime
// preloaded, and collects the verdict. Runs in the CLI or the debug adapter process, never in the debuggee.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Trace } from '../../../history/src/trace/traceModel.js';
import type { Verdict } from '../engine/session.js';

export interface RunReplayOptions {
  trace: Trace;
  /** The program's entry (.js/.cjs/.mjs, or .ts run through tsx). */
  program?: string;
  /** Instead of an entry: modules that register the workflows; the runtime launches after loading them. */
  modules?: string[];
  /** Which workflow of the trace to replay (default: its root). */
  workflowId?: string;
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
  timeoutMs?: number;
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

export async function runReplay(o: RunReplayOptions): Promise<RunReplayResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbos-replay-'));
  try {
    const traceFile = path.join(dir, 'trace.json');
    const resultFile = path.join(dir, 'verdict.json');
    writeFileSync(traceFile, JSON.stringify(o.trace));
    const runtime = o.runtimePath ?? defaultRuntimePath();
    const cwd = o.cwd ?? process.cwd();
    let entry: string;
    if (o.program) {
      entry = path.resolve(cwd, o.program);
    } else if (o.modules?.length) {
      entry = path.join(dir, 'entry.mjs');
      const urls = o.modules.map((m) => JSON.stringify(new URL(`file://${path.resolve(cwd, m)}`).href));
      writeFileSync(entry, `${urls.map((u) => `await import(${u});`).join('\n')}\n` +
        `const { DBOS } = await import('@dbos-inc/dbos-sdk');\nawait DBOS.launch();\n`);
    } else {
      throw new Error('runReplay: give a program or the modules to load');
    }
    const args = [...(o.runtimeArgs ?? []), '--require', runtime];
    if (/\.(c|m)?tsx?$/.test(entry) || o.modules?.some((m) => /\.(c|m)?tsx?$/.test(m))) args.push('--import', 'tsx');
    args.push(entry, ...(o.args ?? []));
    const env: NodeJS.ProcessEnv = { ...process.env, ...o.env, DBOS_REPLAY_TRACE_FILE: traceFile, DBOS_REPLAY_RESULT_FILE: resultFile };
    if (o.workflowId) env.DBOS_REPLAY_WORKFLOW_ID = o.workflowId;
    else delete env.DBOS_REPLAY_WORKFLOW_ID;
    // The debuggee never gets a database URL.
    for (const k of ['DBOS_SYSTEM_DATABASE_URL', 'DBOS_DATABASE_URL', 'DATABASE_URL', 'PGPASSWORD']) delete env[k];
    const child = spawn(o.runtimeExecutable ?? process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = o.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), o.timeoutMs) : undefined;
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    });
    if (timer) clearTimeout(timer);
    let verdict: Verdict;
    if (existsSync(resultFile)) {
      verdict = JSON.parse(readFileSync(resultFile, 'utf8')) as Verdict;
    } else {
      verdict = {
        workflowId: o.workflowId ?? o.trace.rootWorkflowId, verdict: 'error', recordedResult: null, replayedResult: null,
        operations: { consumed: 0, recorded: 0 },
        error: { message: `the program ended (${signal ?? `exit ${exitCode}`}) without a verdict: ${stderr.trim().split('\n').slice(-5).join(' | ')}` },
      };
    }
    return { verdict, exitCode, signal, stdout, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
