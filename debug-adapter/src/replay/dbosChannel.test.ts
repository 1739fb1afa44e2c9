// Unit tests of how recorded outputs read in the trail and step messages (Debug Console).
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summaryText } from './dbosChannel.js';

test('recorded superjson outputs read as their value, not as the stored envelope', () => {
  assert.equal(summaryText('{"json":{"paymentId":"pay_A-1001","state":"pending"},"__dbos_serializer":"superjson"}'),
    '{"paymentId":"pay_A-1001","state":"pending"}');
  assert.equal(summaryText('{"json":"2024-01-02T03:04:05.678Z","meta":{"values":["Date"]},"__dbos_serializer":"superjson"}'),
    '"2024-01-02T03:04:05.678Z"');
  assert.equal(summaryText('{"json":null,"meta":{"values":["undefined"]},"__dbos_serializer":"superjson"}'), 'undefined');
  // Transactions store superjson without the marker.
  assert.equal(summaryText('{"json":{"v":10}}'), '{"v":10}');
});

test('portable JSON, void markers and cut text stay as recorded', () => {
  assert.equal(summaryText('1795611602005'), '1795611602005');
  assert.equal(summaryText(null), 'null');
  assert.equal(summaryText('{"a":1,"json":2}'), '{"a":1,"json":2}');
  assert.equal(summaryText('{"json":{"long":"abc…'), '{"json":{"long":"abc…');
});
