// Unit tests of what the adapter sends into the debuggee (the pause function, the shared state, the gate's data, the
// gated breakpoint condition, the pause config) against the runtime's own debuggee code, in this one process: a fake
// CDP client evaluates each expression here, as V8 would in the user's program. Runs in the test process.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import {
  BINDING_NAME,
  PAUSE_SCRIPT_URL,
  RUNTIME_GLOBAL,
  SHARED_GLOBAL,
  type DebuggeeShared,
  type RuntimeGlobal,
} from '../../../protocol/debuggeeProtocol';
import { runtimeGlobal } from '../../../replay-runtime/src/debuggee/runtimeGlobal';
import { debuggeeShared } from '../../../replay-runtime/src/debuggee/sharedState';
import type { OperationEvent } from '../../../protocol/replayProtocol';
import { emit, type ReplayStateView } from '../../../replay-runtime/src/engine/events';
import type { ReplaySession } from '../../../replay-runtime/src/engine/session';
import type { CdpClient } from './cdpClient';
import { DbosChannel } from './dbosChannel';
import type { ReplayPlan } from './launchPlan';
import { gatedCondition, installGate, readSeq, setGate, startTrace, takeReached, takeTrace } from './travelGate';

type Global = typeof globalThis & {
  [SHARED_GLOBAL]?: DebuggeeShared;
  [RUNTIME_GLOBAL]?: RuntimeGlobal;
  [BINDING_NAME]?: (p: string) => void;
};
const g = globalThis as Global;

/** Evaluates what the adapter sends, in this process's global scope (indirect eval), and records it. */
function fakeCdp() {
  const listeners = new Map<string, ((e: unknown) => void)[]>();
  const sent: { method: string; params: Record<string, unknown> }[] = [];
  const cdp = {
    isClosed: false,
    sent,
    on(event: string, fn: (e: unknown) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
      return { dispose() {} };
    },
    async send(method: string, params: Record<string, unknown>) {
      sent.push({ method, params });
      if (method === 'Runtime.addBinding') {
        g[BINDING_NAME] = (payload) => {
          for (const fn of listeners.get('Runtime.bindingCalled') ?? []) fn({ name: params.name, payload });
        };
        return {};
      }
      if (method !== 'Runtime.evaluate') return {};
      try {
        const value: unknown = (0, eval)(String(params.expression));
        return {
          result: {
            type: typeof value,
            value,
            objectId: value !== null && typeof value === 'object' ? 'obj' : undefined,
          },
        };
      } catch (e) {
        return { result: { type: 'undefined' }, exceptionDetails: { text: String(e) } };
      }
    },
  };
  return cdp as typeof cdp & CdpClient;
}

function plan(): ReplayPlan {
  return {
    runtimePath: '/repo/dist/replay-runtime.js',
    traceFile: '/tmp/t.json',
    resultFile: '/tmp/v.json',
    workflowId: 'wf',
    workflowName: 'checkout',
    status: 'SUCCESS',
    operations: [
      { functionId: 0, name: 'reserve', error: false },
      { functionId: 1, name: 'charge', error: true },
      { functionId: 2, name: 'ship', error: false },
    ],
    preload: [],
    entry: '/repo/app.js',
    nextHandoff: async () => ({}),
    env: {},
    dispose: async () => undefined,
  };
}

/** What the runtime does when its preload runs (after the adapter's hook, at --inspect-brk). */
function loadRuntime(state: Partial<ReplayStateView> = {}): void {
  debuggeeShared();
  const session = {
    state: {
      workflowId: 'wf',
      workflowName: 'checkout',
      status: 'SUCCESS',
      inputs: [],
      operations: [],
      divergence: null,
      nextRecorded: null,
      ...state,
    },
  };
  g[RUNTIME_GLOBAL] = runtimeGlobal(session as unknown as ReplaySession);
}

function op(functionId: number, name: string, errorSummary: string | null = null): OperationEvent {
  return {
    type: 'operation',
    workflowId: 'wf',
    functionId,
    name,
    errorSummary,
    outputSummary: '1',
    startedAt: null,
    completedAt: null,
  };
}

/** A gated breakpoint condition as V8 runs it: an expression in the paused frame (here with local `x`). */
function condition(expression: string, x: number): boolean {
  return Boolean(new Function('x', `return (${expression});`)(x));
}

