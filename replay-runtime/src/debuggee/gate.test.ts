// Unit tests of the time travel gate and the pause hook: breakpoint passes, hit counting, the target, the trace,
// and the hook that asks the pause policy before it calls the adapter's pause function. Runs in the test process.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import {
  newDebuggeeShared,
  SHARED_GLOBAL,
  type DebuggeeShared,
  type GateData,
} from '../../../protocol/debuggeeProtocol.js';
import type { OperationEvent } from '../../../protocol/replayProtocol.js';
import { gateEvent, gateHit } from './gate.js';
import { pauseIfWanted } from './pauseHook.js';
import { debuggeeShared } from './sharedState.js';

type Global = typeof globalThis & { [SHARED_GLOBAL]?: DebuggeeShared };

function gate(fields: Partial<GateData> = {}): GateData {
  return { ...newDebuggeeShared().gate, ...fields };
}

function op(functionId: number, name: string, errorSummary: string | null = null): OperationEvent {
  return { type: 'operation', workflowId: 'wf', functionId, name, errorSummary, startedAt: null, completedAt: null };
}

afterEach(() => {
  delete (globalThis as Global)[SHARED_GLOBAL];
});

test('a pass stops when its breakpoint is active (every one while active is null), and is counted either way', () => {
  const g = gate();
  assert.equal(gateHit(g, 1, null), true);
  g.active = [2];
  assert.equal(gateHit(g, 1, null), false, 'a replaced breakpoint is bound, but does not stop');
  assert.equal(gateHit(g, 2, null), true);
  assert.deepEqual(g.counts, { 1: 2, 2: 1 });
  assert.equal(g.seq, 3);
  assert.equal(g.reached, false);
});

test('a false or throwing condition is no pass: not counted, no stop', () => {
  const g = gate();
  assert.equal(
    gateHit(g, 1, () => 0),
    false,
  );
  assert.equal(
    gateHit(g, 1, () => {
      throw new Error('x is not defined');
    }),
    false,
  );
  assert.deepEqual(g.counts, {});
  assert.equal(g.seq, 0);
  assert.equal(
    gateHit(g, 1, () => 'yes'),
    true,
  );
  assert.deepEqual(g.counts, { 1: 1 });
});

test('the target pass stops even when its breakpoint is not active, and is marked reached', () => {
  const g = gate({ active: [], target: { bp: 4, n: 2 } });
  assert.equal(gateHit(g, 4, null), false);
  assert.equal(g.reached, false);
  assert.equal(gateHit(g, 4, null), true);
  assert.equal(g.reached, true);
  assert.equal(gateHit(g, 4, null), false, 'only the n-th pass');
});

test('while tracing, passes and operations are recorded in clock order; other events only tick the clock', () => {
  const g = gate({ trace: [] });
  assert.equal(gateEvent(g, { type: 'start', workflowId: 'wf', name: 'w' }), 1);
  gateHit(g, 3, null);
  assert.equal(gateEvent(g, op(0, 'reserve')), 2);
  assert.equal(gateEvent(g, op(1, 'charge', '"declined"')), 3);
  gateHit(g, 3, null);
  assert.deepEqual(g.trace, [
    { kind: 'bp', seq: 2, id: 3, n: 1 },
    { kind: 'op', seq: 3, ops: 2, name: 'reserve', functionId: 0, error: false },
    { kind: 'op', seq: 4, ops: 3, name: 'charge', functionId: 1, error: true },
    { kind: 'bp', seq: 5, id: 3, n: 2 },
  ]);
  const quiet = gate();
  gateEvent(quiet, op(0, 'reserve'));
  assert.equal(quiet.trace, null, 'no trace unless started');
  assert.equal(quiet.seq, 1);
});

test('the shared state is created once, by whichever side comes first', () => {
  const adapters = newDebuggeeShared();
  (globalThis as Global)[SHARED_GLOBAL] = adapters;
  assert.equal(debuggeeShared(), adapters, 'the runtime keeps what the adapter created (and wrote into)');
  delete (globalThis as Global)[SHARED_GLOBAL];
  const created = debuggeeShared();
  assert.deepEqual(created, newDebuggeeShared());
  assert.equal(debuggeeShared(), created);
});

test('the hook pauses only where the policy says, with the subject, and marks the gate target reached', () => {
  const shared = debuggeeShared();
  const pauses: unknown[] = [];
  // Without the adapter's pause function: no pause, and the clock stands still.
  pauseIfWanted(op(0, 'reserve'));
  assert.equal(shared.gate.ops, 0);
  shared.pause = (event) => pauses.push({ event, subject: shared.subject });
  pauseIfWanted(op(0, 'reserve'));
  assert.deepEqual(pauses, [], 'no config yet');
  shared.config = {
    functionBreakpoints: [{ id: 100000, match: { kind: 'name', name: 'charge' } }],
    recordedStepError: false,
    divergence: true,
    recordingEnd: true,
    runTo: null,
    entry: true,
    sideEffect: false,
  };
  pauseIfWanted(op(1, 'reserve'));
  pauseIfWanted(op(2, 'charge'));
  const fn = () => undefined;
  pauseIfWanted({ type: 'start', workflowId: 'wf', name: 'w' }, fn);
  assert.deepEqual(pauses, [
    { event: op(2, 'charge'), subject: undefined },
    { event: { type: 'start', workflowId: 'wf', name: 'w' }, subject: fn },
  ]);
  assert.equal(shared.gate.reached, false);
  shared.gate.target = { op: 6 };
  pauseIfWanted(op(3, 'ship'));
  assert.equal(pauses.length, 2);
  pauseIfWanted({ type: 'end', workflowId: 'wf', verdict: 'match' });
  assert.equal(pauses.length, 3, 'the 6th event is the target');
  assert.equal(shared.gate.reached, true);
  assert.equal(shared.gate.ops, 6);
});
