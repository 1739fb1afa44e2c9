// Turns a recorded operation_outputs row into what the SDK call returns or throws on replay (§4, §5.2).
// Runs in the user's program.
import type { OperationOutputRow } from '../../../protocol/traceModel.js';
import { getSession } from '../engine/current.js';
import { currentContext } from '../engine/context.js';
import { reviveError, reviveValue } from '../engine/values.js';
import type { WorkflowReplay } from '../engine/workflowReplay.js';
import { RecordedValueError, errors } from '../errors.js';

/** The workflow replay of the calling code, or an error for a call made outside the replayed workflow. */
export function workflowOf(what: string): WorkflowReplay {
  const ctx = currentContext();
  if (!ctx?.wf) throw errors.outsideWorkflow(what);
  if (ctx.inStep) throw errors.insideStep(what);
  return ctx.wf;
}

function what(row: OperationOutputRow, part: string): string {
  return `the recorded ${part} of step ${row.function_id} (${row.function_name || "''"}) of workflow ${row.workflow_uuid}`;
}

/** Recorded output revived with the row's serialization, or the recorded error revived and thrown. */
export async function answerRow(row: OperationOutputRow): Promise<unknown> {
  // Synchronous part: take a place among the concurrently pending answers of this workflow (§9.1).
  const wf = currentContext()?.wf;
  wf?.beginAnswer();
  let value: unknown;
  let error: unknown;
  let failed = false;
  try {
    if (row.error !== null && row.error !== undefined) {
      failed = true;
      error = await reviveError(row.error, row.serialization, what(row, 'error'));
      noteAnswer(row, { thrown: error });
    } else {
      value = await reviveValue(row.output, row.serialization, what(row, 'output'));
      noteAnswer(row, { value });
    }
  } catch (e) {
    if (e instanceof RecordedValueError) {
      fatal(e);
      return new Promise(() => undefined);
    }
    failed = true;
    error = e;
  }
  if (wf) await wf.answerReady(row);
  if (failed) throw error;
  return value;
}

/** An answer with no recorded value to revive (a sleep, a timed-out recv), delivered in recorded order. */
export function answerInTurn<T>(wf: WorkflowReplay, row: OperationOutputRow, value: T, at?: number | null): Promise<T> {
  wf.beginAnswer();
  return wf.answerReady(row, at).then(() => value);
}

/** Keeps the revived answer on the consumed operation, so the debugger's Workflow scope shows live values. */
function noteAnswer(row: OperationOutputRow, answer: { value: unknown } | { thrown: unknown }): void {
  const wf = getSession().wf;
  if (!wf || wf.workflowId !== row.workflow_uuid) return;
  const id = Number(row.function_id);
  for (let i = wf.operations.length - 1; i >= 0; i--) {
    if (wf.operations[i].functionId === id) {
      Object.assign(wf.operations[i], answer);
      return;
    }
  }
}

/** A row whose output is raw JSON (DBOS.sleep deadlines, getStatus records), or null. */
export function rawJson(row: OperationOutputRow): unknown {
  if (row.output === null) return null;
  try {
    return JSON.parse(row.output);
  } catch (e) {
    fatal(errors.recordedValueUnreadable(what(row, 'output'), e));
    return null;
  }
}

/** Ends the replay of the calling workflow with an error verdict (only that one, in batch mode). */
function fatal(e: unknown): void {
  const wf = currentContext()?.wf;
  if (wf) wf.fatal(e);
  else getSession().fail(e);
}

/** Runs `body` with its synchronous part (ID reservation, lookup) now and any throw turned into a rejection. */
export function durable<T>(body: () => Promise<T> | T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** One-ID durable call returning the recorded outcome: steps, transactions, internal steps. */
export function callRecorded(name: string, args: unknown[] | undefined, api: string): Promise<unknown> {
  return durable(() => {
    const wf = workflowOf(api);
    const row = wf.take(wf.nextId(), name, args);
    return answerRow(row);
  });
}
