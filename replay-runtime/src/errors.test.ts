// Unit tests of the replay runtime's error catalogue: distinct codes, and each factory's error carries its code, its
// class and names its first value. Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DBOSUnexpectedStepError } from '@dbos-inc/dbos-sdk/internal/error';
import {
  DBOSReplayDivergenceError,
  DBOSReplayIncompleteError,
  DBOSReplaySideEffectError,
  DBOSReplayUnsupportedError,
  RecordedValueError,
  ReplayEndedError,
  ReplayError,
  ReplayErrorCode as C,
  errors,
  isUserError,
  replayErrorCode,
  type ReplayErrorCodeValue,
} from './errors.js';

type Factory = keyof typeof errors;
type ErrorClass = abstract new (...args: never[]) => Error;

const location = { file: '/app/shop.ts', line1: 12, column1: 5, text: '/app/shop.ts:12:5' };

/** Every factory: sample arguments (the first one a value the message must name), its code and its class. */
const cases: Record<Factory, [args: unknown[], code: ReplayErrorCodeValue, cls: ErrorClass]> = {
  runtimeNotLoaded: [[], C.RuntimeNotLoaded, ReplayError],
  traceFileNotSet: [[], C.TraceFileNotSet, ReplayError],
  traceUnreadable: [['/tmp/t.json', 'ENOENT'], C.TraceFileUnreadable, ReplayError],
  notATrace: [['/tmp/t.json', 'other'], C.NotATrace, ReplayError],
  unsupportedTraceVersion: [['/tmp/t.json', 99, [1]], C.UnsupportedTraceVersion, ReplayError],
  workflowNotInTrace: [['wf-9', '/tmp/t.json', ['wf-1']], C.WorkflowNotInTrace, ReplayError],
  batchLineUnreadable: [['/tmp/batch.ndjson', 3, 'Unexpected token'], C.BatchLineUnreadable, ReplayError],
  notRegistered: [['Shop.checkout', 'wf-1', []], C.WorkflowNotRegistered, ReplayError],
  instanceNotCreated: [['Shop', 'eu', 'wf-1', ['Shop/us']], C.InstanceNotCreated, ReplayError],
  recordedValueUnreadable: [
    ['the recorded output of step 1', new Error('bad')],
    C.RecordedValueUnreadable,
    RecordedValueError,
  ],
  callNotRecorded: [['wf-1', 3, 'stepX', false, location], C.CallNotRecorded, DBOSReplayDivergenceError],
  callRenamed: [['wf-1', 1, 'stepB', 'stepX', location], C.CallRenamed, DBOSReplayDivergenceError],
  callMissing: [['wf-1', 2, 'stepC', true, 1], C.CallMissing, DBOSReplayDivergenceError],
  resultDiffers: [['wf-1', 'the replayed result 2 differs'], C.ResultDiffers, DBOSReplayDivergenceError],
  recordingEnds: [[2, 'handOffToCourier'], C.RecordingEnds, ReplayEndedError],
  replayEnded: [['wf-1', 'stepB'], C.ReplayEnded, ReplayEndedError],
  outsideWorkflow: [['DBOS.send'], C.OutsideWorkflow, DBOSReplayUnsupportedError],
  insideStep: [['DBOS.recv'], C.InsideStep, DBOSReplayUnsupportedError],
  dbosClient: [[], C.NoDatabase, DBOSReplayUnsupportedError],
  debouncerClient: [[], C.NoDatabase, DBOSReplayUnsupportedError],
  dataSourceClient: [['KnexDataSource'], C.NoDatabase, DBOSReplayUnsupportedError],
  replayRecordedStep: [[], C.NoDatabase, DBOSReplayUnsupportedError],
  workflowInputs: [[], C.NotRecorded, DBOSReplayUnsupportedError],
  threwBeforeLaunch: [['Error: config file missing'], C.ThrewBeforeLaunch, ReplayError],
  exitedWithoutLaunch: [[7], C.ExitedWithoutLaunch, ReplayError],
  exitedBeforeEnd: [[7, null], C.ExitedBeforeEnd, ReplayError],
  exitCalledInWorkflow: [[7, '/app/shop.ts:12:5'], C.ExitCalledInWorkflow, ReplayError],
  timedOut: [['wf-1', 2, { functionId: 0, name: 'fetchTopic' }], C.TimedOut, ReplayError],
  noExperimentalDecorators: [
    ['DBOS.workflow()', 'Shop.checkout', '/app/tsconfig.json'],
    C.NoExperimentalDecorators,
    ReplayError,
  ],
  sideEffectBlocked: [
    ['wf-1', 'fs.writeFileSync /tmp/x', '/app/shop.ts:12:5'],
    C.SideEffectBlocked,
    DBOSReplaySideEffectError,
  ],
  internal: [['no trace'], C.Internal, ReplayError],
};

test('the codes are distinct, numbered by area', () => {
  const codes = Object.values(C);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) assert.ok([1, 2, 3, 4, 5, 6, 7, 9].includes(Math.floor(code / 100)), `code ${code}`);
});

test('each factory makes its class with its code, and the message names its first value', () => {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(errors).sort(), 'a factory without a case');
  for (const [name, [args, code, cls]] of Object.entries(cases)) {
    const err = (errors[name as Factory] as (...a: unknown[]) => Error)(...args);
    assert.ok(err instanceof cls, `${name}: a ${err.constructor.name}`);
    assert.equal(replayErrorCode(err), code, name);
    assert.equal((err as Error & { code: unknown }).code, code, name);
    assert.equal(isUserError(err), code !== C.Internal, name);
    if (args.length > 0) assert.ok(err.message.includes(String(args[0])), `${name}: ${err.message}`);
  }
});

test('the classes keep their names; a divergence is still the SDK determinism error', () => {
  const names = [
    errors.notRegistered('W', 'wf-1', []),
    errors.recordedValueUnreadable('x', 'y'),
    errors.callRenamed('wf-1', 1, 'stepB', 'stepX', null),
    errors.recordingEnds(2, 's'),
    errors.outsideWorkflow('DBOS.send'),
    new DBOSReplayIncompleteError('wf-1', 2, 's'),
  ].map((e) => e.name);
  assert.deepEqual(names, [
    'DBOSReplayError',
    'RecordedValueError',
    'DBOSReplayDivergenceError',
    'DBOSReplayEndedError',
    'DBOSReplayUnsupportedError',
    'DBOSReplayIncompleteError',
  ]);
  const d = errors.callRenamed('wf-1', 1, 'stepB', 'stepX', null);
  assert.ok(d instanceof DBOSUnexpectedStepError);
  assert.match(
    d.message,
    /During execution of workflow wf-1 step 1, function stepB was recorded when stepX was expected/,
  );
  assert.equal(new DBOSReplayIncompleteError('wf-1', 2, 's').code, C.RecordingEnds);
});

test('the code is not enumerable: the verdict summary and serialization of an error stay as they were', () => {
  const d = errors.callMissing('wf-1', 2, 'stepC', true, 1);
  assert.equal(Object.keys(d).includes('code'), false);
  assert.deepEqual(JSON.parse(JSON.stringify(errors.outsideWorkflow('DBOS.send'))), {
    name: 'DBOSReplayUnsupportedError',
  });
  assert.equal(replayErrorCode(new Error('plain')), undefined);
  assert.equal(isUserError(new Error('plain')), false);
});
