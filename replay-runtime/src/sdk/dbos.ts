// The replay stand-in for the SDK's `DBOS` class: same static API, every durable call answered from the
// recording with the SDK's function_id numbering (§3.2); nothing runs a step body or writes. User's program.
import { randomUUID as nodeRandomUUID } from 'node:crypto';
import { registerSerializationRecipe } from '@dbos-inc/dbos-sdk/internal/serialization';
import { DBOSError, DBOSInvalidQueuePriorityError, DBOSStreamTimeoutError } from '@dbos-inc/dbos-sdk/internal/error';
import { contextStorage, currentContext } from '../engine/context.js';
import { getSession } from '../engine/current.js';
import { registrationOf, type AnyFn, type ClassCtor } from '../engine/registry.js';
import { setAppSerializer } from '../engine/values.js';
import { ReplayEnv } from '../../../protocol/replayProtocol.js';
import { answerInTurn, answerRow, callRecorded, durable, rawJson, workflowOf } from './answer.js';
import { ReplayHandle, getResultRecorded, getStatusRecorded, toWorkflowStatus } from './handles.js';
import {
  className,
  origin,
  registerStep,
  registerWorkflow,
  stepCall,
  stepDecorator,
  workflowDecorator,
  type Cfg,
  type RegisterCfg,
} from './registration.js';
import * as Schedules from './schedules.js';
import type { ScheduleOptions, ScheduleUpdates } from './schedules.js';

const STREAM_CLOSED = '__DBOS_STREAM_CLOSED__';

/** DBOS.startWorkflow / enqueue inside the replayed workflow: one ID, the recorded child ID in a handle. */
export function startCall(name: string, args: unknown[], api: string): Promise<ReplayHandle> {
  return durable(async () => {
    const wf = workflowOf(api);
    const row = wf.take(wf.nextId(), name, args);
    if (row.error !== null && row.error !== undefined) await answerRow(row);
    else await answerInTurn(wf, row, undefined);
    return new ReplayHandle(row.child_workflow_id ?? '');
  });
}

let config: Record<string, unknown> | undefined;

export class DBOS {
  // ---- configuration and lifecycle -------------------------------------------------------------------
  static setConfig(c: Record<string, unknown>): void {
    config = c;
    setAppSerializer(c?.serializer as never);
  }
  static isInitialized(): boolean {
    return getSession().started;
  }
  /** Starts the replay of the recorded workflow. Never resolves: the process ends with the verdict. */
  static launch(_options?: unknown): Promise<void> {
    getSession().start();
    return new Promise(() => undefined);
  }
  static async shutdown(_options?: unknown): Promise<void> {}
  static async migrate(): Promise<void> {}
  static clearRegistry(): void {}
  static logRegisteredEndpoints(): void {}
  static registerLifecycleCallback(_l: unknown): void {}
  static setAlertHandler(_h: unknown): void {}
  static associateClassWithInfo(_e: unknown, _c: unknown): Record<string, unknown> {
    return {};
  }
  static associateFunctionWithInfo(_e: unknown, _f: unknown, _t: unknown): Record<string, unknown> {
    return {};
  }
  static getAssociatedInfo(): [] {
    return [];
  }
  static registerSerialization(recipe: Parameters<typeof registerSerializationRecipe>[0]): void {
    registerSerializationRecipe(recipe);
  }

  // ---- context getters ---------------------------------------------------------------------------------
  static get workflowID(): string | undefined {
    return currentContext()?.wf?.workflowId;
  }
  static get stepID(): number | undefined {
    return undefined;
  }
  static get stepStatus(): undefined {
    return undefined;
  }
  static get authenticatedUser(): string {
    return currentContext()?.wf?.status.authenticated_user ?? '';
  }
  static get authenticatedRoles(): string[] {
    const r = currentContext()?.wf?.status.authenticated_roles;
    try {
      return r ? (JSON.parse(r) as string[]) : [];
    } catch {
      return [];
    }
  }
  static get assumedRole(): string {
    return currentContext()?.wf?.status.assumed_role ?? '';
  }
  static get applicationVersion(): string {
    return getSession().target?.workflow_status.application_version ?? '';
  }
  static get executorID(): string {
    return getSession().target?.workflow_status.executor_id ?? 'local';
  }
  static get span(): undefined {
    return undefined;
  }
  /** The SDK's tracer as it behaves with tracing disabled (stub spans, nothing exported): replay exports no spans. */
  static get tracer(): ReplayTracer {
    return replayTracer;
  }
  static get logger(): Record<string, (...a: unknown[]) => void> {
    return replayLogger;
  }
  static isInWorkflow(): boolean {
    const c = currentContext();
    return !!c?.wf && !c.inStep;
  }
  static isWithinWorkflow(): boolean {
    return !!currentContext()?.wf;
  }
  static isInStep(): boolean {
    return false;
  }
  static isInTransaction(): boolean {
    return false;
  }

