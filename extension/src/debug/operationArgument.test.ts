// Unit tests of the argument of "Run to Recorded Operation". Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionIdFromArgument } from './operationArgument.js';

test('a step row or a function_id names the operation; anything else asks', () => {
  assert.equal(functionIdFromArgument({ kind: 'operation', workflowId: 'w', op: { function_id: 5 } }), 5);
  assert.equal(functionIdFromArgument({ op: { function_id: '3' } }), 3);
  assert.equal(functionIdFromArgument(0), 0);
  assert.equal(functionIdFromArgument(undefined), undefined);
  assert.equal(functionIdFromArgument({ kind: 'workflow' }), undefined);
  assert.equal(functionIdFromArgument(-1), undefined);
  assert.equal(functionIdFromArgument(1.5), undefined);
});
