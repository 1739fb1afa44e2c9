// The DBOS half of a debuggee: the event binding, the pause function the runtime calls when its pause policy stops
// an event, operation/divergence bookkeeping, function breakpoints on recorded operations, and the Workflow scope.
// Runs in the debug adapter process (the pause function it injects runs in the user's program).
import {
  BINDING_NAME,
  PAUSE_SCRIPT_URL,
  runtimeCall,
  SHARED_GLOBAL,
  type OperationMatch,
  type PauseConfig,
} from '../../../protocol/debuggeeProtocol';
import { functionBreakpointIds, pauseReasons } from '../../../replay-runtime/src/debuggee/pausePolicy';
import {
  sideEffectLine,
  type DivergenceEvent,
  type EndEvent,
  type OperationEvent,
  type ReplayEvent,
} from '../../../protocol/replayProtocol';
import { log } from '../logger';
import type { CdpClient } from './cdpClient';
import type { Location } from './cdpTypes';
import { parseHitCondition } from './breakpoints';
import { Emitter } from './emitter';
import type { ReplayPlan } from './launchPlan';
import { ensureSharedExpression } from './travelGate';
import { durableCallMessage, summaryText, trailLine } from './operationText';

export { durableCallMessage, trailLine };

/**
 * The one function the adapter injects: the runtime calls it when its pause policy stops an event, and its
 * `debugger` statement is the stop (the script is not blackboxed, so it fires; its frame is hidden from stacks).
 */
const PAUSE_SCRIPT = `globalThis.${SHARED_GLOBAL}.pause = function dbosReplayPause(event) {
  debugger; // dbos-replay: stopped at a recorded operation (see the stack: your call site is the first frame below)
};
//# sourceURL=${PAUSE_SCRIPT_URL}`;
/** The 0-based line of the pause script's `debugger` statement (a pause elsewhere in it is a step passing through). */
const PAUSE_DEBUGGER_LINE0 = PAUSE_SCRIPT.split('\n').findIndex((line) => line.trimStart().startsWith('debugger;'));

export interface FunctionBreakpointSpec {
  name: string;
  condition?: string;
  hitCondition?: string;
}

export interface FunctionBreakpointState {
  id: number;
  verified: boolean;
  name: string;
  message?: string;
}

interface FunctionBreakpoint {
  id: number;
  name: string;
  match: OperationMatch;
  /** Evaluated in the user's call-site frame; a throw counts as false (like V8's conditional breakpoints). */
  condition?: string;
  hitTest?: (hits: number) => boolean;
  /** An unparsable hit condition: the breakpoint never stops. */
  invalid: boolean;
}

/** Why the hook stopped the program, for the stop the user sees. */
export interface DbosStop {
  reason: 'function breakpoint' | 'exception' | 'step';
  description: string;
  text?: string;
  breakpointIds: number[];
  /** Internal stop (runToOperation). */
  runTo?: boolean;
}

export type { OperationEvent };

const FUNCTION_BREAKPOINT_ID_BASE = 100000;

/** What DbosChannel.snapshot() returns: opaque to the controller. */
export interface DbosSnapshot {
  readonly functionBreakpoints: readonly FunctionBreakpoint[];
  readonly filters: ReplayFilters;
}

/** The exception filters the replay channel owns. */
export interface ReplayFilters {
  divergence: boolean;
  recordedStepError: boolean;
  sideEffect: boolean;
}