  // ---- context scopes (no IDs) ----------------------------------------------------------------------------
  static withNextWorkflowID<R>(workflowID: string, cb: () => Promise<R>): Promise<R> {
    return contextStorage.run({ ...currentContext(), nextWorkflowId: workflowID }, cb);
  }
  static withWorkflowQueue<R>(queueName: string, cb: () => Promise<R>): Promise<R> {
    return contextStorage.run({ ...currentContext(), queueName }, cb);
  }
  static withWorkflowTimeout<R>(_t: number | null, cb: () => Promise<R>): Promise<R> {
    return cb();
  }
  static withAuthedContext<R>(_u: string, _r: string[], cb: () => Promise<R>): Promise<R> {
    return cb();
  }
  static withNamedContext<R>(_n: string, cb: () => Promise<R>): Promise<R> {
    return cb();
  }

  // ---- registration (registration.ts) -------------------------------------------------------------------
  static className(name: string): (ctor: ClassCtor) => void {
    return className(name);
  }
  static workflow(cfg: Cfg = {}) {
    return workflowDecorator(cfg);
  }
  static registerWorkflow<F extends AnyFn>(fn: F, cfg: RegisterCfg = {}): F {
    return registerWorkflow(fn, cfg, origin());
  }
  static step(cfg: Cfg = {}) {
    return stepDecorator(cfg);
  }
  static registerStep<F extends AnyFn>(fn: F, cfg: RegisterCfg = {}): F {
    return registerStep(fn, cfg);
  }
  static runStep<R>(fn: () => Promise<R> | R, cfg: Cfg = {}): Promise<R> {
    const name = cfg.name ?? fn.name;
    return stepCall(name, [], 'DBOS.runStep') as Promise<R>;
  }

  // ---- starting workflows and handles --------------------------------------------------------------------
  static startWorkflow<T extends object>(target: T, _params?: Record<string, unknown>): T {
    const handler: ProxyHandler<T & AnyFn> = {
      apply(fnTarget, _thisArg, args) {
        const reg = registrationOf(fnTarget);
        if (!reg)
          return Promise.reject(new Error(`${(fnTarget as AnyFn).name} is not a registered DBOS workflow function`));
        return startCall(reg.name, args, `DBOS.startWorkflow(${reg.name})`);
      },
      get(obj, p, receiver) {
        const member = Reflect.get(obj, p, receiver) as unknown;
        const reg = registrationOf(member);
        if (reg && reg.kind === 'workflow')
          return (...args: unknown[]) => startCall(reg.name, args, `DBOS.startWorkflow(${reg.name})`);
        throw new Error(`${String(p)} is not a registered DBOS workflow function`);
      },
    };
    return new Proxy(target as T & AnyFn, handler) as T;
  }
  static enqueueWorkflowWithOptions(opts: { workflowName: string }, ...args: unknown[]): Promise<ReplayHandle> {
    return startCall(opts.workflowName, args, 'DBOS.enqueueWorkflowWithOptions');
  }
  static enqueueWorkflowWithOptionsPortable(
    opts: { workflowName: string },
    args: unknown[] = [],
  ): Promise<ReplayHandle> {
    return startCall(opts.workflowName, args, 'DBOS.enqueueWorkflowWithOptionsPortable');
  }
  static retrieveWorkflow<R = unknown>(workflowID: string): ReplayHandle<R> {
    return new ReplayHandle<R>(workflowID);
  }
  static getResult<R = unknown>(workflowID: string, options?: unknown): Promise<R> {
    return getResultRecorded(workflowID, options, 'DBOS.getResult') as Promise<R>;
  }
  static getWorkflowStatus(workflowID: string): Promise<unknown> {
    return getStatusRecorded(workflowID, 'DBOS.getWorkflowStatus');
  }

