// Unit tests of the management confirmations: each says it writes, where, and what happens.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canCancel, canResume, confirmation } from './workflowActions.js';

test('confirmations say what they write and where', () => {
  const c = confirmation(
    { kind: 'cancel', workflowId: 'w1', name: 'checkout', status: 'PENDING' },
    'db:5432/shop_dbos_sys',
  );
  assert.match(c.message, /Cancel workflow 'w1'/);
  assert.match(c.detail, /writes to the DBOS system database at db:5432\/shop_dbos_sys/);
  const f = confirmation(
    { kind: 'fork', workflowId: 'w1', name: 'checkout', startStep: 2, stepName: 'chargeCard' },
    't',
  );
  assert.match(f.message, /from step 2 \(chargeCard\)/);
  assert.match(f.detail, /new ID/);
  assert.equal(
    confirmation({ kind: 'resume', workflowId: 'w', name: 'n', status: 'CANCELLED' }, 't').button,
    'Resume Workflow',
  );
});

test('actions are offered only for statuses they work on', () => {
  assert.ok(canCancel('PENDING') && canCancel('ENQUEUED') && !canCancel('SUCCESS'));
  assert.ok(canResume('CANCELLED') && canResume('MAX_RECOVERY_ATTEMPTS_EXCEEDED') && !canResume('SUCCESS'));
});
