// Unit tests of the DAP log lines: passwords never appear, failed launches are picked out.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDapMessage, launchFailure } from './dapRedaction.js';

test("the launch request's database password never reaches the log", () => {
  const line = describeDapMessage('→', {
    type: 'request',
    seq: 2,
    command: 'launch',
    arguments: {
      workflowId: 'checkout-ok',
      databaseUrl: 'postgresql://postgres:s3cret!@db.example:5432/shop_dbos_sys',
    },
  });
  assert.ok(!line.includes('s3cret'), line);
  assert.match(line, /^→ request launch #2 /);
  assert.match(line, /db\.example:5432\/shop_dbos_sys/);
  const output = describeDapMessage('←', {
    type: 'event',
    seq: 9,
    event: 'output',
    body: { output: 'connecting postgres://u:hunter2@h/db' },
  });
  assert.ok(!output.includes('hunter2'), output);
});

test("a failed launch response yields the adapter's message", () => {
  assert.equal(
    launchFailure({
      type: 'response',
      command: 'launch',
      success: false,
      message: 'x',
      body: {
        error: {
          format:
            'The program /ws/dist/main.js exited with code 1 before replay started. It wrote to stderr:\nError: boom',
        },
      },
    }),
    'The program /ws/dist/main.js exited with code 1 before replay started. It wrote to stderr:\nError: boom',
  );
  assert.equal(launchFailure({ type: 'response', command: 'launch', success: true }), undefined);
});
