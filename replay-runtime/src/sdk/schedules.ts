// The replay of DBOS's dynamic schedules API (DBOS.createSchedule, listSchedules, …): each call is a recorded
// transactional internal step (§3.2), checked the way the SDK checks it before reserving its ID. User's program.
import { DBOSError } from '@dbos-inc/dbos-sdk/internal/error';
import { validateCrontab, validateTimezone } from '@dbos-inc/dbos-sdk/internal/scheduler/crontab';
import { currentContext } from '../engine/context.js';
import { registrationOf, type AnyFn, type Registration } from '../engine/registry.js';
import { appSerializer } from '../engine/values.js';
import { errors } from '../errors.js';
import { callRecorded } from './answer.js';

export interface ScheduleOptions {
  scheduleName: string;
  workflowFn: AnyFn;
  schedule: string;
  context?: unknown;
  options?: { automaticBackfill?: boolean; cronTimezone?: string; queueName?: string };
}

export type ScheduleUpdates = { schedule?: string; context?: unknown; cronTimezone?: string | null } & Record<
  string,
  unknown
>;

export async function createSchedule(options: ScheduleOptions): Promise<void> {
  const reg = registrationOf(options.workflowFn);
  if (reg && isInstanceMethod(reg)) {
    throw new DBOSError(
      `Cannot schedule instance method "${reg.name}". Only static methods and free functions can be used in schedules.`,
    );
  }
  validateCrontab(options.schedule);
  if (options.options?.cronTimezone) validateTimezone(options.options.cronTimezone);
  // The SDK serializes the context (an await) before reserving the ID (§9.1).
  await appSerializer().stringify(options.context);
  await scheduleCall('DBOS.createSchedule', [options.scheduleName, options.schedule]);
}

export async function listSchedules(filters?: unknown): Promise<unknown[]> {
  const rows = (await scheduleCall('DBOS.listSchedules', [filters])) as ScheduleInternal[] | null;
  return Promise.all((rows ?? []).map(toWorkflowSchedule));
}

export async function getSchedule(name: string): Promise<unknown> {
  const row = (await scheduleCall('DBOS.getSchedule', [name])) as ScheduleInternal | null;
  return row ? toWorkflowSchedule(row) : null;
}

export async function deleteSchedule(name: string): Promise<void> {
  await scheduleCall('DBOS.deleteSchedule', [name]);
}
export async function pauseSchedule(name: string): Promise<void> {
  await scheduleCall('DBOS.pauseSchedule', [name]);
}
export async function resumeSchedule(name: string): Promise<void> {
  await scheduleCall('DBOS.resumeSchedule', [name]);
}

export async function updateSchedule(name: string, updates: ScheduleUpdates): Promise<void> {
  if (updates.schedule !== undefined) validateCrontab(updates.schedule);
  if (updates.cronTimezone) validateTimezone(updates.cronTimezone);
  if ('context' in updates) await appSerializer().stringify(updates.context);
  await scheduleCall('DBOS.updateSchedule', [name, updates]);
}

/** applySchedules, triggerSchedule, backfillSchedule: the SDK's error inside a workflow; outside one they would write. */
export function notInWorkflow(api: string): Error {
  if (currentContext()?.wf) return new DBOSError(`${api} cannot be called from within a workflow`);
  return errors.outsideWorkflow(`DBOS.${api}`);
}

/** A method registered on a class prototype (configured instance), which the SDK refuses to schedule. */
function isInstanceMethod(reg: Registration): boolean {
  return reg.ctor !== undefined && reg.config.__static === false;
}

/** One schedule API call: runTransactionalInternalStep, 1 ID, the recorded `serializer.stringify(result ?? null)`. */
function scheduleCall(name: string, args: unknown[]): Promise<unknown> {
  return callRecorded(name, args, name);
}

/** The system-database schedule record as `listSchedules`/`getSchedule` recorded it (context still serialized). */
interface ScheduleInternal {
  scheduleId: string;
  scheduleName: string;
  workflowName: string;
  workflowClassName: string;
  schedule: string;
  status: string;
  context: string;
  lastFiredAt: unknown;
  automaticBackfill: boolean;
  cronTimezone: string | null;
  queueName: string | null;
  applicationName: string | null;
}

/** The SDK's toWorkflowSchedule (scheduler.js): the context parsed with the configured serializer. */
async function toWorkflowSchedule(internal: ScheduleInternal): Promise<Record<string, unknown>> {
  const context = await appSerializer().parse(internal.context);
  return {
    scheduleId: internal.scheduleId,
    scheduleName: internal.scheduleName,
    workflowName: internal.workflowName,
    workflowClassName: internal.workflowClassName,
    schedule: internal.schedule,
    status: internal.status,
    context,
    lastFiredAt: internal.lastFiredAt,
    automaticBackfill: internal.automaticBackfill,
    cronTimezone: internal.cronTimezone,
    queueName: internal.queueName,
    applicationName: internal.applicationName,
  };
}
