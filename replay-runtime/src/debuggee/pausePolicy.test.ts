// Unit tests of the pause policy: which configured stops each kind of replay event matches, field by field.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PauseConfig } from '../../../protocol/debuggeeProtocol.js';
import type { OperationEvent, ReplayEvent, VerdictKind } from '../../../protocol/replayProtocol.js';
import { eventIsTarget, functionBreakpointIds, operationMatches, passIsTarget, pauseReasons } from './pausePolicy.js';

const none: PauseConfig = {
  functionBreakpoints: [],
  recordedStepError: false,
  divergence: false,
  recordingEnd: false,
  runTo: null,
  entry: false,
  sideEffect: false,
};

function op(functionId: number, name: string, errorSummary: string | null = null): OperationEvent {
  return {
    type: 'operation',
    workflowId: 'wf',
    functionId,
    name,
    outputSummary: null,
    errorSummary,
    startedAt: null,
    completedAt: null,
  };
}

const divergence: ReplayEvent = {
  type: 'divergence',
  workflowId: 'wf',
  functionId: 2,
  kind: 'renamed',
  recorded: 'a',
  called: 'b',
  location: null,
  message: 'm',
};
const start: ReplayEvent = { type: 'start', workflowId: 'wf', name: 'checkout' };
const end = (verdict: VerdictKind): ReplayEvent => ({ type: 'end', workflowId: 'wf', verdict });

test('nothing stops without a config, or with one that asks for nothing', () => {
  for (const e of [op(0, 'a', 'boom'), divergence, start, end('incomplete')]) {
    assert.deepEqual(pauseReasons(null, e), []);
    assert.deepEqual(pauseReasons(none, e), []);
  }
});

test('function breakpoints match by step name, by #function_id and on any recorded error, in config order', () => {
  const config: PauseConfig = {
    ...none,
    functionBreakpoints: [
      { id: 7, match: { kind: 'error' } },
      { id: 5, match: { kind: 'name', name: 'charge' } },
      { id: 6, match: { kind: 'id', functionId: 3 } },
    ],
  };
  assert.deepEqual(pauseReasons(config, op(1, 'charge')), [{ kind: 'functionBreakpoint', id: 5 }]);
  assert.deepEqual(pauseReasons(config, op(3, 'ship')), [{ kind: 'functionBreakpoint', id: 6 }]);
  assert.deepEqual(functionBreakpointIds(pauseReasons(config, op(3, 'charge', '"boom"'))), [7, 5, 6]);
  assert.deepEqual(pauseReasons(config, op(4, 'reserve')), []);
  // Only operations: a breakpoint named like the workflow does not stop at its start.
  assert.deepEqual(
    pauseReasons({ ...config, functionBreakpoints: [{ id: 1, match: { kind: 'name', name: 'checkout' } }] }, start),
    [],
  );
});

test('an error is a recorded errorSummary that is neither null nor missing', () => {
  assert.equal(operationMatches({ kind: 'error' }, op(0, 'a', '"x"')), true);
  assert.equal(operationMatches({ kind: 'error' }, op(0, 'a', null)), false);
  assert.equal(operationMatches({ kind: 'error' }, { name: 'a', functionId: 0 }), false);
});

test('the recordedStepError filter stops at operations that recorded an error', () => {
  const config = { ...none, recordedStepError: true };
  assert.deepEqual(pauseReasons(config, op(2, 'charge', '"declined"')), [{ kind: 'recordedStepError' }]);
  assert.deepEqual(pauseReasons(config, op(2, 'charge')), []);
  assert.deepEqual(pauseReasons(config, divergence), []);
});

test('runTo stops at that function_id only', () => {
  const config = { ...none, runTo: 3 };
  assert.deepEqual(pauseReasons(config, op(3, 'ship')), [{ kind: 'runTo' }]);
  assert.deepEqual(pauseReasons(config, op(2, 'ship')), []);
  assert.deepEqual(
    pauseReasons({ ...none, runTo: 0 }, op(0, 'reserve')),
    [{ kind: 'runTo' }],
    'function_id 0 is a target too',
  );
});

test('an operation matching several stops lists them all: breakpoints, then runTo, then the error filter', () => {
  const config: PauseConfig = {
    ...none,
    functionBreakpoints: [{ id: 9, match: { kind: 'name', name: 'charge' } }],
    runTo: 1,
    recordedStepError: true,
  };
  assert.deepEqual(pauseReasons(config, op(1, 'charge', '"e"')), [
    { kind: 'functionBreakpoint', id: 9 },
    { kind: 'runTo' },
    { kind: 'recordedStepError' },
  ]);
});

test('divergence, recording end (incomplete recordings only), entry and side effects each have their switch', () => {
  assert.deepEqual(pauseReasons({ ...none, divergence: true }, divergence), [{ kind: 'divergence' }]);
  assert.deepEqual(pauseReasons({ ...none, divergence: true }, op(2, 'x')), []);
  assert.deepEqual(pauseReasons({ ...none, recordingEnd: true }, end('incomplete')), [{ kind: 'recordingEnd' }]);
  assert.deepEqual(pauseReasons({ ...none, recordingEnd: true }, end('match')), []);
  assert.deepEqual(pauseReasons({ ...none, recordingEnd: true }, end('diverged')), []);
  assert.deepEqual(pauseReasons({ ...none, entry: true }, start), [{ kind: 'entry' }]);
  assert.deepEqual(pauseReasons({ ...none, entry: true }, op(0, 'a')), []);
  const effect: ReplayEvent = {
    type: 'sideEffect',
    workflowId: 'wf',
    kind: 'fs',
    detail: 'fs.writeFileSync /tmp/x',
    location: null,
  };
  assert.deepEqual(pauseReasons({ ...none, sideEffect: true }, effect), [{ kind: 'sideEffect' }]);
  assert.deepEqual(pauseReasons(none, effect), []);
  assert.deepEqual(pauseReasons({ ...none, sideEffect: true }, op(0, 'a')), []);
});

test('the gate target: the n-th event, or the operation it names, stops even with no config', () => {
  assert.deepEqual(pauseReasons(null, end('match'), { target: { op: 4 }, ops: 4 }), [{ kind: 'gateTarget' }]);
  assert.deepEqual(pauseReasons(null, end('match'), { target: { op: 4 }, ops: 3 }), []);
  assert.deepEqual(pauseReasons(none, op(2, 'charge'), { target: { functionId: 2 }, ops: 9 }), [
    { kind: 'gateTarget' },
  ]);
  assert.deepEqual(pauseReasons({ ...none, runTo: 2 }, op(2, 'charge'), { target: { functionId: 2 }, ops: 9 }), [
    { kind: 'gateTarget' },
    { kind: 'runTo' },
  ]);
  assert.equal(eventIsTarget({ functionId: 2 }, 1, divergence), false, 'a functionId target is an operation');
  assert.equal(eventIsTarget({ bp: 1, n: 1 }, 1, op(1, 'a')), false, 'a breakpoint pass is no event');
  assert.equal(eventIsTarget(null, 1, op(1, 'a')), false);
  assert.equal(passIsTarget({ bp: 3, n: 2 }, 3, 2), true);
  assert.equal(passIsTarget({ bp: 3, n: 2 }, 3, 1), false);
  assert.equal(passIsTarget({ op: 3 }, 3, 3), false);
  assert.equal(passIsTarget(null, 3, 3), false);
});