  // ---- messages, events, streams ------------------------------------------------------------------------------
  static send(destinationID: string, message: unknown, topic?: string): Promise<void> {
    return callRecorded('DBOS.send', [destinationID, message, topic], 'DBOS.send').then(() => undefined);
  }
  static recv<T>(topic?: string, _options?: unknown): Promise<T | null> {
    return recvLike('DBOS.recv', [topic]) as Promise<T | null>;
  }
  static setEvent(key: string, value: unknown): Promise<void> {
    return callRecorded('DBOS.setEvent', [key, value], 'DBOS.setEvent').then(() => undefined);
  }
  static getEvent<T>(workflowID: string, key: string, _options?: unknown): Promise<T | null> {
    return recvLike('DBOS.getEvent', [workflowID, key]) as Promise<T | null>;
  }
  static writeStream(key: string, value: unknown): Promise<void> {
    return callRecorded('DBOS.writeStream', [key, value], 'DBOS.writeStream').then(() => undefined);
  }
  static closeStream(key: string): Promise<void> {
    return callRecorded('DBOS.closeStream', [key], 'DBOS.closeStream').then(() => undefined);
  }
  static readStream<T>(workflowID: string, key: string, _options?: unknown): AsyncGenerator<T, void, unknown> {
    const wf = workflowOf('DBOS.readStream');
    return (async function* () {
      for (;;) {
        const row = wf.take(wf.nextId(), 'DBOS.readStream', [workflowID, key]);
        const v = await answerRow(row);
        if (v === STREAM_CLOSED) return;
        yield v as T;
      }
    })();
  }
  static readStreamOffset<T>(workflowID: string, key: string, offset: number, _options?: unknown): Promise<T> {
    return durable(async () => {
      const wf = workflowOf('DBOS.readStreamOffset');
      const row = wf.take(wf.nextId(), 'DBOS.readStreamOffset', [workflowID, key, offset]);
      const v = await answerRow(row);
      if (v === STREAM_CLOSED) throw new DBOSStreamTimeoutError(workflowID, key, undefined as never);
      return v as T;
    });
  }

  // ---- time and randomness ---------------------------------------------------------------------------------
  static sleep(durationMS: number): Promise<void> {
    return durable(() => {
      const wf = workflowOf('DBOS.sleep');
      const id = wf.nextId();
      if (!(durationMS > 0)) return undefined;
      const row = wf.take(id, 'DBOS.sleep', [durationMS]);
      // The recorded run resumed at the deadline (the row holds it), not when the row was written.
      const deadline = rawJson(row);
      const completed =
        row.completed_at_epoch_ms === null || row.completed_at_epoch_ms === undefined
          ? null
          : Number(row.completed_at_epoch_ms);
      const at = typeof deadline === 'number' ? Math.max(deadline, completed ?? deadline) : completed;
      return answerInTurn(wf, row, undefined, at);
    });
  }
  static sleepms(durationMS: number): Promise<void> {
    return DBOS.sleep(durationMS);
  }
  static sleepSeconds(seconds: number): Promise<void> {
    return DBOS.sleep(seconds * 1000);
  }
  static now(): Promise<number> {
    if (!DBOS.isInWorkflow()) return Promise.resolve(Date.now());
    return callRecorded('DBOS.now', undefined, 'DBOS.now') as Promise<number>;
  }
  static randomUUID(): Promise<string> {
    if (!DBOS.isInWorkflow()) return Promise.resolve(nodeRandomUUID());
    return callRecorded('DBOS.randomUUID', undefined, 'DBOS.randomUUID') as Promise<string>;
  }

  // ---- patching -----------------------------------------------------------------------------------------
  static patch(patchName: string): Promise<boolean> {
    return durable(() => {
      const wf = workflowOf('DBOS.patch');
      const name = `DBOS.patch-${patchName}`;
      const row = wf.row(wf.peekId());
      if (row && row.function_name !== name) return false;
      wf.take(wf.nextId(), name);
      return true;
    });
  }
  static deprecatePatch(patchName: string): Promise<boolean> {
    return durable(() => {
      const wf = workflowOf('DBOS.deprecatePatch');
      const name = `DBOS.patch-${patchName}`;
      if (wf.row(wf.peekId())?.function_name === name) wf.take(wf.nextId(), name);
      return true;
    });
  }

