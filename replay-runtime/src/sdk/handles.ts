// Workflow handles on replay: getResult/getStatus answered from the calling workflow's recorded rows.
// Runs in the user's program.
import {
  registerSerializationRecipe,
  safeParse,
  safeParseError,
  safeParsePositionalArgs,
} from '@dbos-inc/dbos-sdk/internal/serialization';
import { appSerializer } from '../engine/values.js';
import { errors } from '../errors.js';
import { answerRow, durable, rawJson, workflowOf } from './answer.js';

export interface GetResultOptions {
  timeoutSeconds?: number;
  deadlineEpochMS?: number;
  pollingIntervalMs?: number;
}

export function hasTimeout(options: unknown): boolean {
  if (typeof options === 'number') return true;
  if (options && typeof options === 'object') {
    const o = options as GetResultOptions;
    return o.timeoutSeconds !== undefined || o.deadlineEpochMS !== undefined;
  }
  return false;
}

/** DBOS.getResult / handle.getResult inside a workflow: (timer, result) with a timeout, else (result). */
export function getResultRecorded(workflowID: string, options: unknown, api: string): Promise<unknown> {
  return durable(() => {
    const wf = workflowOf(api);
    const timer = hasTimeout(options) ? wf.nextId() : undefined;
    const id = wf.nextId();
    const row = wf.take(id, 'DBOS.getResult', [workflowID]);
    if (timer !== undefined) wf.takeOptional(timer, 'DBOS.sleep');
    return answerRow(row);
  });
}

/** The internal status record as `getStatus` stored it, converted like the SDK's toWorkflowStatus. */
export async function toWorkflowStatus(
  internal: Record<string, unknown> | null,
): Promise<Record<string, unknown> | null> {
  if (!internal) return null;
  const ser = appSerializer();
  const serialization = (internal.serialization as string | null) ?? null;
  return {
    workflowID: internal.workflowUUID,
    status: internal.status,
    workflowName: internal.workflowName,
    workflowClassName: internal.workflowClassName,
    workflowConfigName: internal.workflowConfigName,
    queueName: internal.queueName,
    authenticatedUser: internal.authenticatedUser,
    assumedRole: internal.assumedRole,
    authenticatedRoles: internal.authenticatedRoles,
    input: internal.input ? await safeParsePositionalArgs(ser, internal.input as string, serialization) : undefined,
    output: internal.output ? await safeParse(ser, internal.output as string, serialization) : undefined,
    error: internal.error ? await safeParseError(ser, internal.error as string, serialization) : undefined,
    executorId: internal.executorId,
    applicationVersion: internal.applicationVersion,
    recoveryAttempts: internal.recoveryAttempts,
    createdAt: internal.createdAt,
    updatedAt: internal.updatedAt,
    timeoutMS: internal.timeoutMS,
    deadlineEpochMS: internal.deadlineEpochMS,
    deduplicationID: internal.deduplicationID,
    priority: internal.priority,
    queuePartitionKey: internal.queuePartitionKey,
    dequeuedAt: internal.startedAtEpochMs,
    forkedFrom: internal.forkedFrom,
    wasForkedFrom: internal.wasForkedFrom ?? false,
    parentWorkflowID: internal.parentWorkflowID,
    delayUntilEpochMS: internal.delayUntilEpochMS,
    completedAt: internal.completedAt,
    attributes: internal.attributes,
    scheduleName: internal.scheduleName,
    applicationName: internal.applicationName,
  };
}

export function getStatusRecorded(workflowID: string, api: string): Promise<unknown> {
  return durable(() => {
    const wf = workflowOf(api);
    const row = wf.take(wf.nextId(), 'getStatus', [workflowID]);
    return toWorkflowStatus(rawJson(row) as Record<string, unknown> | null);
  });
}

export class ReplayHandle<R = unknown> {
  constructor(readonly workflowID: string) {}
  getResult(options?: GetResultOptions | number): Promise<R> {
    return getResultRecorded(
      this.workflowID,
      typeof options === 'number' ? undefined : options,
      'handle.getResult()',
    ) as Promise<R>;
  }
  getStatus(): Promise<unknown> {
    return getStatusRecorded(this.workflowID, 'handle.getStatus()');
  }
  getWorkflowInputs(): Promise<unknown> {
    return Promise.reject(errors.workflowInputs());
  }
}

// Recorded WorkflowHandle values revive as replay handles (the SDK revives them as RetrievedHandle).
registerSerializationRecipe({
  name: 'DBOS.WorkflowHandle',
  isApplicable: (v: unknown): v is ReplayHandle => v instanceof ReplayHandle,
  serialize: (v: ReplayHandle) => ({ wfid: v.workflowID }),
  deserialize: (s: { wfid: string }) => new ReplayHandle(s.wfid),
});

void answerRow;
