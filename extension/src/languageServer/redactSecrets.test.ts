// Unit tests of the log redaction used for the language client's output and LSP trace.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSecrets } from './redactSecrets.js';

test('an initialize trace line keeps the target but not the password', () => {
  const line =
    'Params: {"initializationOptions":{"databaseUrl":"postgresql://postgres:s3cr%40t@db.example:5432/shop_dbos_sys","schema":null}}';
  const out = redactSecrets(line, ['s3cr@t']);
  assert.ok(!out.includes('s3cr'), out);
  assert.match(out, /postgresql:\/\/postgres:\*\*\*@db\.example:5432\/shop_dbos_sys/);
});

test('passwords in a query string, JSON-escaped text and bare known secrets are redacted', () => {
  assert.equal(
    redactSecrets('postgres://h/db?sslmode=require&password=hunter2'),
    'postgres://h/db?sslmode=require&password=***',
  );
  assert.equal(
    redactSecrets('"settings":{"dbosReplay":{"databaseUrl":"postgres://u:pw!x@h:5432/d"}}'),
    '"settings":{"dbosReplay":{"databaseUrl":"postgres://u:***@h:5432/d"}}',
  );
  assert.equal(redactSecrets('the password is topsecret.', ['topsecret']), 'the password is ***.');
  assert.equal(redactSecrets('no url here', [undefined, 'a']), 'no url here');
});