export class DbosChannel {
  private nextId = FUNCTION_BREAKPOINT_ID_BASE;
  private functionBreakpoints: readonly FunctionBreakpoint[] = [];
  /** Matches whose condition held, in this run (a new debuggee starts afresh: time travel re-counts). */
  private hits = new Map<FunctionBreakpoint, number>();
  /** While time travel re-runs a part of the program: the breakpoints and filters in force back then. */
  private applied: DbosSnapshot | undefined;
  private filters: ReplayFilters = { divergence: true, recordedStepError: false, sideEffect: false };
  private runTo: number | null = null;
  private entry = false;
  private cdp: CdpClient | undefined;
  /** Operations consumed since the program last resumed (stepping over a durable call shows them). */
  consumedSinceResume: OperationEvent[] = [];
  /** function_ids consumed in this run. */
  readonly consumed = new Set<number>();
  lastEvent: ReplayEvent | undefined;
  end: EndEvent | undefined;
  private readonly trailEmitter = new Emitter<string>();
  /** One line per replayed operation or divergence. */
  readonly onTrail = this.trailEmitter.event;
  private readonly warningEmitter = new Emitter<string>();
  /** One line per side effect outside a step (a Debug Console warning). */
  readonly onWarning = this.warningEmitter.event;

  constructor(readonly plan: ReplayPlan) {}

  /** Listens to a debuggee whose hook is installed (installHook), and sends it the current breakpoints and filters. */
  async attach(cdp: CdpClient): Promise<void> {
    this.cdp = cdp;
    this.consumedSinceResume = [];
    this.consumed.clear();
    this.runTo = null;
    this.lastEvent = undefined;
    this.end = undefined;
    this.hits = new Map();
    cdp.on('Runtime.bindingCalled', (e) => {
      if (e.name === BINDING_NAME) this.onEvent(e.payload);
    });
    await this.pushConfig();
  }

  /**
   * Installs the binding and the pause function in a debuggee before its program runs (a standby one may get them
   * early), creating the state shared with the runtime if the runtime has not loaded yet.
   */
  static async installHook(cdp: CdpClient): Promise<void> {
    const evaluate = async (expression: string) => {
      const r = await cdp.send('Runtime.evaluate', { expression, silent: true });
      if (r.exceptionDetails) throw new Error(`hook script failed: ${r.exceptionDetails.text}`);
    };
    await cdp.send('Runtime.addBinding', { name: BINDING_NAME });
    await evaluate(ensureSharedExpression());
    await evaluate(PAUSE_SCRIPT);
  }

  detach(): void {
    this.cdp = undefined;
  }

  /** Whether a script URL is the runtime's (its pause policy and gate among it) or the pause script: its frames are never shown. */
  isHiddenUrl(url: string): boolean {
    return url === PAUSE_SCRIPT_URL || url.endsWith(this.plan.runtimePath) || url === `file://${this.plan.runtimePath}`;
  }

  isPauseScript(url: string): boolean {
    return url === PAUSE_SCRIPT_URL;
  }

  /** Whether a pause in the pause script is its `debugger` statement (the hook's stop), not a step through it. */
  isHookBreak(line0: number): boolean {
    return line0 === PAUSE_DEBUGGER_LINE0;
  }

  /** The runtime's bundle, pause policy and gate included: stepping never enters it (the pause script is not blackboxed). */
  blackboxPatterns(): string[] {
    return [`^(?:file://)?${escapeRegex(this.plan.runtimePath)}$`];
  }

  /** The user's function breakpoints and filters now, for time travel to re-apply while it re-runs this part. */
  snapshot(): DbosSnapshot {
    return { functionBreakpoints: this.functionBreakpoints, filters: this.filters };
  }

  /** Puts a snapshot in force in the debuggee (the user's own again when it is theirs). */
  restore(snapshot: DbosSnapshot): Promise<void> {
    const own = snapshot.functionBreakpoints === this.functionBreakpoints && snapshot.filters === this.filters;
    if (own && !this.applied) return Promise.resolve();
    this.applied = own ? undefined : snapshot;
    return this.pushConfig();
  }

  /** What stops the program now: a snapshot time travel applied, else the user's. */
  private inForce(): DbosSnapshot {
    return this.applied ?? this.snapshot();
  }