  // ---- workflow management inside a workflow (recorded internal steps) ------------------------------------
  static listWorkflows(input?: unknown): Promise<unknown> {
    return internal('DBOS.listWorkflows', [input]);
  }
  static listQueuedWorkflows(input?: unknown): Promise<unknown> {
    return internal('DBOS.listQueuedWorkflows', [input]);
  }
  static listWorkflowSteps(id: string, opts?: unknown): Promise<unknown> {
    return internal('DBOS.listWorkflowSteps', [id, opts]);
  }
  static cancelWorkflow(id: string, opts?: unknown): Promise<unknown> {
    return internal('DBOS.cancelWorkflow', [[id], opts]);
  }
  static cancelWorkflows(ids: string[], opts?: unknown): Promise<unknown> {
    return internal('DBOS.cancelWorkflow', [ids, opts]);
  }
  static resumeWorkflow(id: string, opts?: unknown): Promise<unknown> {
    return internal('DBOS.resumeWorkflow', [[id], opts]).then(() => new ReplayHandle(id));
  }
  static resumeWorkflows(ids: string[], opts?: unknown): Promise<unknown> {
    return internal('DBOS.resumeWorkflow', [ids, opts]).then(() => ids.map((id) => new ReplayHandle(id)));
  }
  static deleteWorkflow(id: string, all?: boolean): Promise<unknown> {
    return internal('DBOS.deleteWorkflow', [id, all]);
  }
  static deleteWorkflows(ids: string[], all?: boolean): Promise<unknown> {
    return internal('DBOS.deleteWorkflow', [ids, all]);
  }
  static forkWorkflow(id: string, startStep: number, opts?: unknown): Promise<unknown> {
    return internal('DBOS.forkWorkflow', [id, startStep, opts]).then((nid) => new ReplayHandle(nid as string));
  }
  static rewindWorkflow(id: string, opts?: unknown): Promise<unknown> {
    return internal('DBOS.rewindWorkflow', [id, opts]).then(() => new ReplayHandle(id));
  }
  static async setWorkflowPriority(id: string, p: number): Promise<unknown> {
    if (p < QUEUE_MIN_PRIORITY || p > QUEUE_MAX_PRIORITY)
      throw new DBOSInvalidQueuePriorityError(p, QUEUE_MIN_PRIORITY, QUEUE_MAX_PRIORITY);
    return internal('DBOS.setWorkflowPriority', [id, p]);
  }
  static async setWorkflowDelay(
    id: string,
    o: number | { delaySeconds?: number; delayUntilEpochMS?: number },
  ): Promise<unknown> {
    checkDelay(o);
    return internal('DBOS.setWorkflowDelay', [id, o]);
  }
  static async waitFirst(handles: ReplayHandle[], _o?: unknown): Promise<unknown> {
    // The SDK's checks come before the ID is reserved.
    if (handles.length === 0) throw new Error('handles must not be empty');
    const byId = new Map<string, ReplayHandle>();
    for (const h of handles) {
      if (byId.has(h.workflowID)) throw new Error(`Duplicate workflow ID in waitFirst: ${h.workflowID}`);
      byId.set(h.workflowID, h);
    }
    const id = await internal('DBOS.waitFirst', [[...byId.keys()]]);
    return byId.get(id as string);
  }
  static waitAll(handles: ReplayHandle[], _o?: unknown): Promise<unknown> {
    if (handles.length === 0) return Promise.resolve([]);
    return internal('DBOS.waitAll', [handles.map((h) => h.workflowID)]).then(() => handles);
  }

  // ---- dynamic schedules (§3.2): recorded transactional internal steps (schedules.ts) ------------------------------
  static createSchedule(options: ScheduleOptions): Promise<void> {
    return Schedules.createSchedule(options);
  }
  static listSchedules(filters?: unknown): Promise<unknown[]> {
    return Schedules.listSchedules(filters);
  }
  static getSchedule(name: string): Promise<unknown> {
    return Schedules.getSchedule(name);
  }
  static deleteSchedule(name: string): Promise<void> {
    return Schedules.deleteSchedule(name);
  }
  static pauseSchedule(name: string): Promise<void> {
    return Schedules.pauseSchedule(name);
  }
  static resumeSchedule(name: string): Promise<void> {
    return Schedules.resumeSchedule(name);
  }
  static updateSchedule(name: string, updates: ScheduleUpdates): Promise<void> {
    return Schedules.updateSchedule(name, updates);
  }
  /** Throws inside a workflow with the SDK's error; outside one it would write (replay has no write path). */
  static async applySchedules(_schedules: unknown[]): Promise<void> {
    throw Schedules.notInWorkflow('applySchedules');
  }
  static async triggerSchedule(_name: string): Promise<never> {
    throw Schedules.notInWorkflow('triggerSchedule');
  }
  static async backfillSchedule(_name: string, _start: Date, _end: Date): Promise<never> {
    throw Schedules.notInWorkflow('backfillSchedule');
  }

