// The contract between a host (the CLI, the debug adapter) and the replay runtime preloaded into the user's program:
// environment variables, the trace hand-off, the events the runtime emits, the verdict, the exit codes. Imports nothing.

/** The environment variables the replay runtime reads. Only protocol names: every side imports them from here. */
export const ReplayEnv = {
  /** Single replay: the trace file (history/TRACE_FORMAT.md) to replay. */
  traceFile: 'DBOS_REPLAY_TRACE_FILE',
  /** Batch replay: an NDJSON file of BatchLine, replayed in turn in one process. */
  batchFile: 'DBOS_REPLAY_BATCH_FILE',
  /**
   * Batch replay fed through a pipe: the number of an inherited file descriptor (a socket pair) on which the host writes
   * BatchLine NDJSON as it reads the recordings, ended by closing its side; the runtime writes each verdict back on the
   * same descriptor, one NDJSON line (no result file). Memory stays flat however long the batch.
   */
  batchFd: 'DBOS_REPLAY_BATCH_FD',
  /** Which workflow of the trace to replay (default: its root). */
  workflowId: 'DBOS_REPLAY_WORKFLOW_ID',
  /** `1`: the trace (or batch) file is the runtime's to remove as soon as it has read it (no copy of the recording lingers). */
  removeHandoff: 'DBOS_REPLAY_REMOVE_HANDOFF',
  /** Where the runtime writes the verdict (single: one JSON object; batch: one NDJSON line per workflow). */
  resultFile: 'DBOS_REPLAY_RESULT_FILE',
  /** `1`: batch verdicts carry their trail too (single replays always do). */
  trail: 'DBOS_REPLAY_TRAIL',
  /** Benchmarks: also time deserializing every recorded output alone (Verdict.timings.floorMs). */
  measureFloor: 'DBOS_REPLAY_MEASURE_FLOOR',
  /** Write the program's DBOS.logger lines to stderr (silent otherwise). */
  showLogs: 'DBOS_REPLAY_SHOW_LOGS',
  /** Headless replays: each workflow's time limit in ms; past it the runtime writes a `timeout` verdict and ends the process. */
  timeoutMs: 'DBOS_REPLAY_TIMEOUT_MS',
  /** What a workflow body's I/O outside a step does in a replay: a SideEffectPolicy (default `warn`). */
  sideEffects: 'DBOS_REPLAY_SIDE_EFFECTS',
} as const;

/**
 * I/O the workflow body does outside a step while it is replayed (network, files, child processes, DNS):
 * `warn` lists each in the verdict and as a replay event (the debugger can stop at it), `block` throws an error into
 * the workflow at the call instead of doing it, `allow` lets it run unreported.
 */
export const SIDE_EFFECT_POLICIES = ['warn', 'block', 'allow'] as const;
export type SideEffectPolicy = (typeof SIDE_EFFECT_POLICIES)[number];
export const DEFAULT_SIDE_EFFECT_POLICY: SideEffectPolicy = 'warn';

/** What kind of I/O a side effect is. */
export type SideEffectKind = 'net' | 'http' | 'fetch' | 'child_process' | 'fs' | 'dns';

/** One I/O call a workflow body made outside a step during the replay. */
export interface SideEffect {
  kind: SideEffectKind;
  /** The call and its target, e.g. `http.get http://127.0.0.1:8080/x`, `fs.writeFileSync /tmp/out.txt`. */
  detail: string;
  /** The user's call site (the first frame outside the replay runtime and Node), or null. */
  location: SourceLocation | null;
  /** Under the `block` policy: the call threw instead of running. */
  blocked?: boolean;
}

/** `2 side effects outside steps` (`…, blocked` when they were), or null for none: what a verdict line adds. */
export function sideEffectsText(effects: readonly SideEffect[] | undefined): string | null {
  const n = effects?.length ?? 0;
  if (n === 0) return null;
  return `${n} side effect${n === 1 ? '' : 's'} outside steps${effects!.every((e) => e.blocked) ? ', blocked' : ''}`;
}

/** One line per side effect: `fs fs.writeFileSync /tmp/x at app.js:12:5` (`blocked:` first when it was). */
export function sideEffectLine(e: SideEffect): string {
  return `${e.blocked ? 'blocked: ' : ''}${e.kind} ${e.detail}${e.location ? ` at ${e.location.text}` : ''}`;
}

export type ReplayEnvName = (typeof ReplayEnv)[keyof typeof ReplayEnv];

/**
 * The variables a host sets for each run to hand the trace over; a launch clears any it does not set, so a stale one
 * inherited from the host's environment never reaches the program. (measureFloor and showLogs are knobs a user may set.)
 */
export const HANDOFF_ENV: readonly ReplayEnvName[] = [
  ReplayEnv.traceFile,
  ReplayEnv.batchFile,
  ReplayEnv.batchFd,
  ReplayEnv.workflowId,
  ReplayEnv.removeHandoff,
  ReplayEnv.resultFile,
  ReplayEnv.trail,
  ReplayEnv.timeoutMs,
];

/** Variables that could reach a database: removed from the replayed program's environment (it gets the trace, never a URL). */
export const DATABASE_ENV: readonly string[] = [
  'DBOS_SYSTEM_DATABASE_URL',
  'DBOS_DATABASE_URL',
  'DATABASE_URL',
  'PGPASSWORD',
];

