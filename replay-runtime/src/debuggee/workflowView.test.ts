// Unit tests of the Workflow scope's object and the revival notes the runtime builds for the debug adapter.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DivergenceEvent } from '../../../protocol/replayProtocol.js';
import type { ConsumedOperation, ReplayStateView } from '../engine/events.js';
import { revivalNote, revivalNotes, workflowView } from './workflowView.js';

function state(operations: ConsumedOperation[], divergence: DivergenceEvent | null = null): ReplayStateView {
  return {
    workflowId: 'checkout-ok',
    workflowName: 'checkout',
    status: 'SUCCESS',
    inputs: ['A-1001'],
    operations,
    divergence,
    nextRecorded: { functionId: 3, name: 'ship' },
  };
}

const args = [{ sku: 'X' }];
const reserve: ConsumedOperation = {
  functionId: 0,
  name: 'reserve',
  args,
  output: '"res-1"',
  error: null,
  value: 'res-1',
};
const declined = Object.assign(new Error('card declined'), { name: 'CardDeclined' });
const charge: ConsumedOperation = {
  functionId: 1,
  name: 'charge',
  output: null,
  error: '{"name":"CardDeclined"}',
  thrown: declined,
};
const notYetAnswered: ConsumedOperation = {
  functionId: 2,
  name: 'audit',
  output: '{"ok":true}',
  error: null,
  childWorkflowId: 'child-1',
};
const failedNotAnswered: ConsumedOperation = { functionId: 4, name: 'notify', output: null, error: 'boom' };

test('revival notes: a plain Error standing for a subclass, and a plain object standing for a class instance', () => {
  assert.equal(revivalNote(declined), 'revived: plain Error, instanceof CardDeclined is false in replay');
  assert.equal(revivalNote(new Error('x')), undefined, 'a plain Error is what it was');
  assert.match(revivalNote({ a: 1 }) ?? '', /^revived: plain object \(a class instance/);
  assert.equal(revivalNote([1]), undefined);
  assert.equal(revivalNote(Object.create(null)), undefined);
  for (const v of [null, undefined, 1, 'text', true]) assert.equal(revivalNote(v), undefined);
});

test('the view: the workflow, its inputs, each consumed operation as the code received it, and what comes next', () => {
  const view = workflowView(state([reserve, charge, notYetAnswered, failedNotAnswered]));
  assert.ok(view);
  assert.deepEqual(
    Object.keys(view),
    ['workflowId', 'name', 'status', 'inputs', 'operations', 'lastOperation', 'nextRecorded'],
    'the order the variables view shows',
  );
  assert.equal(view.workflowId, 'checkout-ok');
  assert.equal(view.name, 'checkout');
  assert.equal(view.status, 'SUCCESS');
  assert.deepEqual(view.inputs, ['A-1001']);
  assert.deepEqual(Object.keys(view.operations), ['#0 reserve', '#1 charge', '#2 audit', '#4 notify']);
  const r = view.operations['#0 reserve'];
  assert.equal(r.calledWith, args, 'the live arguments');
  assert.equal(r.recordedOutput, 'res-1', 'the revived value, not the stored text');
  assert.ok(!('recordedError' in r) && !('note' in r) && !('childWorkflowId' in r));
  const c = view.operations['#1 charge'];
  assert.equal(c.recordedError, declined);
  assert.equal(c.note, 'revived: plain Error, instanceof CardDeclined is false in replay');
  assert.ok(!('calledWith' in c) && !('recordedOutput' in c));
  assert.deepEqual(
    view.operations['#2 audit'],
    { functionId: 2, name: 'audit', recordedOutput: '{"ok":true}', childWorkflowId: 'child-1' },
    'not answered yet: the recorded text',
  );
  assert.deepEqual(view.operations['#4 notify'], { functionId: 4, name: 'notify', recordedError: 'boom' });
  assert.deepEqual(view.lastOperation, view.operations['#4 notify']);
  assert.deepEqual(view.nextRecorded, { functionId: 3, name: 'ship' });
});

test('an undefined revived value is still the answer the code got', () => {
  const view = workflowView(state([{ functionId: 0, name: 'noop', output: 'null', error: null, value: undefined }]));
  const e = view!.operations['#0 noop'];
  assert.ok('recordedOutput' in e);
  assert.equal(e.recordedOutput, undefined);
});

test('before any operation: no last operation; a divergence shows once there is one; no state, no view', () => {
  const empty = workflowView(state([]));
  assert.equal(empty?.lastOperation, null);
  assert.deepEqual(empty?.operations, {});
  assert.ok(!('divergence' in empty!));
  const d: DivergenceEvent = {
    type: 'divergence',
    workflowId: 'checkout-ok',
    functionId: 1,
    kind: 'renamed',
    recorded: 'charge',
    called: 'bill',
    location: null,
    message: 'renamed',
  };
  assert.equal(workflowView(state([reserve], d))?.divergence, d);
  assert.equal(workflowView(undefined), undefined);
});

test('revival notes by function_id: null for no note and for an operation not consumed', () => {
  assert.deepEqual(revivalNotes(state([reserve, charge, { ...notYetAnswered, value: { ok: true } }]), [1, 0, 2, 9]), [
    [1, 'revived: plain Error, instanceof CardDeclined is false in replay'],
    [0, null],
    [
      2,
      'revived: plain object (a class instance of the original run comes back without its class: instanceof and methods are lost in replay)',
    ],
    [9, null],
  ]);
  assert.deepEqual(revivalNotes(undefined, [1]), []);
});
