// The seam between a launch configuration and the debuggee's command line: loads the recorded trace (file or database)
// and hands it to the replay launcher, which writes it where the runtime reads it and builds the preload, entry and
// environment (the same launcher the CLI's run and check use). Runs in the debug adapter process.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { systemUrlFromDbosConfig } from '../../../history/src/db/dbosConfig';
import { HistoryError } from '../../../history/src/errors';
import { HistoryReader } from '../../../history/src/reader/historyReader';
import { readTraceFile } from '../../../history/src/trace/traceFile';
import type { Trace, WorkflowStatusRow } from '../../../protocol/traceModel';
import { prepareReplayLaunch, replayRuntimePath } from '../../../launcher/src/replayLauncher';
import { unwatchTempDir, watchTempDir } from './debuggeeReaper';
import { ReplayEnv, sideEffectsText, type Verdict } from '../../../protocol/replayProtocol';
import { errors } from '../errors';
import type { ValidatedLaunchArguments } from '../launchArguments';
import { log } from '../logger';

export interface LaunchPlan {
  /** Present when a recorded workflow is replayed; plain Node debugging otherwise. */
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
  /** Node arguments placed after the inspector flag and before the entry: `--require <runtime>` (and tsx). */
  preload: string[];
  /** The script the debuggee runs: the program, or the launcher's generated entry for `modules`. */
  entry: string;
  /** The debuggee's whole environment (the launch's "env" applied): the hand-off variables, never a database URL. */
  env: Record<string, string>;
  /** The hand-off variables for the next debuggee: its own trace file, which its runtime removes once read. */
  nextHandoff(): Promise<Record<string, string>>;
  /** Removes the temporary directory holding the trace and the verdict. */
  dispose(): Promise<void>;
}

/**
 * Plain Node debugging when neither `workflowId` nor `traceFile` is set. Otherwise loads the trace (from the file, or
 * from the system database through the history reader), writes it to a temporary file, and preloads the runtime.
 */
export async function launchPlan(args: ValidatedLaunchArguments): Promise<LaunchPlan> {
  if (!args.workflowId && !args.traceFile) return {};
  const runtimePath = replayRuntimePath();
  if (!existsSync(runtimePath)) {
    throw errors.runtimeMissing(runtimePath);
  }
  const trace = await loadTrace(args);
  const id = args.workflowId ?? trace.rootWorkflowId;
  const target = trace.workflows.find((w) => w.workflow_status.workflow_uuid === id);
  if (!target) {
    throw errors.workflowNotInTrace(
      id,
      args.traceFile ?? '',
      trace.workflows.map((w) => w.workflow_status.workflow_uuid),
    );
  }
  const launch = await prepareReplayLaunch({
    program: args.program,
    modules: args.modules,
    cwd: args.cwd,
    runtimeExecutable: args.runtimeExecutable,
    runtimeArgs: args.runtimeArgs,
    env: { ...args.env, [ReplayEnv.sideEffects]: args.sideEffects },
    runtimePath,
    handoff: { trace, workflowId: id },
  });
  // A killed adapter runs no dispose: its watchdog removes the directory then.
  watchTempDir(launch.dir);
  const st: WorkflowStatusRow = target.workflow_status;
  log('replay', `replaying ${id} (${target.operation_outputs.length} operations) from ${launch.traceFile}`);
  return {
    replay: {
      runtimePath,
      traceFile: launch.traceFile!,
      resultFile: launch.resultFile,
      preload: launch.preload,
      entry: launch.entry,
      env: launch.env,
      workflowId: id,
      workflowName: st.class_name ? `${st.class_name}.${st.name}` : st.name,
      status: st.status,
      operations: target.operation_outputs
        .map((o) => ({
          functionId: Number(o.function_id),
          name: o.function_name,
          error: o.error !== null && o.error !== undefined,
        }))
        .sort((a, b) => a.functionId - b.functionId),
      nextHandoff: launch.nextHandoff,
      dispose: async () => {
        unwatchTempDir(launch.dir);
        await launch.dispose();
      },
    },
  };
}

async function loadTrace(args: ValidatedLaunchArguments): Promise<Trace> {
  if (args.traceFile) {
    const file = path.resolve(args.cwd, args.traceFile);
    try {
      return await readTraceFile(file);
    } catch (e) {
      throw errors.traceUnreadable(file, e instanceof Error ? e.message : String(e));
    }
  }
  const url = await databaseUrl(args);
  let reader: HistoryReader | undefined;
  try {
    reader = await HistoryReader.connect(url);
    return await reader.loadTrace(args.workflowId!);
  } catch (e) {
    if (e instanceof HistoryError && e.userError) {
      throw errors.workflowNotReadable(e.message);
    }
    throw e;
  } finally {
    await reader?.close();
  }
}

/** `databaseUrl`, else DBOS_SYSTEM_DATABASE_URL (launch env, then the adapter's), else system_database_url in <cwd>/dbos-config.yaml. */
async function databaseUrl(args: ValidatedLaunchArguments): Promise<string> {
  if (args.databaseUrl) return args.databaseUrl;
  const env = {
    ...process.env,
    ...Object.fromEntries(Object.entries(args.env).filter(([, v]) => v !== null)),
  } as NodeJS.ProcessEnv;
  if (env.DBOS_SYSTEM_DATABASE_URL) return env.DBOS_SYSTEM_DATABASE_URL;
  const config = path.join(args.cwd, 'dbos-config.yaml');
  const text = await readFile(config, 'utf8').catch(() => undefined);
  const fromConfig = text === undefined ? undefined : systemUrlFromDbosConfig(text, env);
  if (fromConfig) return fromConfig;
  throw errors.noDatabaseUrl(args.workflowId, config);
}

/** The verdict the runtime wrote, if any. */
export function readVerdict(plan: ReplayPlan): { verdict: string; summary: string; launched?: boolean } | undefined {
  try {
    const v = JSON.parse(readFileSync(plan.resultFile, 'utf8')) as Verdict;
    const detail = v.divergence?.message ?? v.incomplete?.message ?? v.error?.message ?? v.note;
    const effects = sideEffectsText(v.sideEffects);
    return {
      verdict: v.verdict,
      launched: v.launched,
      summary: `${v.verdict}${effects ? `, ${effects}` : ''}${detail ? `: ${detail}` : ''} (${v.operations.consumed}/${v.operations.recorded} recorded operations replayed)`,
    };
  } catch {
    return undefined;
  }
}