afterEach(() => {
  delete g[SHARED_GLOBAL];
  delete g[RUNTIME_GLOBAL];
  delete g[BINDING_NAME];
});

test('the hook goes in before the runtime: shared state and pause function first, the runtime keeps them', async () => {
  const cdp = fakeCdp();
  await installGate(cdp);
  await DbosChannel.installHook(cdp);
  const shared = g[SHARED_GLOBAL]!;
  assert.equal(typeof shared.pause, 'function');
  assert.equal(shared.config, null);
  await setGate(cdp, { active: [1], target: { bp: 1, n: 2 } });
  await startTrace(cdp);
  loadRuntime();
  assert.equal(g[SHARED_GLOBAL], shared, 'the runtime did not replace what the adapter wrote');
  assert.deepEqual(shared.gate.active, [1]);
  assert.deepEqual(shared.gate.trace, []);
  // The pause script is tiny: one function whose `debugger` line the adapter recognises.
  const script = String(
    cdp.sent.find((s) => String(s.params.expression).includes(PAUSE_SCRIPT_URL))?.params.expression,
  );
  assert.match(
    script,
    /^globalThis\.__dbosReplayDebuggee\.pause = function dbosReplayPause\(event\) \{\n {2}debugger;/,
  );
  const channel = new DbosChannel(plan());
  assert.equal(channel.isHookBreak(1), true);
  assert.equal(channel.isHookBreak(0), false);
});

test("a gated condition: the user's own before the runtime loads, the gate's after", async () => {
  const cdp = fakeCdp();
  await installGate(cdp);
  assert.equal(condition(gatedCondition(1, 'x > 1'), 2), true);
  assert.equal(condition(gatedCondition(1, 'x > 1'), 0), false);
  assert.equal(condition(gatedCondition(1, undefined), 0), true);
  assert.equal(condition(gatedCondition(1, '  '), 0), true, 'a blank condition is none');
  loadRuntime();
  await setGate(cdp, { active: [2], target: null });
  assert.equal(condition(gatedCondition(1, undefined), 0), false, "breakpoint 1 is no longer the user's");
  assert.equal(condition(gatedCondition(2, 'x > 1'), 0), false);
  assert.equal(condition(gatedCondition(2, 'x > 1'), 5), true);
  assert.equal(condition(gatedCondition(2, 'x.y.z'), 5), false, 'a throwing condition is no pass');
  // A condition ending in a line comment still parses.
  assert.equal(condition(gatedCondition(2, 'x > 1 // big'), 5), true);
  assert.equal(await readSeq(cdp), 3, 'three passes whose condition held');
});

test('the clock, the target and the trace read back through the adapter', async () => {
  const cdp = fakeCdp();
  await installGate(cdp);
  await DbosChannel.installHook(cdp);
  assert.equal(await readSeq(cdp), 0);
  assert.equal(await takeReached(cdp), false);
  assert.deepEqual(await takeTrace(cdp), []);
  loadRuntime();
  await startTrace(cdp);
  await setGate(cdp, { active: null, target: { functionId: 1 } });
  g[BINDING_NAME] = () => undefined;
  emit(op(0, 'reserve'));
  assert.equal(condition(gatedCondition(4, undefined), 0), true);
  emit(op(1, 'charge', '"declined"'));
  assert.equal(await readSeq(cdp), 3);
  assert.equal(await takeReached(cdp), true);
  assert.equal(await takeReached(cdp), false, 'taking clears it');
  assert.deepEqual(await takeTrace(cdp), [
    { kind: 'op', seq: 1, ops: 1, name: 'reserve', functionId: 0, error: false },
    { kind: 'bp', seq: 2, id: 4, n: 1 },
    { kind: 'op', seq: 3, ops: 2, name: 'charge', functionId: 1, error: true },
  ]);
  assert.deepEqual(await takeTrace(cdp), [], 'taking stops recording');
  emit(op(2, 'ship'));
  assert.equal(g[SHARED_GLOBAL]!.gate.trace, null);
});

test('one policy: the runtime pauses exactly where the adapter then finds a stop, and stopsInTrace agrees', async () => {
  const cdp = fakeCdp();
  await installGate(cdp);
  await DbosChannel.installHook(cdp);
  const channel = new DbosChannel(plan());
  await channel.attach(cdp);
  await channel.setFunctionBreakpoints([
    { name: 'charge' },
    { name: '#2', hitCondition: '2' },
    { name: 'error', condition: 'ok' },
    { name: 'reserve', hitCondition: 'x' },
  ]);
  await channel.setFilters({ divergence: true, recordedStepError: false, sideEffect: false });
  loadRuntime();
  const shared = g[SHARED_GLOBAL]!;
  const injected = shared.pause!;
  const pauses: number[] = [];
  shared.pause = (event) => {
    pauses.push((event as OperationEvent).functionId);
    injected(event);
  };
  const events = [op(0, 'reserve'), op(1, 'charge', '"declined"'), op(2, 'ship'), op(2, 'ship'), op(3, 'audit')];
  const stops: [number, number[] | undefined][] = [];
  for (const e of events) {
    const before = pauses.length;
    emit(e);
    assert.equal(channel.lastEvent?.type, 'operation', 'the binding delivered it');
    if (pauses.length === before) continue;
    const stop = await channel.stopFor(channel.lastEvent, async (cond) => cond === 'ok');
    stops.push([e.functionId, stop?.breakpointIds]);
  }
  // The invalid hit condition still pauses (and never stops); #2 pauses twice and stops from its second hit on.
  assert.deepEqual(pauses, [0, 1, 2, 2]);
  assert.deepEqual(stops, [
    [0, undefined],
    [1, [100000, 100002]],
    [2, undefined],
    [2, [100001]],
  ]);
  const trace = events.map((e, i) => ({
    seq: i + 1,
    name: e.name,
    functionId: e.functionId,
    error: e.errorSummary !== null,
  }));
  assert.deepEqual(
    [...channel.stopsInTrace(trace)],
    [
      [2, [100000]],
      [4, [100001]],
    ],
    'conditions are left out of a trace search',
  );
});

test('runTo, the recorded-step-error filter, divergence, recording end and entry reach the runtime as config', async () => {
  const cdp = fakeCdp();
  await installGate(cdp);
  await DbosChannel.installHook(cdp);
  const channel = new DbosChannel(plan());
  channel.setEntry(true);
  await channel.attach(cdp);
  await channel.setFilters({ divergence: false, recordedStepError: true, sideEffect: true });
  await channel.setRunTo(2);
  assert.deepEqual(g[SHARED_GLOBAL]!.config, {
    functionBreakpoints: [],
    recordedStepError: true,
    divergence: false,
    recordingEnd: true,
    runTo: 2,
    entry: true,
    sideEffect: true,
  });
  loadRuntime();
  const stop1 = await channel.stopFor(op(1, 'charge', '"declined"'), async () => true);
  assert.equal(stop1?.reason, 'exception');
  assert.match(stop1?.description ?? '', /^Recorded step error at #1 charge/);
  const stop2 = await channel.stopFor(op(2, 'ship'), async () => true);
  assert.deepEqual([stop2?.reason, stop2?.runTo], ['step', true]);
  assert.equal(await channel.stopFor(op(0, 'reserve'), async () => true), undefined);
});

test('hidden and blackboxed: the runtime bundle (pause policy and gate inside it) and the pause script', () => {
  const channel = new DbosChannel(plan());
  assert.equal(channel.isHiddenUrl(PAUSE_SCRIPT_URL), true);
  assert.equal(channel.isHiddenUrl('file:///repo/dist/replay-runtime.js'), true);
  assert.equal(channel.isHiddenUrl('file:///repo/src/shop.ts'), false);
  const [pattern, ...rest] = channel.blackboxPatterns();
  assert.deepEqual(rest, [], 'the pause script is not blackboxed: its debugger statement must fire');
  assert.match('file:///repo/dist/replay-runtime.js', new RegExp(pattern));
  assert.doesNotMatch(PAUSE_SCRIPT_URL, new RegExp(pattern));
});

test('the Workflow scope and revival notes come from the runtime, and nothing when it has not loaded', async () => {
  const cdp = fakeCdp();
  await installGate(cdp);
  await DbosChannel.installHook(cdp);
  const channel = new DbosChannel(plan());
  await channel.attach(cdp);
  assert.equal(await channel.workflowScopeObject(), undefined);
  assert.deepEqual(await channel.revivalNotes([0]), new Map());
  loadRuntime({ operations: [{ functionId: 0, name: 'reserve', output: '{}', error: null, value: { id: 'res-1' } }] });
  assert.equal(await channel.workflowScopeObject(), 'obj');
  assert.match((await channel.revivalNotes([0])).get(0) ?? '', /^revived: plain object/);
});
