// Registered workflows, steps and configured instances, keyed like the SDK's registry (§7):
// (className, name), className '' for free functions, the @DBOS.className alias resolved at lookup time.
// Runs in the user's program.

export type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

export interface Registration {
  kind: 'workflow' | 'step' | 'transaction';
  /** Registered name (config.name ?? method/function name). */
  name: string;
  /** The class (constructor) for methods; resolved to its alias or `.name` when looked up. */
  ctor?: ClassCtor;
  /** Explicit className from registerWorkflow/registerStep config. */
  className?: string;
  /** The user's original function. Step bodies are never called. */
  fn: AnyFn;
  config: Record<string, unknown>;
  /** Where it was registered from (file:line), for the "not registered" message. */
  origin?: string;
}

/** A class as decorators and registrations receive it (TypeScript's own ClassDecorator types it as Function too). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any class, abstract or not, with any constructor
export type ClassCtor = Function;

const aliases = new WeakMap<ClassCtor, string>();
const registrations: Registration[] = [];
const byWrapper = new WeakMap<object, Registration>();
const wrapperOf = new WeakMap<Registration, AnyFn>();
const instances = new Map<ClassCtor, Map<string, object>>();

export function setClassAlias(ctor: ClassCtor, name: string): void {
  aliases.set(ctor, name);
}

export function classNameOf(reg: Registration): string {
  if (reg.className !== undefined) return reg.className;
  if (reg.ctor) return aliases.get(reg.ctor) ?? reg.ctor.name;
  return '';
}

/** The class of a decorator target: the constructor itself (static) or the prototype's constructor. */
export function ctorOfTarget(target: object): ClassCtor {
  return typeof target === 'function' ? target : (target as { constructor: ClassCtor }).constructor;
}

export function register(reg: Registration, wrapper: AnyFn): void {
  registrations.push(reg);
  byWrapper.set(wrapper, reg);
  wrapperOf.set(reg, wrapper);
}

export function registrationOf(fn: unknown): Registration | undefined {
  return typeof fn === 'function' ? byWrapper.get(fn) : undefined;
}

export function registerInstance(instance: object, name: string): void {
  const ctor = (instance as { constructor: ClassCtor }).constructor;
  let m = instances.get(ctor);
  if (!m) instances.set(ctor, (m = new Map()));
  m.set(name, instance);
}

export function findWorkflow(className: string | null, name: string): Registration | undefined {
  const cls = className ?? '';
  return registrations.find((r) => r.kind === 'workflow' && r.name === name && classNameOf(r) === cls);
}

/** The SDK's name prefix for a workflow it records around a step (4.x) or DBOS.send (4.0–4.9) called outside one. */
export const TEMP_WORKFLOW_PREFIX = 'temp_workflow-';

/**
 * A temp workflow `temp_workflow-step-<step>` (class_name: the step's class) as a workflow whose body calls that
 * registered step once, so the step is answered from the recording at function 0 like any workflow's.
 * undefined: not a step temp workflow, or the step is not registered.
 */
export function findTempStepWorkflow(className: string | null, name: string): Registration | undefined {
  const prefix = `${TEMP_WORKFLOW_PREFIX}step-`;
  if (!name.startsWith(prefix)) return undefined;
  const cls = className ?? '';
  const step = registrations.find(
    (r) => r.kind === 'step' && r.name === name.slice(prefix.length) && classNameOf(r) === cls,
  );
  const call = step && wrapperOf.get(step);
  if (!step || !call) return undefined;
  return { kind: 'workflow', name, className: cls, fn: call, config: {}, origin: step.origin };
}

/** The configured instance of `className` named `configName`, searching the class and its subclasses. */
export function findInstance(className: string, configName: string): object | undefined {
  for (const [ctor, m] of instances) {
    const cname = aliases.get(ctor) ?? ctor.name;
    if (cname === className && m.has(configName)) return m.get(configName);
  }
  // A method declared on a base class is registered under the base name; instances are of subclasses.
  for (const [ctor, m] of instances) {
    let p = Object.getPrototypeOf(ctor);
    while (p && p !== Function.prototype) {
      if ((aliases.get(p) ?? p.name) === className && m.has(configName)) return m.get(configName);
      p = Object.getPrototypeOf(p);
    }
  }
  return undefined;
}

export function registeredWorkflowNames(): string[] {
  return registrations
    .filter((r) => r.kind === 'workflow')
    .map((r) => {
      const c = classNameOf(r);
      return c ? `${c}.${r.name}` : r.name;
    });
}

export function registeredInstanceNames(): string[] {
  const out: string[] = [];
  for (const [ctor, m] of instances) for (const n of m.keys()) out.push(`${aliases.get(ctor) ?? ctor.name}/${n}`);
  return out;
}
