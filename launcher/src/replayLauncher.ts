// How a replayed program starts: the runtime preload and tsx, the entry (the program, or one generated for --modules),
// its environment and the trace hand-off files. Runs in the CLI or the debug adapter process, never in the debuggee.
// The only module that knows where the built replay runtime lives; the CLI's run/check and the adapter both launch through it.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeTraceFile } from '../../history/src/trace/traceFile.js';
import type { Trace } from '../../protocol/traceModel.js';
import { DATABASE_ENV, HANDOFF_ENV, ReplayEnv, type BatchLine } from '../../protocol/replayProtocol.js';

/**
 * What the runtime gets to replay: one trace (and which workflow of it), a batch replayed in turn in one process, or a
 * batch the caller streams through a pipe on fd STREAM_FD of the program (ReplayEnv.batchFd; no file).
 */
export type TraceHandoff =
  | { trace: Trace; workflowId?: string }
  | { batch: BatchLine<Trace>[]; trail?: boolean }
  | { stream: true; trail?: boolean };

/** The program's file descriptor a streamed batch arrives on (stdio index of the socket pair the caller spawns with). */
export const STREAM_FD = 3;

export interface ReplayLaunchOptions {
  /** The program's entry (.js/.cjs/.mjs, or .ts run through tsx), relative to cwd or absolute. */
  program?: string;
  /** Instead of an entry: modules that register the workflows; the generated entry imports them, then DBOS.launch(). */
  modules?: string[];
  cwd: string;
  /** The executable and its flags the caller runs the program with: a TypeScript loader among them means no tsx is added. */
  runtimeExecutable?: string;
  runtimeArgs?: string[];
  /** Variables for the program over this process's environment; null or undefined removes one. */
  env?: Record<string, string | null | undefined>;
  /** The built runtime (default: replayRuntimePath()). */
  runtimePath?: string;
  handoff: TraceHandoff;
  /** Headless replays: each workflow's time limit (ReplayEnv.timeoutMs); never set under a debugger. */
  timeoutMs?: number;
}

export interface ReplayLaunch {
  runtimePath: string;
  /** Node flags placed after the caller's own and before the entry: `--require <runtime>` and, when needed, `--import <tsx>`. */
  preload: string[];
  /** The script node runs: the program, or the generated modules entry. */
  entry: string;
  /** The program's whole environment: the hand-off variables set, stale ones and every database variable removed. */
  env: Record<string, string>;
  /** The first hand-off file (in `env`), in a private temporary directory; the runtime removes it once read. */
  traceFile?: string;
  batchFile?: string;
  /** Where the runtime writes the verdict (read after the program exits). */
  resultFile: string;
  /** The private temporary directory (0700) holding the hand-off, verdict and generated entry. */
  dir: string;
  /**
   * The hand-off variables for the next program start: the first call gives `env`'s file, each later one writes a
   * fresh file (0600) for a further start of the same replay (time travel's re-runs), as the runtime removes each.
   */
  nextHandoff(): Promise<Record<string, string>>;
  /** Removes the temporary directory (trace, batch, verdict, generated entry). */
  dispose(): Promise<void>;
}

/** Directories of launches not yet disposed: removed when this process exits (a SIGTERM handler exits too). */
const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
});

