// The seam between a launch configuration and the debuggee's command line: loads the recorded trace (file or database),
// writes it where the replay runtime reads it, and returns the preload arguments and environment.
// Runs in the debug adapter process. The only module that knows where the built replay runtime lives.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemUrlFromDbosConfig } from '../../../history/src/db/dbosConfig';
import { HistoryError } from '../../../history/src/errors';
import { HistoryReader } from '../../../history/src/reader/historyReader';
import { readTraceFile, writeTraceFile } from '../../../history/src/trace/traceFile';
import type { Trace, WorkflowStatusRow } from '../../../history/src/trace/traceModel';
import { defaultRuntimePath } from '../../../replay-runtime/src/host/runReplay';
import { AdapterError, ErrorCode } from '../errors';
import type { ValidatedLaunchArguments } from '../launchArguments';
import { log } from '../logger';

export interface LaunchPlan {
  /** Node arguments placed before the program, e.g. `--require <dist/replay-runtime.js>`. */
  preload: string[];
  /** Environment added to the debuggee's, e.g. where the runtime finds the trace. Never a database URL. */
  env: Record<string, string>;
  /** Variables removed from the debuggee's environment (database URLs and passwords). */
  unsetEnv: string[];
  /** Present when a recorded workflow is replayed. */
  replay?: ReplayPlan;
}

/** What the controller knows about the replayed recording, without holding the trace itself. */
export interface ReplayPlan {
  /** Absolute path of the built runtime bundle (its frames are hidden, its script blackboxed). */
  runtimePath: string;
  traceFile: string;
  /** Where the runtime writes its verdict (read when the debuggee exits). */
  resultFile: string;
  workflowId: string;
  workflowName: string;
  status: string;
  /** Recorded operations of the replayed workflow, by function_id. */
  operations: { functionId: number; name: string; error: boolean }[];
  /** Removes the temporary directory holding the trace and the verdict. */
  dispose(): Promise<void>;
}

/** Variables that could reach a database; the debuggee never gets one. */
const DATABASE_ENV = ['DBOS_SYSTEM_DATABASE_URL', 'DBOS_DATABASE_URL', 'DATABASE_URL', 'PGPASSWORD'];

/** The built replay runtime (dist/replay-runtime.js next to the adapter bundle, or the checkout's dist/). */
export function replayRuntimePath(): string {
  return defaultRuntimePath();
}

/**
 * Plain Node debugging when neither `workflowId` nor `traceFile` is set. Otherwise loads the trace (from the file, or
 * from the system database through the history reader), writes it to a temporary file, and preloads the runtime.
 */
export async function launchPlan(args: ValidatedLaunchArguments): Promise<LaunchPlan> {
  if (!args.workflowId && !args.traceFile) return { preload: [], env: {}, unsetEnv: [] };
  const runtimePath = replayRuntimePath();
  if (!existsSync(runtimePath)) {
    throw new AdapterError(ErrorCode.RuntimeMissing, `The replay runtime ${runtimePath} is missing. Build dbos-replay (npm run build) or reinstall the extension.`);
  }
  const trace = await loadTrace(args);
  const id = args.workflowId ?? trace.rootWorkflowId;
  const target = trace.workflows.find((w) => w.workflow_status.workflow_uuid === id);
  if (!target) {
    throw new AdapterError(ErrorCode.NoSuchWorkflow,
      `No recorded workflow '${id}' in the trace ${args.traceFile ?? ''} (it holds ${trace.workflows.map((w) => w.workflow_status.workflow_uuid).join(', ')}). Fix "workflowId" in launch.json.`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'dbos-replay-dap-'));
  const traceFile = path.join(dir, 'trace.json');
  const resultFile = path.join(dir, 'verdict.json');
  await writeTraceFile(traceFile, trace);
  const st: WorkflowStatusRow = target.workflow_status;
  const preload = ['--require', runtimePath];
  if (needsTsx(args)) preload.push('--import', tsxLoaderUrl());
  log('replay', `replaying ${id} (${target.operation_outputs.length} operations) from ${traceFile}`);
  return {
    preload,
    env: { DBOS_REPLAY_TRACE_FILE: traceFile, DBOS_REPLAY_WORKFLOW_ID: id, DBOS_REPLAY_RESULT_FILE: resultFile },
    unsetEnv: DATABASE_ENV,
    replay: {
      runtimePath,
      traceFile,
      resultFile,
      workflowId: id,
      workflowName: st.class_name ? `${st.class_name}.${st.name}` : st.name,
      status: st.status,
      operations: target.operation_outputs.map((o) => ({ functionId: Number(o.function_id), name: o.function_name, error: o.error !== null && o.error !== undefined }))
        .sort((a, b) => a.functionId - b.functionId),
      dispose: () => rm(dir, { recursive: true, force: true }),
    },
  };
}

