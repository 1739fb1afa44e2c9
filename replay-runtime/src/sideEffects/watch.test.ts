// Unit tests of the side-effect watch: only calls inside a replayed workflow's context count, once per call (not the
// I/O a watched call does itself), never the runtime's own; block throws or rejects. Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import type { SideEffect } from '../../../protocol/replayProtocol.js';
import { contextStorage } from '../engine/context.js';
import type { WorkflowReplay } from '../engine/workflowReplay.js';
import { ownIo, setSideEffectPolicy, sideEffectPolicy, watched } from './watch.js';

const wf = { workflowId: 'wf-1' } as WorkflowReplay;
/** Calls `f` from a frame of "the user's code" (frames in replay-runtime/src are the runtime's own). */
const USER_FILE = '/app/workflows.js';
const fromUser = vm.runInThisContext('(f) => f()', { filename: USER_FILE }) as <T>(f: () => T) => T;
const seen: SideEffect[] = [];
const inner = watched(
  () => 'inner',
  'fs',
  () => 'inner call',
);
const outer = watched(
  (x: number) => `${inner()}:${x}`,
  'http',
  (args) => `outer ${String(args[0])}`,
);
const later = watched(
  async () => 'done',
  'fetch',
  () => 'fetch GET http://x',
  true,
);

function watch(policy: 'warn' | 'block'): void {
  seen.length = 0;
  setSideEffectPolicy(policy, (w, e) => {
    if (w !== wf) return false;
    seen.push(e);
    return true;
  });
}

test('outside a workflow, inside a step, and the runtime own I/O: nothing is reported', () => {
  watch('warn');
  assert.equal(
    fromUser(() => outer(1)),
    'inner:1',
  );
  contextStorage.run({}, () => fromUser(() => outer(2)));
  contextStorage.run({ wf, inStep: true }, () => fromUser(() => outer(3)));
  contextStorage.run({ wf }, () => ownIo(() => fromUser(() => outer(4))));
  // No frame of the program on the stack: Node continuing a call already seen.
  contextStorage.run({ wf }, () => outer(5));
  assert.deepEqual(seen, []);
});

test('warn: one report per call, at the caller, and the call runs', () => {
  watch('warn');
  const r = contextStorage.run({ wf }, () => fromUser(() => outer(5)));
  assert.equal(r, 'inner:5');
  assert.deepEqual(
    seen.map((e) => [e.kind, e.detail, e.blocked]),
    [['http', 'outer 5', undefined]],
  );
  assert.equal(seen[0].location?.file, USER_FILE);
});

test('block: a sync call throws, a promise call rejects, before running', async () => {
  watch('block');
  let ran = false;
  const f = watched(
    () => (ran = true),
    'child_process',
    () => 'child_process.spawn node',
  );
  assert.throws(
    () => contextStorage.run({ wf }, () => fromUser(f)),
    (e: Error) =>
      e.name === 'DBOSReplaySideEffectError' && /child_process\.spawn node at .* in workflow wf-1/.test(e.message),
  );
  assert.equal(ran, false);
  await assert.rejects(
    contextStorage.run({ wf }, () => fromUser(later)),
    /fetch GET http:\/\/x/,
  );
  assert.deepEqual(
    seen.map((e) => e.blocked),
    [true, true],
  );
});

test('the policy from the environment: default warn, an unknown value falls back to it', () => {
  assert.equal(sideEffectPolicy({}), 'warn');
  assert.equal(sideEffectPolicy({ DBOS_REPLAY_SIDE_EFFECTS: 'block' }), 'block');
  const write = process.stderr.write;
  let said = '';
  process.stderr.write = ((s: string) => ((said += s), true)) as typeof process.stderr.write;
  try {
    assert.equal(sideEffectPolicy({ DBOS_REPLAY_SIDE_EFFECTS: 'nope' }), 'warn');
  } finally {
    process.stderr.write = write;
  }
  assert.match(said, /DBOS_REPLAY_SIDE_EFFECTS=nope is not a side-effect policy \(warn, block, allow\)/);
});
