// Unit tests of the Workflows view's row texts: the workflow ID in the description, durations, sizes.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkflowSummary } from '../history/workflowHistory.js';
import { formatDuration, formatSize, workflowContextValue, workflowDescription } from './rowText.js';

const summary = (over: Partial<WorkflowSummary> = {}): WorkflowSummary => ({
  workflowId: 'checkout-ok',
  name: 'checkout',
  className: 'Shop',
  configName: null,
  status: 'SUCCESS',
  createdAt: new Date(2026, 0, 2, 13, 47, 41).getTime(),
  updatedAt: 0,
  completedAt: new Date(2026, 0, 2, 13, 47, 41, 467).getTime(),
  queueName: null,
  parentWorkflowId: null,
  applicationVersion: null,
  forkedFrom: null,
  ...over,
});

test('a workflow row names its ID, class, time and duration, so same-named runs differ', () => {
  const now = new Date(2026, 0, 2, 18, 0, 0).getTime();
  assert.equal(workflowDescription(summary(), now), 'checkout-ok · Shop · 13:47:41 · 467 ms');
  assert.equal(
    workflowDescription(summary({ workflowId: 'checkout-declined', className: null, completedAt: null }), now),
    'checkout-declined · 13:47:41',
  );
});

test('context values carry the status for the menus', () => {
  assert.equal(workflowContextValue(summary({ status: 'PENDING' })), 'workflow;status=PENDING');
});

test('durations and sizes read naturally', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(3210), '3.2 s');
  assert.equal(formatDuration(245_000), '4 min 5 s');
  assert.equal(formatDuration(null), '');
  assert.equal(formatSize(12), '12 B');
  assert.equal(formatSize(3500), '3.4 KB');
  assert.equal(formatSize(2_200_000), '2.1 MB');
});
