// Unit tests of the adapter's error catalogue: every factory gives a coded AdapterError whose message names its value.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdapterError, ErrorCode, errors, toAdapterError } from './errors';

test('every factory makes an AdapterError with a catalogued code that names its first value', () => {
  const codes = new Set(Object.values(ErrorCode).filter((v) => typeof v === 'number'));
  for (const [name, make] of Object.entries(errors)) {
    const listArg: Record<string, number> = { noSuchOperation: 2, exitedBeforeInspector: 2, workflowNotInTrace: 2 };
    const args = Array.from({ length: make.length }, (_, i) => (listArg[name] === i ? [] : `value${i}`));
    const e = (make as (...a: unknown[]) => AdapterError)(...args);
    assert.ok(e instanceof AdapterError, name);
    assert.ok(codes.has(e.code), `${name}: ${e.code}`);
    if (args.length > 0 && typeof args[0] === 'string' && !['notPaused', 'nothingBefore'].includes(name)) {
      assert.ok(e.message.includes('value0'), `${name} names its value: ${e.message}`);
    }
  }
});

test('user errors say the fix; CDP failures are internal; anything thrown becomes an AdapterError with its stack', () => {
  const e = errors.noSuchOperation('wf-1', 9, [
    { functionId: 0, name: 'charge' },
    { functionId: 1, name: 'ship' },
  ]);
  assert.match(e.message, /Workflow wf-1 recorded no operation #9; its operations are #0 charge, #1 ship\./);
  assert.equal(e.user, true);
  assert.equal(errors.cdpCallFailed('Debugger.resume', 'boom').user, false);
  const bug = new TypeError('x is undefined');
  const wrapped = toAdapterError(bug);
  assert.equal(wrapped.code, ErrorCode.Internal);
  assert.equal(wrapped.stack, bug.stack);
});
