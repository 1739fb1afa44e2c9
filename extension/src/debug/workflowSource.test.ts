// Unit tests of the "is this workflow's function in the workspace" check.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mentionsWorkflow } from './workflowSource.js';

test('a workflow is found by its function name and class', () => {
  const src = 'export class Shop {\n  @DBOS.workflow()\n  static async checkout(order: Order) {}\n}';
  assert.ok(mentionsWorkflow(src, 'checkout', 'Shop'));
  assert.ok(!mentionsWorkflow(src, 'checkoutV2', 'Shop'));
  assert.ok(!mentionsWorkflow(src, 'checkout', 'Warehouse'));
  assert.ok(mentionsWorkflow("DBOS.registerWorkflow(fn, { name: 'publish$promo' })", 'publish$promo', null));
});