async function loadTrace(args: ValidatedLaunchArguments): Promise<Trace> {
  if (args.traceFile) {
    const file = path.resolve(args.cwd, args.traceFile);
    try {
      return await readTraceFile(file);
    } catch (e) {
      throw new AdapterError(ErrorCode.TraceUnreadable, `Cannot read "traceFile" ${file}: ${e instanceof Error ? e.message : String(e)} Fix "traceFile" in launch.json.`);
    }
  }
  const url = await databaseUrl(args);
  let reader: HistoryReader | undefined;
  try {
    reader = await HistoryReader.connect(url);
    return await reader.loadTrace(args.workflowId!);
  } catch (e) {
    if (e instanceof HistoryError && e.userError) {
      throw new AdapterError(ErrorCode.NoSuchWorkflow, `${e.message} Pick a workflow in the Workflows view or fix "workflowId" (or "databaseUrl") in launch.json.`);
    }
    throw e;
  } finally {
    await reader?.close();
  }
}

/** `databaseUrl`, else DBOS_SYSTEM_DATABASE_URL (launch env, then the adapter's), else system_database_url in <cwd>/dbos-config.yaml. */
async function databaseUrl(args: ValidatedLaunchArguments): Promise<string> {
  if (args.databaseUrl) return args.databaseUrl;
  const env = { ...process.env, ...Object.fromEntries(Object.entries(args.env).filter(([, v]) => v !== null)) } as NodeJS.ProcessEnv;
  if (env.DBOS_SYSTEM_DATABASE_URL) return env.DBOS_SYSTEM_DATABASE_URL;
  const config = path.join(args.cwd, 'dbos-config.yaml');
  const text = await readFile(config, 'utf8').catch(() => undefined);
  const fromConfig = text === undefined ? undefined : systemUrlFromDbosConfig(text, env);
  if (fromConfig) return fromConfig;
  throw new AdapterError(ErrorCode.NoDatabaseUrl,
    `No system database to read workflow '${args.workflowId}' from: set "databaseUrl" in launch.json, DBOS_SYSTEM_DATABASE_URL, or system_database_url in ${config}.`);
}

/** A TypeScript program runs through tsx unless the launch already brings a loader. */
function needsTsx(args: ValidatedLaunchArguments): boolean {
  const ts = [args.program, ...args.modules].some((p) => p && /\.[cm]?tsx?$/.test(p));
  const hasLoader = /tsx|ts-node/.test(path.basename(args.runtimeExecutable)) || args.runtimeArgs.some((a) => /tsx|ts-node/.test(a));
  return ts && !hasLoader;
}

/** tsx's `--import` entry, found next to the adapter (the extension ships it) or in the checkout's node_modules. */
function tsxLoaderUrl(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', 'tsx', 'dist', 'loader.mjs');
    if (existsSync(candidate)) return pathToFileURL(candidate).href;
    if (path.dirname(dir) === dir) return 'tsx';
  }
}

/** The verdict the runtime wrote, if any. */
export function readVerdict(plan: ReplayPlan): { verdict: string; summary: string; launched?: boolean } | undefined {
  try {
    const v = JSON.parse(readFileSync(plan.resultFile, 'utf8')) as { verdict: string; workflowId: string; operations: { consumed: number; recorded: number };
      divergence?: { message: string }; incomplete?: { message: string }; error?: { message: string }; launched?: boolean };
    const detail = v.divergence?.message ?? v.incomplete?.message ?? v.error?.message;
    return { verdict: v.verdict, launched: v.launched,
      summary: `${v.verdict}${detail ? `: ${detail}` : ''} (${v.operations.consumed}/${v.operations.recorded} recorded operations replayed)` };
  } catch {
    return undefined;
  }
}
