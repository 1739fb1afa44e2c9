// Unit tests of the stop-on-entry decision for replays whose configuration leaves "stopOnEntry" out.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stopOnEntryFor } from './stopOnEntry.js';

test('by default a replay runs to the breakpoints, and pauses on entry only when there are none', () => {
  assert.equal(stopOnEntryFor(undefined, 0), true);
  assert.equal(stopOnEntryFor(undefined, 1), false);
  assert.equal(stopOnEntryFor('whenNoBreakpoints', 2), false);
  assert.equal(stopOnEntryFor('nonsense', 0), true);
});

test('"always" and "never" ignore breakpoints; the old boolean values still mean always and never', () => {
  assert.equal(stopOnEntryFor('always', 3), true);
  assert.equal(stopOnEntryFor(true, 3), true);
  assert.equal(stopOnEntryFor('never', 0), false);
  assert.equal(stopOnEntryFor(false, 0), false);
});
