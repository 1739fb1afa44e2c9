// Unit tests of the extension's error catalogue: distinct codes, and messages that name the value and the fix.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExtensionError, ExtensionErrorCode, errors } from './errors.js';

test('codes are distinct and every factory uses one', () => {
  const codes = Object.values(ExtensionErrorCode);
  assert.equal(new Set(codes).size, codes.length);
  for (const [name, make] of Object.entries(errors)) {
    const e = (make as (...a: unknown[]) => ExtensionError)(...Array.from({ length: make.length }, (_, i) => `v${i}`));
    assert.ok(e instanceof ExtensionError, name);
    assert.ok(codes.includes(e.code), name);
  }
});

test('messages name the value and the fix', () => {
  assert.match(errors.cannotCancel('wf-1', 'SUCCESS').message, /'wf-1' is SUCCESS: only PENDING or ENQUEUED/);
  assert.match(errors.notALaunchRequest('attach').message, /got "attach"\. Fix it in launch\.json/);
});