  // ---- queues and other non-durable APIs: no-ops in replay ---------------------------------------------------
  static registerQueue(name: string, opts: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return Promise.resolve({ name, ...opts });
  }
  static retrieveQueue(name: string): Promise<Record<string, unknown>> {
    return Promise.resolve({ name });
  }
  static async listQueues(): Promise<unknown[]> {
    return [];
  }
  static async deleteQueue(): Promise<void> {}
  static async listApplicationVersions(): Promise<unknown[]> {
    return [];
  }
  static async getLatestApplicationVersion(): Promise<unknown> {
    return undefined;
  }
  static async setLatestApplicationVersion(): Promise<void> {}
  static get config(): Record<string, unknown> | undefined {
    return config;
  }
}

/** A span that records nothing (the SDK's StubSpan). */
class StubSpan {
  attributes: Record<string, unknown> = {};
  setStatus(_status: unknown): this {
    return this;
  }
  setAttribute(_key: string, _value: unknown): this {
    return this;
  }
  addEvent(_name: string, _a?: unknown, _t?: unknown): this {
    return this;
  }
}

class ReplayTracer {
  get applicationID(): string {
    return getSession().target?.workflow_status.application_id ?? '';
  }
  get executorID(): string {
    return DBOS.executorID;
  }
  readonly otelAttributeFormat = 'legacy';
  resolveAttributeName(key: string): string {
    return key;
  }
  remapAttributes<T>(attributes: T): T {
    return attributes;
  }
  startSpan(_name: string, _attributes?: unknown, _parent?: unknown): StubSpan {
    return new StubSpan();
  }
  endSpan(_span: unknown): void {}
}
const replayTracer = new ReplayTracer();

const QUEUE_MIN_PRIORITY = 0;
const QUEUE_MAX_PRIORITY = 2 ** 31 - 1;

/** The SDK's resolveDelayEpochMS checks (setWorkflowDelay), same errors, before the ID. */
function checkDelay(o: number | { delaySeconds?: number; delayUntilEpochMS?: number }): void {
  if (typeof o === 'number') {
    if (o <= 0) throw new DBOSError('delaySeconds must be greater than 0');
  } else if (o.delayUntilEpochMS !== undefined) {
    if (o.delayUntilEpochMS <= 0) throw new DBOSError('delayUntilEpochMS must be greater than 0');
  } else if (o.delaySeconds !== undefined && o.delaySeconds <= 0) {
    throw new DBOSError('delaySeconds must be greater than 0');
  }
}

async function internal(name: string, args: unknown[]): Promise<unknown> {
  return callRecorded(name, args, name);
}

/** recv / getEvent: (main, timer); the main row holds the message or event text in its own serialization. */
function recvLike(name: string, args: unknown[]): Promise<unknown> {
  return durable(() => {
    const wf = workflowOf(name);
    const main = wf.nextId();
    const timer = wf.nextId();
    const row = wf.take(main, name, args);
    wf.takeOptional(timer, 'DBOS.sleep');
    if (row.output === null && row.error === null) return answerInTurn(wf, row, null);
    return answerRow(row);
  });
}

const replayLogger = {
  info: (...a: unknown[]) => log('info', a),
  debug: (..._a: unknown[]) => undefined,
  warn: (...a: unknown[]) => log('warn', a),
  error: (...a: unknown[]) => log('error', a),
  log: (...a: unknown[]) => log('info', a),
};

function log(level: string, a: unknown[]): void {
  if (process.env[ReplayEnv.showLogs])
    process.stderr.write(`[${level}] ${a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')}\n`);
}

export { toWorkflowStatus };
