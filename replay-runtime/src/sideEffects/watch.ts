// What an I/O call the replayed workflow's code makes outside a step does under the side-effect policy: reported
// (warn), thrown into the workflow instead of run (block), or nothing (allow). Runs in the user's program.
import {
  DEFAULT_SIDE_EFFECT_POLICY,
  ReplayEnv,
  SIDE_EFFECT_POLICIES,
  type SideEffect,
  type SideEffectKind,
  type SideEffectPolicy,
} from '../../../protocol/replayProtocol.js';
import { contextStorage } from '../engine/context.js';
import { callerLocation } from '../engine/location.js';
import type { WorkflowReplay } from '../engine/workflowReplay.js';
import { errors } from '../errors.js';

/** Takes a side effect of `wf`'s code; false when `wf` is not the workflow being replayed now (an abandoned run). */
export type SideEffectSink = (wf: WorkflowReplay, effect: SideEffect) => boolean;

let policy: SideEffectPolicy = DEFAULT_SIDE_EFFECT_POLICY;
let sink: SideEffectSink | undefined;
/** > 0 inside a watched call (the I/O it does itself is its own) or the runtime's own I/O. */
let depth = 0;

/** The policy ReplayEnv.sideEffects names; an unknown value gets one stderr line and the default. */
export function sideEffectPolicy(env: NodeJS.ProcessEnv): SideEffectPolicy {
  const v = env[ReplayEnv.sideEffects];
  if (v === undefined || v === '') return DEFAULT_SIDE_EFFECT_POLICY;
  if ((SIDE_EFFECT_POLICIES as readonly string[]).includes(v)) return v as SideEffectPolicy;
  process.stderr.write(
    `dbos-replay: ${ReplayEnv.sideEffects}=${v} is not a side-effect policy (${SIDE_EFFECT_POLICIES.join(', ')}); ` +
      `using ${DEFAULT_SIDE_EFFECT_POLICY}\n`,
  );
  return DEFAULT_SIDE_EFFECT_POLICY;
}

export function setSideEffectPolicy(p: SideEffectPolicy, s: SideEffectSink): void {
  policy = p;
  sink = s;
}

/** Runs the runtime's own I/O (the verdict file): never reported, never blocked. */
export function ownIo<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

/**
 * Whether this call is the workflow body's I/O outside a step: then it is reported (with the user's call site) and,
 * under `block`, the error to throw instead of running it is returned. A call with no frame of the program on its
 * stack is Node continuing one already seen (a socket an http request opens later): not reported.
 */
function check(kind: SideEffectKind, detail: () => string | null): Error | undefined {
  const ctx = contextStorage.getStore();
  const wf = ctx?.wf;
  if (!wf || ctx.inStep || !sink) return undefined;
  const what = detail();
  if (what === null) return undefined;
  const location = callerLocation();
  if (!location) return undefined;
  const blocked = policy === 'block';
  const effect: SideEffect = { kind, detail: what, location, ...(blocked ? { blocked } : {}) };
  if (!sink(wf, effect)) return undefined;
  return blocked ? errors.sideEffectBlocked(wf.workflowId, what, location.text) : undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fn = (this: unknown, ...args: any[]) => any;

/**
 * `orig` watched: outside a replayed workflow (before DBOS.launch() the context storage is not even enabled) it is
 * called straight away. `describe` names the call and its target, or null when it is no side effect (a read-only
 * open); `promise`: the blocked call returns a rejected promise rather than throwing.
 */
export function watched<F extends Fn>(
  orig: F,
  kind: SideEffectKind,
  describe: (args: unknown[]) => string | null,
  promise = false,
): F {
  const w = function (this: unknown, ...args: unknown[]): unknown {
    if (depth > 0 || contextStorage.getStore() === undefined) return Reflect.apply(orig, this, args);
    const err = check(kind, () => describe(args));
    if (err) {
      if (promise) return Promise.reject(err);
      throw err;
    }
    depth++;
    try {
      return Reflect.apply(orig, this, args);
    } finally {
      depth--;
    }
  };
  // name, length, util.promisify.custom, __promisify__: the wrapper reads as the original.
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(orig))) {
    try {
      Object.defineProperty(w, key, d);
    } catch {
      /* a non-configurable one: kept as the wrapper's */
    }
  }
  for (const sym of Object.getOwnPropertySymbols(orig)) {
    try {
      Object.defineProperty(w, sym, Object.getOwnPropertyDescriptor(orig, sym)!);
    } catch {
      /* idem */
    }
  }
  return w as F;
}
