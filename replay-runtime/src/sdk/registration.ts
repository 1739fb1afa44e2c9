// The registration API of the replay's DBOS class (decorators, registerWorkflow/registerStep, ConfiguredInstance):
// each registers in engine/registry.ts an invoker answered from the recording. Runs in the user's program.
import { currentContext } from '../engine/context.js';
import {
  ctorOfTarget,
  register,
  registerInstance,
  setClassAlias,
  type AnyFn,
  type ClassCtor,
  type Registration,
} from '../engine/registry.js';
import { errors } from '../errors.js';
import { answerRow, callRecorded, durable, workflowOf } from './answer.js';

type Descriptor = TypedPropertyDescriptor<AnyFn>;
export type Cfg = Record<string, unknown> & { name?: string };
export type RegisterCfg = Cfg & { className?: string; ctorOrProto?: object };

export class ConfiguredInstance {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
    registerInstance(this, name);
  }
  /**
   * The SDK calls every instance's initialize() at launch; the replay never does, because initialize() typically
   * connects or writes (creates tables, registers webhooks), and a replay has no write path. Workflow code that needs
   * state set there must get it in the constructor (or compute it lazily) to replay.
   */
  async initialize(): Promise<void> {}
}

/** A step call: one ID, the recorded outcome; the body is never called. */
export function stepCall(name: string, args: unknown[], api: string): Promise<unknown> {
  return callRecorded(name, args, api);
}

/** A workflow called directly from the replayed workflow: (start, getResult); the child is not re-run. */
function childCall(reg: Registration, args: unknown[]): Promise<unknown> {
  return durable(() => {
    const wf = workflowOf(`workflow ${reg.name}`);
    const startId = wf.nextId();
    const resultId = wf.nextId();
    const start = wf.take(startId, reg.name, args);
    if (start.error !== null && start.error !== undefined) return answerRow(start);
    const res = wf.take(resultId, 'DBOS.getResult', [start.child_workflow_id]);
    return answerRow(res);
  });
}

function makeWorkflowInvoker(reg: Registration): AnyFn {
  const invoker = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    if (!currentContext()?.wf) return Promise.reject(errors.outsideWorkflow(`calling workflow ${reg.name}`));
    return childCall(reg, args);
  };
  Object.defineProperty(invoker, 'name', { value: reg.name });
  return invoker;
}

function makeStepInvoker(reg: Registration): AnyFn {
  const invoker = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return stepCall(reg.name, args, `step ${reg.name}`);
  };
  Object.defineProperty(invoker, 'name', { value: reg.name });
  return invoker;
}

/** The frame that called the function calling origin(): where a workflow was registered. */
export function origin(): string | undefined {
  const line = new Error().stack?.split('\n')[3];
  return line?.trim();
}

/**
 * A decorator compiled without experimentalDecorators gets the TC39 shape, (method, context object): refused with
 * the fix rather than failing on the missing descriptor.
 */
export function requireLegacyDecorator(decorator: string, target: unknown, key: unknown, descriptor: unknown): void {
  if (descriptor !== undefined || typeof key !== 'object' || key === null || !('kind' in key)) return;
  const name = String((key as { name?: unknown }).name ?? '?');
  const owner = typeof target === 'function' && target.name && target.name !== name ? `${target.name}.` : '';
  throw errors.noExperimentalDecorators(decorator, `${owner}${name}`, process.env.TSX_TSCONFIG_PATH || undefined);
}

/** DBOS.className(name). */
export function className(name: string): (ctor: ClassCtor) => void {
  return (ctor: ClassCtor) => setClassAlias(ctor, name);
}

/** DBOS.workflow(cfg): the decorator. */
export function workflowDecorator(cfg: Cfg) {
  return function (target: object, propertyKey: string, descriptor: Descriptor): Descriptor {
    requireLegacyDecorator('DBOS.workflow()', target, propertyKey, descriptor);
    const reg: Registration = {
      kind: 'workflow',
      name: cfg.name ?? propertyKey,
      ctor: ctorOfTarget(target),
      fn: descriptor.value as AnyFn,
      config: { ...cfg, __static: typeof target === 'function' },
      origin: origin(),
    };
    const invoker = makeWorkflowInvoker(reg);
    register(reg, invoker);
    descriptor.value = invoker;
    return descriptor;
  };
}

/** DBOS.registerWorkflow(fn, cfg); `at` is the caller's origin(), taken in DBOS.registerWorkflow. */
export function registerWorkflow<F extends AnyFn>(fn: F, cfg: RegisterCfg, at: string | undefined): F {
  const reg: Registration = {
    kind: 'workflow',
    name: cfg.name ?? fn.name,
    fn,
    config: cfg,
    origin: at,
    className: cfg.className ?? (cfg.ctorOrProto ? undefined : ''),
    ctor: cfg.ctorOrProto ? ctorOfTarget(cfg.ctorOrProto) : undefined,
  };
  const invoker = makeWorkflowInvoker(reg);
  register(reg, invoker);
  return invoker as F;
}

/** DBOS.step(cfg): the decorator. */
export function stepDecorator(cfg: Cfg) {
  return function (target: object, propertyKey: string, descriptor: Descriptor): Descriptor {
    requireLegacyDecorator('DBOS.step()', target, propertyKey, descriptor);
    const reg: Registration = {
      kind: 'step',
      name: cfg.name ?? propertyKey,
      ctor: ctorOfTarget(target),
      fn: descriptor.value as AnyFn,
      config: cfg,
    };
    const invoker = makeStepInvoker(reg);
    register(reg, invoker);
    descriptor.value = invoker;
    return descriptor;
  };
}

/** DBOS.registerStep(fn, cfg). */
export function registerStep<F extends AnyFn>(fn: F, cfg: RegisterCfg): F {
  const reg: Registration = { kind: 'step', name: cfg.name ?? fn.name, fn, config: cfg, className: cfg.className };
  const invoker = makeStepInvoker(reg);
  register(reg, invoker);
  return invoker as F;
}
