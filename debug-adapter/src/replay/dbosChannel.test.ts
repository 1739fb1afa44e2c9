// Unit tests of how recorded outcomes read in the Debug Console (trail, step messages) and in stop messages: the
// adapter shows the text the replay runtime rendered, and no text shows the stored envelope. Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { operationText } from '../../../replay-runtime/src/engine/values.js';
import { STORED_SAMPLES, assertNoEnvelope } from '../../../replay-runtime/src/values/testing/storedValues.js';
import { DbosChannel, type OperationEvent } from './dbosChannel.js';
import type { ReplayPlan } from './launchPlan.js';
import { durableCallMessage, trailLine } from './operationText.js';

/** The operation event the runtime emits for a consumed row (engine/workflowReplay.ts). */
function eventOf(row: (typeof STORED_SAMPLES)[number]['row']): OperationEvent {
  const text = operationText(row);
  return {
    type: 'operation',
    workflowId: 'wf',
    functionId: row.function_id,
    name: row.function_name,
    outputSummary: text.output,
    errorSummary: text.error,
    childWorkflowId: row.child_workflow_id,
    startedAt: 1,
    completedAt: 13,
  };
}

test('no trail line, step message or stop message shows the stored envelope, for values short, long (> 200, > 10 kB) and of every kind', async () => {
  const plan = { workflowId: 'wf', operations: [], runtimePath: '/nowhere/replay-runtime.js' } as unknown as ReplayPlan;
  const channel = new DbosChannel(plan);
  await channel.setFilters({ divergence: true, recordedStepError: true, sideEffect: false });
  for (const { label, row } of STORED_SAMPLES) {
    const ev = eventOf(row);
    assertNoEnvelope(JSON.stringify(ev), `${label}: the operation event`);
    for (const text of [
      trailLine(ev),
      durableCallMessage(ev, false, undefined),
      durableCallMessage(ev, true, 'a note'),
    ]) {
      assertNoEnvelope(text, label);
      assert.ok(text.length < 300, `${label}: a one-line summary, not the whole value (${text.length} characters)`);
    }
    const stop = await channel.stopFor(ev, async () => true);
    assert.equal(
      stop !== undefined,
      row.error !== null,
      `${label}: the recordedStepError filter stops at recorded errors only`,
    );
    if (stop)
      for (const text of [stop.description, stop.text ?? '']) assertNoEnvelope(text, `${label}: the stop message`);
  }
  channel.dispose();
});

test('the trail and step messages read the recorded value the runtime rendered', () => {
  const ev = (label: string) => eventOf(STORED_SAMPLES.find((s) => s.label === label)!.row);
  assert.equal(
    trailLine(ev('short superjson object')),
    '#0 step → {"paymentId":"pay_A-1001","state":"pending"} (12 ms recorded)',
  );
  assert.equal(trailLine(ev('a Date')), '#0 step → "2024-01-02T03:04:05.678Z" (12 ms recorded)');
  assert.equal(trailLine(ev('undefined')), '#0 step → undefined (12 ms recorded)');
  assert.equal(
    trailLine(ev("a transaction's marker-less superjson")),
    '#0 bookSale → {"entryId":1,"bookedAt":"1970-01-01T00:00:00.000Z"} (12 ms recorded)',
  );
  assert.equal(trailLine(ev('a portable number (a sleep deadline)')), '#0 DBOS.sleep → 1795611602005 (12 ms recorded)');
  assert.equal(trailLine(ev('an error with a cause')), '#0 step → threw Error: feed rejected (12 ms recorded)');
  assert.equal(
    durableCallMessage(ev('a portable error'), false, undefined),
    'Stepped over #0 step: it threw the recorded error MyError: portable failure.',
  );
  assert.match(
    trailLine(ev('superjson object > 10 kB')),
    /^#0 step → \{"items":\[\{"sku":"sku-0",.*… \(12 ms recorded\)$/,
  );
  // What records no value (a send, a child start) shows no arrow.
  const send = eventOf({
    function_id: 2,
    function_name: 'DBOS.send',
    output: null,
    error: null,
    serialization: 'portable_json',
    child_workflow_id: null,
  });
  assert.equal(trailLine(send), '#2 DBOS.send (12 ms recorded)');
  assert.equal(durableCallMessage(send, false, undefined), 'Stepped over #2 DBOS.send: it returned.');
  const start = eventOf({
    function_id: 3,
    function_name: 'child',
    output: null,
    error: null,
    serialization: null,
    child_workflow_id: 'wf-3',
  });
  assert.equal(trailLine(start), '#3 child [child wf-3] (12 ms recorded)');
});