  /**
   * Recorded operations of a trace that the current function breakpoints stop at (seq → breakpoint ids), counting
   * hits from the start of the run. Breakpoints with a condition are left out: it can only be tested at the call site.
   */
  stopsInTrace(
    ops: { seq: number; name: string; functionId: number; error: boolean }[],
    snapshot = this.snapshot(),
  ): Map<number, number[]> {
    const stops = new Map<number, number[]>();
    const hits = new Map<FunctionBreakpoint, number>();
    const config = this.config(snapshot);
    for (const op of ops) {
      const event: OperationEvent = {
        type: 'operation',
        workflowId: this.plan.workflowId,
        name: op.name,
        functionId: op.functionId,
        errorSummary: op.error ? 'error' : null,
        startedAt: null,
        completedAt: null,
      };
      for (const b of matchedBreakpoints(snapshot, config, event)) {
        if (b.invalid || b.condition !== undefined) continue;
        const n = (hits.get(b) ?? 0) + 1;
        hits.set(b, n);
        if (b.hitTest && !b.hitTest(n)) continue;
        stops.set(op.seq, [...(stops.get(op.seq) ?? []), b.id]);
      }
    }
    return stops;
  }

  setFilters(filters: ReplayFilters): Promise<void> {
    this.filters = filters;
    return this.pushConfig();
  }

  /** stopOnEntry: the hook pauses at the `start` event, just before the workflow function is invoked. */
  setEntry(entry: boolean): void {
    this.entry = entry;
  }

