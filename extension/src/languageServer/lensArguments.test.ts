// Unit tests of the lens arguments → Workflows view filter mapping.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkflowSummary } from '../history/workflowHistory.js';
import { filterForWorkflow, isWorkflowCommandArgs, splitViewFilter, workflowLabel } from './lensArguments.js';

const row = (className: string | null) => ({ workflowId: 'w', name: 'checkout', className }) as WorkflowSummary;

test('a class method filters by name and class; the reader gets both', () => {
  const f = filterForWorkflow({ name: 'checkout', className: 'Shop', uri: 'file:///ws/src/shop.ts' });
  assert.deepEqual(f, { name: 'checkout', className: 'Shop' });
  const { query, keep } = splitViewFilter(f);
  assert.deepEqual(query, { name: 'checkout', className: 'Shop' });
  assert.equal(keep(row('Shop')), true);
  assert.equal(workflowLabel({ name: 'checkout', className: 'Shop' }), 'Shop.checkout');
});

test("a free function (className '') keeps only rows recorded without a class", () => {
  const f = filterForWorkflow({ name: 'nightly', className: '', uri: 'file:///ws/src/jobs.ts' });
  const { query, keep } = splitViewFilter(f);
  assert.deepEqual(query, { name: 'nightly' });
  assert.equal(keep(row(null)), true);
  assert.equal(keep(row('Jobs')), false);
  assert.equal(workflowLabel({ name: 'nightly', className: '' }), 'nightly');
});

test('lens arguments are told apart from tree nodes', () => {
  assert.equal(isWorkflowCommandArgs({ name: 'checkout', className: 'Shop', uri: 'file:///x.ts' }), true);
  assert.equal(isWorkflowCommandArgs({ kind: 'workflow', summary: row('Shop'), path: '' }), false);
  assert.equal(isWorkflowCommandArgs(undefined), false);
});
