// A workflow's record with every serialized value rendered as readable JSON: what `show --json` prints and
// what views display. Shared code (CLI, extension host).
import type { ExportedWorkflow, NotificationRow } from '../../../protocol/traceModel.js';
import { displayValue, renderError, renderValue, type JsonValue } from './renderValue.js';

/**
 * One workflow's record as the history reader returns it (its WorkflowDetail): the stored rows, and the listing rows
 * (`S`) of the workflow and its children, carried through as they are (this module reads only the stored values).
 */
export interface RecordedWorkflow<S extends object> {
  summary: S;
  exported: ExportedWorkflow;
  children: S[];
  notifications: NotificationRow[];
}

export interface OperationView {
  functionId: number;
  name: string;
  output: JsonValue;
  error: JsonValue;
  childWorkflowId: string | null;
  /** Epoch ms (app clock), null when not recorded. */
  startedAt: number | null;
  completedAt: number | null;
  serialization: string | null;
}

export interface WorkflowView<S extends object> {
  workflow: S & {
    inputs: JsonValue;
    output: JsonValue;
    error: JsonValue;
    serialization: string | null;
    executorId: string | null;
    recoveryAttempts: number | null;
    authenticatedUser: string | null;
  };
  operations: OperationView[];
  children: S[];
  events: { key: string; value: JsonValue }[];
  eventHistory: { functionId: number; key: string; value: JsonValue }[];
  streams: { key: string; offset: number; functionId: number; value: JsonValue }[];
  messages: {
    topic: string | null;
    message: JsonValue;
    createdAt: number;
    consumed: boolean;
    consumedByFunctionId: number | null;
  }[];
}

/**
 * Operations whose stored output is not a value of the call: recv/getEvent store the message's own format;
 * sleep stores a portable epoch; NULL output with `portable_json` means void. renderValue handles all of
 * these through the row's serialization column, so nothing here is special-cased by name.
 */
export async function renderWorkflowDetail<S extends object>(d: RecordedWorkflow<S>): Promise<WorkflowView<S>> {
  const st = d.exported.workflow_status;
  const ser = st.serialization;
  const v = async (text: string | null, s: string | null) => displayValue(await renderValue(text, s));
  const operations = await Promise.all(
    d.exported.operation_outputs.map(async (op) => ({
      functionId: op.function_id,
      name: op.function_name,
      output: displayValue(await renderValue(op.output, op.serialization, op.function_name)),
      error: op.error === null ? null : displayValue(await renderError(op.error, op.serialization)),
      childWorkflowId: op.child_workflow_id,
      startedAt: op.started_at_epoch_ms ?? null,
      completedAt: op.completed_at_epoch_ms ?? null,
      serialization: op.serialization,
    })),
  );
  return {
    workflow: {
      ...d.summary,
      inputs: await v(st.inputs, ser),
      output: await v(st.output, ser),
      error: st.error === null ? null : displayValue(await renderError(st.error, ser)),
      serialization: ser,
      executorId: st.executor_id,
      recoveryAttempts: st.recovery_attempts,
      authenticatedUser: st.authenticated_user,
    },
    operations,
    children: d.children,
    events: await Promise.all(
      d.exported.workflow_events.map(async (e) => ({ key: e.key, value: await v(e.value, e.serialization) })),
    ),
    eventHistory: await Promise.all(
      d.exported.workflow_events_history.map(async (e) => ({
        functionId: e.function_id,
        key: e.key,
        value: await v(e.value, e.serialization),
      })),
    ),
    streams: await Promise.all(
      d.exported.streams.map(async (s) => ({
        key: s.key,
        offset: s.offset,
        functionId: s.function_id,
        value: await v(s.value, s.serialization),
      })),
    ),
    messages: await Promise.all(
      d.notifications.map(async (n) => ({
        topic: n.topic,
        message: await v(n.message, n.serialization),
        createdAt: n.created_at_epoch_ms,
        consumed: n.consumed,
        consumedByFunctionId: n.consumed_by_function_id,
      })),
    ),
  };
}