  /**
   * While paused at the `start` event: the first breakable location in the body of the workflow function the runtime
   * is about to invoke (its [[FunctionLocation]], then V8's possible breakpoints restricted to that function).
   */
  async workflowEntryLocation(): Promise<Location | undefined> {
    const cdp = this.cdp;
    if (!cdp || cdp.isClosed) return undefined;
    const shared = `globalThis.${SHARED_GLOBAL}`;
    const r = await cdp.send('Runtime.evaluate', {
      expression: `${shared} && ${shared}.subject`,
      objectGroup: 'dbos-replay-entry',
      silent: true,
    });
    try {
      if (r.exceptionDetails || r.result.type !== 'function' || !r.result.objectId) return undefined;
      const props = await cdp.send('Runtime.getProperties', { objectId: r.result.objectId, ownProperties: true });
      const fnLoc = props.internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as
        Location | undefined;
      if (!fnLoc?.scriptId) return undefined;
      const possible = await cdp.send('Debugger.getPossibleBreakpoints', { start: fnLoc, restrictToFunction: true });
      log(
        'replay',
        `workflow function at ${fnLoc.scriptId}:${fnLoc.lineNumber}:${fnLoc.columnNumber}; first body location ${JSON.stringify(possible.locations[0])}`,
      );
      return possible.locations[0] ?? fnLoc;
    } finally {
      void cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'dbos-replay-entry' }).catch(() => undefined);
    }
  }

  setRunTo(functionId: number | null): Promise<void> {
    this.runTo = functionId;
    return this.pushConfig();
  }

  /** Replaces all function breakpoints: `charge` (a step name), `#3` (a function_id), `error` (any recorded error). */
  async setFunctionBreakpoints(specs: FunctionBreakpointSpec[]): Promise<FunctionBreakpointState[]> {
    const ops = this.plan.operations;
    const created: FunctionBreakpoint[] = [];
    const states: FunctionBreakpointState[] = [];
    for (const spec of specs) {
      const name = String(spec?.name ?? '').trim();
      const id = this.nextId++;
      const idMatch = /^#\s*(\d+)$/.exec(name);
      const condition =
        typeof spec?.condition === 'string' && spec.condition.trim() !== '' ? spec.condition : undefined;
      const hitText =
        typeof spec?.hitCondition === 'string' && spec.hitCondition.trim() !== '' ? spec.hitCondition : undefined;
      const hitTest = hitText === undefined ? undefined : parseHitCondition(hitText);
      const common = { id, name, condition, hitTest, invalid: hitText !== undefined && !hitTest };
      let bp: FunctionBreakpoint;
      let found: boolean;
      if (idMatch) {
        bp = { ...common, match: { kind: 'id', functionId: Number(idMatch[1]) } };
        found = ops.some((o) => o.functionId === Number(idMatch[1]));
      } else if (name === 'error') {
        bp = { ...common, match: { kind: 'error' } };
        found = ops.some((o) => o.error);
      } else {
        bp = { ...common, match: { kind: 'name', name } };
        found = ops.some((o) => o.name === name);
      }
      created.push(bp);
      if (bp.invalid) {
        states.push({
          id,
          name,
          verified: false,
          message: `Invalid hit count ${JSON.stringify(hitText)}: use a number (stop from that hit on), or >N, >=N, <N, <=N, ==N, %N.`,
        });
        continue;
      }
      states.push({
        id,
        name,
        verified: found,
        message: found
          ? undefined
          : name === ''
            ? 'Empty name: use a step name (charge), #<function_id>, or error.'
            : `Workflow ${this.plan.workflowId} recorded no ${bp.match.kind === 'error' ? 'operation with an error' : `operation ${name}`}; ` +
              `its operations are ${ops.map((o) => `#${o.functionId} ${o.name}`).join(', ') || 'none'}.`,
      });
    }
    this.functionBreakpoints = created;
    await this.pushConfig();
    return states;
  }

  /**
   * Why the hook paused, from the event it was called with (the binding delivers it just before the pause), or
   * undefined when nothing wants the stop after all (a function breakpoint whose condition or hit count is not met).
   * `evaluate` tests a condition in the user's call-site frame; `passBreakpoints` (running to an operation) skips them.
   */
  async stopFor(
    event: ReplayEvent | undefined,
    evaluate: (condition: string) => Promise<boolean>,
    passBreakpoints = false,
  ): Promise<DbosStop | undefined> {
    if (!event) return { reason: 'exception', description: 'Paused by the replay runtime', breakpointIds: [] };
    if (event.type === 'divergence') {
      const d = event as DivergenceEvent;
      return {
        reason: 'exception',
        description: `Divergence at step ${d.functionId ?? '?'}: recorded ${d.recorded ?? '(nothing)'}, called ${d.called ?? '(no call)'}`,
        text: d.message,
        breakpointIds: [],
      };
    }
    if (event.type === 'sideEffect') {
      return {
        reason: 'exception',
        description: 'Side effect outside a step',
        text: `${sideEffectLine(event)}: it runs for real during the replay; move it into a step`,
        breakpointIds: [],
      };
    }
    if (event.type === 'end') {
      return {
        reason: 'exception',
        description: 'The recording ends here',
        text: event.summary ?? 'the recording ends here',
        breakpointIds: [],
      };
    }
    if (event.type !== 'operation') return undefined;
    const op = event;
    const ids: number[] = [];
    const snapshot = this.inForce();
    const config = this.config(snapshot);
    const reasons = pauseReasons(config, op);
    for (const b of passBreakpoints ? [] : matchedBreakpoints(snapshot, config, op, reasons)) {
      if (b.invalid) continue;
      if (b.condition !== undefined && !(await evaluate(b.condition))) continue;
      const hits = (this.hits.get(b) ?? 0) + 1;
      this.hits.set(b, hits);
      if (b.hitTest && !b.hitTest(hits)) continue;
      ids.push(b.id);
    }
    const runTo = reasons.some((r) => r.kind === 'runTo');
    if (ids.length > 0) {
      return {
        reason: 'function breakpoint',
        description: `Paused before recorded operation #${op.functionId} ${op.name}`,
        text: trailLine(op),
        breakpointIds: ids,
        runTo,
      };
    }
    if (runTo) {
      return {
        reason: 'step',
        description: `Ran to recorded operation #${op.functionId} ${op.name}`,
        text: trailLine(op),
        breakpointIds: [],
        runTo: true,
      };
    }
    if (!reasons.some((r) => r.kind === 'recordedStepError')) return undefined;
    return {
      reason: 'exception',
      description: `Recorded step error at #${op.functionId} ${op.name}: ${summaryText(op.errorSummary ?? null)}`,
      text: trailLine(op),
      breakpointIds: [],
    };
  }

  /**
   * The Workflow scope: an object the runtime builds from its replay state (live values: recorded inputs, revived
   * outputs, the arguments the code passed), or undefined when the runtime is not there.
   */
  async workflowScopeObject(): Promise<string | undefined> {
    if (!this.cdp || this.cdp.isClosed) return undefined;
    const expression = runtimeCall('workflowView', [], 'undefined');
    const r = await this.cdp.send('Runtime.evaluate', {
      expression,
      objectGroup: 'dbos-replay-scope',
      silent: true,
      generatePreview: true,
    });
    if (r.exceptionDetails || r.result.type !== 'object' || !r.result.objectId) {
      log('replay', `workflow scope unavailable: ${r.exceptionDetails?.text ?? r.result.type}`);
      return undefined;
    }
    return r.result.objectId;
  }

  /** How the revived values of these consumed operations differ from the original run's (function_id → note). */
  async revivalNotes(functionIds: number[]): Promise<Map<number, string>> {
    const notes = new Map<number, string>();
    if (!this.cdp || this.cdp.isClosed || functionIds.length === 0) return notes;
    const expression = runtimeCall('revivalNotes', [functionIds], '[]');
    const r = await this.cdp
      .send('Runtime.evaluate', { expression, silent: true, returnByValue: true })
      .catch(() => undefined);
    if (!r || r.exceptionDetails || !Array.isArray(r.result.value)) return notes;
    for (const [id, note] of r.result.value as [number, string | null][]) if (note) notes.set(id, note);
    return notes;
  }

  dispose(): void {
    this.trailEmitter.dispose();
    this.warningEmitter.dispose();
    this.cdp = undefined;
  }

  private onEvent(payload: string): void {
    let event: ReplayEvent;
    try {
      event = JSON.parse(payload) as ReplayEvent;
    } catch {
      return;
    }
    this.lastEvent = event;
    if (event.type === 'operation') {
      if (event.workflowId !== this.plan.workflowId) return;
      this.consumedSinceResume.push(event);
      this.consumed.add(event.functionId);
      this.trailEmitter.fire(trailLine(event));
    } else if (event.type === 'divergence') {
      this.trailEmitter.fire(`✗ divergence at #${event.functionId ?? '?'}: ${event.message}`);
    } else if (event.type === 'sideEffect') {
      if (event.workflowId !== this.plan.workflowId) return;
      this.warningEmitter.fire(`Warning: side effect outside a step: ${sideEffectLine(event)}`);
    } else if (event.type === 'end') {
      this.end = event;
    }
  }

  /** What stops the program under a snapshot's breakpoints and filters (the debuggee's pause policy reads it). */
  private config({ functionBreakpoints, filters }: DbosSnapshot = this.inForce()): PauseConfig {
    return {
      functionBreakpoints: functionBreakpoints.map((b) => ({ id: b.id, match: b.match })),
      recordedStepError: filters.recordedStepError,
      divergence: filters.divergence,
      recordingEnd: true,
      runTo: this.runTo,
      entry: this.entry,
      sideEffect: filters.sideEffect,
    };
  }

  private async pushConfig(): Promise<void> {
    if (!this.cdp || this.cdp.isClosed) return;
    const shared = `globalThis.${SHARED_GLOBAL}`;
    const expression = `if (${shared}) ${shared}.config = ${JSON.stringify(this.config())};`;
    const r = await this.cdp
      .send('Runtime.evaluate', { expression, silent: true })
      .catch((e: unknown) =>
        log('replay', `cannot update the pause hook: ${e instanceof Error ? e.message : String(e)}`),
      );
    if (r && r.exceptionDetails) log('replay', `cannot update the pause hook: ${r.exceptionDetails.text}`);
  }
}

/** The snapshot's function breakpoints the runtime's pause policy matches `op` with, in their order. */
function matchedBreakpoints(
  snapshot: DbosSnapshot,
  config: PauseConfig,
  op: OperationEvent,
  reasons = pauseReasons(config, op),
): FunctionBreakpoint[] {
  const ids = new Set(functionBreakpointIds(reasons));
  return snapshot.functionBreakpoints.filter((b) => ids.has(b.id));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
