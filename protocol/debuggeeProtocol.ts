// The contract between the debug adapter and the replay runtime's code inside the debuggee: global names, the CDP
// binding, the pause script's URL, what stops the program (PauseConfig), the time travel gate's state. Both sides
// import it (the adapter process, and the user's program through the runtime bundle); it imports nothing.

/** The CDP binding (Runtime.addBinding) the runtime sends each replay event to, as JSON. */
export const BINDING_NAME = '__dbosReplayEvent';

/**
 * The state the adapter and the runtime share in the debuggee (a `DebuggeeShared`). The adapter creates it at
 * `--inspect-brk`, possibly before the runtime's `--require` runs, and the runtime creates it if it came first
 * (a replay without a debugger): so the adapter only ever writes plain data into it, and the runtime's code reads it.
 */
export const SHARED_GLOBAL = '__dbosReplayDebuggee';

/** What the runtime exposes once it has loaded (a `RuntimeGlobal`): the replay state and the calls the adapter makes. */
export const RUNTIME_GLOBAL = '__dbosReplay';

/** Script URL of the adapter's pause function: not blackboxed (its `debugger` must fire), hidden from stacks. */
export const PAUSE_SCRIPT_URL = 'dbos-replay-pause.js';

/** Which recorded operations a function breakpoint matches: a step name, `#<function_id>`, or any recorded error. */
export type OperationMatch = { kind: 'name'; name: string } | { kind: 'id'; functionId: number } | { kind: 'error' };

/** Which replay events stop the program (written by the adapter, read by the runtime's pause policy). */
export interface PauseConfig {
  /** The function breakpoints in force (their conditions and hit counts are the adapter's, tested after the pause). */
  functionBreakpoints: { id: number; match: OperationMatch }[];
  /** The recordedStepError filter: any operation whose recorded outcome is an error. */
  recordedStepError: boolean;
  divergence: boolean;
  /** The end of an incomplete (PENDING/CANCELLED) recording. */
  recordingEnd: boolean;
  /** runToOperation's target, an adapter-internal stop. */
  runTo: number | null;
  /** stopOnEntry: pause when the runtime is about to invoke the workflow function (the `start` event). */
  entry: boolean;
  /** The sideEffect filter: I/O outside a step (the `sideEffect` event). */
  sideEffect: boolean;
}

/**
 * Where a time travel re-run must stop: the n-th pass of breakpoint `bp` (whose condition held), the `op`-th replay
 * event, or the recorded operation `functionId` (each is consumed once).
 */
export type GateTarget = { bp: number; n: number } | { op: number } | { functionId: number };

/** One entry of a trace: a breakpoint pass or a recorded operation, `seq` orders them. */
export type TraceEntry =
  | { kind: 'bp'; seq: number; id: number; n: number }
  | { kind: 'op'; seq: number; ops: number; name: string; functionId: number; error: boolean };

/** What the adapter sets for a part of a run. */
export interface GateState {
  /** User breakpoint ids that stop; null: every one. */
  active: number[] | null;
  target: GateTarget | null;
}

/**
 * The gate's data: the adapter's settings, and the clock the runtime keeps (the same in every re-run, since a
 * replay is deterministic).
 */
export interface GateData extends GateState {
  /** Set when a pause is the target's; the adapter reads and clears it. */
  reached: boolean;
  /** Passes per breakpoint id (its condition held). */
  counts: Record<number, number>;
  /** Replay events seen. */
  ops: number;
  /** Passes and events seen: the clock. */
  seq: number;
  /** Recording passes and operations while not null. */
  trace: TraceEntry[] | null;
}

/** `globalThis[SHARED_GLOBAL]`. */
export interface DebuggeeShared {
  /** What stops the program; null until the adapter sends it. */
  config: PauseConfig | null;
  gate: GateData;
  /** The adapter's pause function: its `debugger` statement is the stop. Absent without a debugger. */
  pause?: (event: unknown) => void;
  /** The live value the current pause is about (the workflow function at `start`), inspected by the adapter. */
  subject?: unknown;
}

/** The shared state before anyone wrote to it (plain data: the adapter sends it as JSON). */
export function newDebuggeeShared(): DebuggeeShared {
  return {
    config: null,
    gate: { active: null, target: null, reached: false, counts: {}, ops: 0, seq: 0, trace: null },
  };
}

/** `globalThis[RUNTIME_GLOBAL]`: the calls the adapter makes into the runtime (with JSON arguments). */
export interface RuntimeGlobal {
  readonly state: unknown;
  readonly session: unknown;
  /** A gated line breakpoint's condition: whether this pass of breakpoint `id` stops (`cond` is the user's). */
  gateHit(id: number, cond: (() => unknown) | null): boolean;
  /** The Workflow scope's object (live values), or undefined before a workflow is replayed. */
  workflowView(): object | undefined;
  /** How the revived values of these consumed operations differ from the original run's: [function_id, note]. */
  revivalNotes(functionIds: number[]): [number, string | null][];
}

/**
 * An expression calling the runtime's `method` with JSON arguments in the debuggee, or giving `fallback` (source
 * text) when the runtime has not loaded.
 */
export function runtimeCall<K extends 'workflowView' | 'revivalNotes'>(
  method: K,
  args: Parameters<RuntimeGlobal[K]>,
  fallback: string,
): string {
  const r = `globalThis.${RUNTIME_GLOBAL}`;
  return `(${r} && typeof ${r}.${method} === 'function' ? ${r}.${method}(${args.map((a) => JSON.stringify(a)).join(', ')}) : ${fallback})`;
}
