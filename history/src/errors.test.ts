// Unit tests of the read side's error catalogue: every factory gives a numbered HistoryError whose message names the value.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, errorCodeName, errors, HistoryError, UsageError } from './errors.js';

test('every factory makes a HistoryError with a catalogued code and a message', () => {
  const codes = new Set<number>(Object.values(ErrorCode));
  for (const [name, make] of Object.entries(errors)) {
    const args = Array.from({ length: make.length }, (_, i) => `value${i}`);
    const e = (make as (...a: unknown[]) => HistoryError)(...args);
    assert.ok(e instanceof HistoryError, name);
    assert.ok(codes.has(e.code), `${name}: code ${e.code}`);
    if (args.length > 0) assert.ok(e.message.includes('value0'), `${name} names its first value: ${e.message}`);
  }
});

test('messages name the value and the fix; user errors are not internal', () => {
  const e = errors.workflowNotFound('wf-42', 'dbos', 'db.example:5432/app_sys');
  assert.equal(e.code, ErrorCode.WorkflowNotFound);
  assert.match(e.message, /'wf-42'.*dbos\.workflow_status at db\.example:5432\/app_sys.*dbos-replay list/);
  assert.equal(e.userError, true);
  assert.equal(errors.internal('bug').userError, false);
  assert.ok(errors.usage('bad flag') instanceof UsageError);
  assert.match(errors.badCursor('x'.repeat(200), 'not JSON').message, /x{80}…': not JSON/);
});

test('a code has a name for logs', () => {
  assert.equal(errorCodeName(ErrorCode.ListingTimeout), 'ListingTimeout');
});
