// The Workflow scope's object (live values: recorded inputs, revived outputs, the arguments the code passed) and the
// notes on how revived values differ from the original run's. Built in the debuggee, without side effects on the
// replay, when the adapter asks (through `globalThis[RUNTIME_GLOBAL]`). Runs in the user's program.
import type { DivergenceEvent } from '../../../protocol/replayProtocol.js';
import type { ConsumedOperation, ReplayStateView } from '../engine/events.js';

/** One consumed operation in the Workflow scope. */
export interface WorkflowEntry {
  functionId: number;
  name: string;
  calledWith?: unknown[];
  recordedError?: unknown;
  recordedOutput?: unknown;
  note?: string;
  childWorkflowId?: string;
}

/** The Workflow scope (its property order is the order the variables view shows). */
export interface WorkflowView {
  workflowId: string;
  name: string;
  status: string;
  inputs: unknown[] | undefined;
  /** Keyed `#<function_id> <name>`. */
  operations: Record<string, WorkflowEntry>;
  lastOperation: WorkflowEntry | null;
  nextRecorded: { functionId: number; name: string } | null;
  divergence?: DivergenceEvent;
}

/**
 * How a revived value differs from the original run's, or undefined: an error revives as a plain Error keeping its
 * name, message and fields (not its class); a class instance as a plain object.
 */
export function revivalNote(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (v instanceof Error) {
    const ctor = (v.constructor && v.constructor.name) || 'Error';
    const name = typeof v.name === 'string' ? v.name : '';
    return name && name !== ctor ? `revived: plain ${ctor}, instanceof ${name} is false in replay` : undefined;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    return 'revived: plain object (a class instance of the original run comes back without its class: instanceof and methods are lost in replay)';
  }
  return undefined;
}

/** The note on what the code received from a consumed operation (its revived output or error), if any. */
function noteOf(o: ConsumedOperation): string | undefined {
  return 'thrown' in o ? revivalNote(o.thrown) : 'value' in o ? revivalNote(o.value) : undefined;
}

function entry(o: ConsumedOperation): WorkflowEntry {
  const e: WorkflowEntry = { functionId: o.functionId, name: o.name };
  if (o.args !== undefined) e.calledWith = o.args;
  if ('thrown' in o) e.recordedError = o.thrown;
  else if ('value' in o) e.recordedOutput = o.value;
  else if (o.error != null) e.recordedError = o.error;
  else e.recordedOutput = o.output;
  const note = noteOf(o);
  if (note) e.note = note;
  if (o.childWorkflowId) e.childWorkflowId = o.childWorkflowId;
  return e;
}

export function workflowView(state: ReplayStateView | undefined): WorkflowView | undefined {
  if (!state) return undefined;
  const operations: Record<string, WorkflowEntry> = {};
  for (const o of state.operations) operations[`#${o.functionId} ${o.name}`] = entry(o);
  const last = state.operations[state.operations.length - 1];
  const view: WorkflowView = {
    workflowId: state.workflowId,
    name: state.workflowName,
    status: state.status,
    inputs: state.inputs,
    operations,
    lastOperation: last ? entry(last) : null,
    nextRecorded: state.nextRecorded,
  };
  if (state.divergence) view.divergence = state.divergence;
  return view;
}

/** [function_id, note or null] for each of these function_ids (null too when it was not consumed). */
export function revivalNotes(state: ReplayStateView | undefined, functionIds: number[]): [number, string | null][] {
  if (!state) return [];
  return functionIds.map((id) => {
    const o = state.operations.find((x) => x.functionId === id);
    return [id, (o && noteOf(o)) || null];
  });
}