/** One line of the batch file: a trace and which of its workflows to replay (default: the trace's root). */
export interface BatchLine<Trace = unknown> {
  trace: Trace;
  workflowId?: string;
}

/** Each verdict is also written to stderr as one line starting with this; a host watching for hangs restarts its timer on it. */
export const VERDICT_LINE_PREFIX = 'dbos-replay: workflow ';

/**
 * Exit codes of the replayed program (single replay) and of `dbos-replay run`: 0 only for a match (or a skipped workflow). `usage` is the
 * CLI's alone (bad arguments). A batch process exits `match` when every workflow matched, else `error`.
 */
export const ExitCode = {
  match: 0,
  error: 1,
  usage: 2,
  diverged: 3,
  incomplete: 4,
  timeout: 5,
  skipped: 0,
} as const satisfies Record<VerdictKind | 'usage', number>;

/**
 * `timeout`: the workflow did not finish within its limit (ReplayEnv.timeoutMs, the CLI's --timeout).
 * `skipped`: not replayed, and not a failure: a workflow the SDK recorded for a call outside a workflow (`note` says
 * which) that the runtime has no code for (a 4.0–4.9 `temp_workflow-send-…`, or a step this program does not register).
 */
export type VerdictKind = 'match' | 'diverged' | 'incomplete' | 'error' | 'timeout' | 'skipped';

/** An error as the runtime reports it: its name, message and own enumerable fields (JSON-safe). */
export interface ErrorSummary {
  name: string;
  message: string;
  [field: string]: unknown;
}

/** Where in the user's code a durable call was made: the first stack frame outside the replay runtime. */
export interface SourceLocation {
  file: string;
  /** 1-based, as in stack traces. */
  line1: number;
  /** 1-based, as in stack traces. */
  column1: number;
  functionName?: string;
  /** `file:line:column`. */
  text: string;
}

/** A workflow's end, recorded or replayed. */
export interface ResultView {
  status: string;
  value?: unknown;
  error?: ErrorSummary;
}

export type DivergenceKind = 'renamed' | 'extra-call' | 'missing-call' | 'result';

/** Where and how the replayed code left the recording. */
export interface Divergence {
  /** The recorded step, or null for the workflow's result. */
  functionId: number | null;
  kind: DivergenceKind;
  recorded: string | null;
  called: string | null;
  location: SourceLocation | null;
  message: string;
}

/** What the runtime writes to the result file: one per replayed workflow. */
export interface Verdict {
  workflowId: string;
  workflowName?: string;
  verdict: VerdictKind;
  recordedResult: ResultView | null;
  replayedResult: ResultView | null;
  operations: { consumed: number; recorded: number };
  divergence?: Divergence;
  /** For `incomplete`: where the recording ends. */
  incomplete?: { functionId: number | null; called: string | null; message: string };
  error?: {
    message: string;
    stack?: string;
    /** Set by the host when the program ended before DBOS.launch(): its exit code and its last lines on stderr. */
    exitCode?: number | null;
    stderr?: string[];
  };
  /** What the workflow is when it is not the app's own: a temp workflow the SDK recorded for a call outside a workflow. */
  note?: string;
  /** For `timeout`: the limit and the last recorded operation the workflow reached (null: none). */
  timeout?: { limitSeconds: number; functionId: number | null; name: string | null; message: string };
  /** Single replays (and batches with ReplayEnv.trail=1): every consumed operation in the order the code consumed it. */
  trail?: TrailEntry[];
  /** From reviving the inputs to the verdict, in the program's process; floorMs only with ReplayEnv.measureFloor. */
  timings?: { replayMs: number; floorMs?: number };
  /** false when the program ended before DBOS.launch() (so no workflow of a batch can replay in it). */
  launched?: boolean;
  /** I/O the workflow body did outside steps (policy `warn` or `block`), in call order; absent when none. */
  sideEffects?: SideEffect[];
}

/** One line of the trail: the consumed operation and a short summary of what was recorded for it. */
export interface TrailEntry {
  functionId: number;
  name: string;
  outcome: 'output' | 'error';
  /** The recorded output (its JSON, clipped) or, for an error, `Name: message`; absent for void results. */
  summary?: string;
  /** The child workflow this operation started or waited for. */
  childWorkflowId?: string;
}

// Events the runtime emits to a debugger (through the binding the adapter installs), one JSON object each.

export interface OperationEvent {
  type: 'operation';
  workflowId: string;
  functionId: number;
  name: string;
  outputSummary?: string | null;
  errorSummary?: string | null;
  childWorkflowId?: string | null;
  startedAt: number | null;
  completedAt: number | null;
}

export interface DivergenceEvent extends Divergence {
  type: 'divergence';
  workflowId: string;
}

export interface EndEvent {
  type: 'end';
  workflowId: string;
  verdict: VerdictKind;
  /** The verdict's one-line summary (e.g. where an incomplete recording ends). */
  summary?: string;
}

/** Just before the registered workflow function is invoked (the pause hook gets the function as its subject). */
export interface StartEvent {
  type: 'start';
  workflowId: string;
  name: string;
}

/** The workflow body is doing I/O outside a step (emitted at the call, before it runs or is blocked). */
export interface SideEffectEvent extends SideEffect {
  type: 'sideEffect';
  workflowId: string;
}

export type ReplayEvent = OperationEvent | DivergenceEvent | EndEvent | StartEvent | SideEffectEvent;