/** The built runtime: dist/replay-runtime.js next to this bundle (dist/cli.js, dist/debug-adapter.js) or the checkout's dist/. */
export function replayRuntimePath(): string {
  const candidates = [
    path.join(__dirname, 'replay-runtime.js'),
    path.resolve(__dirname, '..', '..', 'dist', 'replay-runtime.js'),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[1];
}

const TYPESCRIPT = /\.[cm]?tsx?$/;
const TS_LOADER = /tsx|ts-node/;

/**
 * Writes the hand-off files (0600, in a fresh 0700 temporary directory) and returns how to start the program with the
 * replay runtime preloaded. The caller spawns `executable [its flags] ...preload entry [program args]` with `env`, then
 * calls dispose().
 */
export async function prepareReplayLaunch(o: ReplayLaunchOptions): Promise<ReplayLaunch> {
  if (!o.program && !o.modules?.length) throw new Error('dbos-replay: give a program or the modules to load');
  const runtimePath = o.runtimePath ?? replayRuntimePath();
  const dir = await mkdtemp(path.join(tmpdir(), 'dbos-replay-'));
  liveDirs.add(dir);
  const dispose = async () => {
    liveDirs.delete(dir);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const resultFile = path.join(dir, 'verdict.json');
    const handoffEnv: Record<string, string> = { [ReplayEnv.resultFile]: resultFile, [ReplayEnv.removeHandoff]: '1' };
    const handoff = o.handoff;
    let written = 0;
    /** Writes one hand-off file and returns its variables. */
    const writeHandoff = async (): Promise<Record<string, string>> => {
      const n = written++ === 0 ? '' : `-${written}`;
      if ('stream' in handoff) return { [ReplayEnv.batchFd]: String(STREAM_FD) };
      if ('trace' in handoff) {
        const file = path.join(dir, `trace${n}.json`);
        await writeTraceFile(file, handoff.trace);
        await chmod(file, 0o600);
        return { [ReplayEnv.traceFile]: file };
      }
      const file = path.join(dir, `batch${n}.ndjson`);
      await writeFile(file, handoff.batch.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
      return { [ReplayEnv.batchFile]: file };
    };
    const first = await writeHandoff();
    Object.assign(handoffEnv, first);
    if ('trace' in handoff && handoff.workflowId) handoffEnv[ReplayEnv.workflowId] = handoff.workflowId;
    if (!('trace' in handoff) && handoff.trail) handoffEnv[ReplayEnv.trail] = '1';
    const traceFile = first[ReplayEnv.traceFile];
    const batchFile = first[ReplayEnv.batchFile];
    let firstTaken = false;
    const nextHandoff = async (): Promise<Record<string, string>> => {
      if (!firstTaken) {
        firstTaken = true;
        return first;
      }
      return writeHandoff();
    };
    if (o.timeoutMs) handoffEnv[ReplayEnv.timeoutMs] = String(o.timeoutMs);
    const entry = o.program ? path.resolve(o.cwd, o.program) : await writeModulesEntry(dir, o.cwd, o.modules!);
    const preload = ['--require', runtimePath];
    const env = programEnv(o.env, handoffEnv);
    if (needsTsx(o)) preload.push('--import', tsxLoader(o));
    if (isTypeScript(o) && !env[TSX_TSCONFIG_ENV]) {
      // tsx reads the cwd's tsconfig.json; the program's own (its experimentalDecorators) is the nearest to it.
      const tsconfig = nearestTsconfig(o);
      if (tsconfig) env[TSX_TSCONFIG_ENV] = tsconfig;
    }
    return {
      runtimePath,
      preload,
      entry,
      env,
      traceFile,
      batchFile,
      resultFile,
      dir,
      nextHandoff,
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** The entry for --modules: imports each (ESM or CommonJS, by URL), then starts the replay the way the app would. */
async function writeModulesEntry(dir: string, cwd: string, modules: string[]): Promise<string> {
  const entry = path.join(dir, 'entry.mjs');
  const urls = modules.map((m) => JSON.stringify(pathToFileURL(path.resolve(cwd, m)).href));
  await writeFile(
    entry,
    `${urls.map((u) => `await import(${u});`).join('\n')}\n` +
      `const { DBOS } = await import('@dbos-inc/dbos-sdk');\nawait DBOS.launch();\n`,
    { mode: 0o600 },
  );
  return entry;
}

/** This process's environment, the caller's variables over it, then no stale hand-off and no database variable. */
function programEnv(overrides: ReplayLaunchOptions['env'], handoff: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if (v === null || v === undefined) delete env[k];
    else env[k] = v;
  }
  for (const k of HANDOFF_ENV) delete env[k];
  // The debuggee never gets a database URL: it replays from the trace.
  for (const k of DATABASE_ENV) delete env[k];
  return Object.assign(env, handoff);
}

/** A TypeScript entry or module runs through tsx, unless the caller's executable or flags already bring a loader. */
function needsTsx(o: ReplayLaunchOptions): boolean {
  const ts = isTypeScript(o);
  const hasLoader =
    TS_LOADER.test(path.basename(o.runtimeExecutable ?? '')) || (o.runtimeArgs ?? []).some((a) => TS_LOADER.test(a));
  return ts && !hasLoader;
}

function isTypeScript(o: ReplayLaunchOptions): boolean {
  return [o.program, ...(o.modules ?? [])].some((p) => p !== undefined && TYPESCRIPT.test(p));
}

/** tsx's variable naming the tsconfig.json it compiles with (it takes the working directory's otherwise). */
const TSX_TSCONFIG_ENV = 'TSX_TSCONFIG_PATH';

/** The tsconfig.json nearest to the program (or the first module): in its folder or the closest folder above. */
function nearestTsconfig(o: ReplayLaunchOptions): string | undefined {
  const first = o.program ?? o.modules?.[0];
  if (!first) return undefined;
  for (let d = path.dirname(path.resolve(o.cwd, first)); ; d = path.dirname(d)) {
    const f = path.join(d, 'tsconfig.json');
    if (existsSync(f)) return f;
    if (path.dirname(d) === d) return undefined;
  }
}

/** tsx's `--import` entry: the program's own tsx (from its folder, then cwd) first, then the one installed with dbos-replay. */
function tsxLoader(o: ReplayLaunchOptions): string {
  const from = [...(o.program ? [path.dirname(path.resolve(o.cwd, o.program))] : []), o.cwd].map((d) =>
    path.join(d, 'noop.js'),
  );
  for (const f of [...from, __filename]) {
    try {
      const pkg = createRequire(f).resolve('tsx/package.json');
      const exp = (JSON.parse(readFileSync(pkg, 'utf8')) as { exports?: { '.'?: unknown } }).exports?.['.'];
      const rel =
        typeof exp === 'string'
          ? exp
          : ((exp as { import?: string; default?: string } | undefined)?.import ?? './dist/loader.mjs');
      return pathToFileURL(path.join(path.dirname(pkg), rel)).href;
    } catch {
      /* next */
    }
  }
  // Node resolves a bare --import from the working directory.
  return 'tsx';
}
