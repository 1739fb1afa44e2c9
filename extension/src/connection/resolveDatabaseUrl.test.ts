// Unit tests of where the system database URL comes from and how passwords are kept out of it.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeUrl,
  isPasswordError,
  resolveDatabaseUrl,
  secretKeyFor,
  splitPassword,
  systemUrlFromDbosConfig,
  withPassword,
} from './resolveDatabaseUrl.js';

test('the setting wins over the environment, which wins over dbos-config.yaml', () => {
  const yaml = 'name: shop\nsystem_database_url: postgresql://cfg@db:5432/shop_dbos_sys\n';
  const env = { DBOS_SYSTEM_DATABASE_URL: 'postgresql://env@db/env_sys' };
  assert.deepEqual(resolveDatabaseUrl({ setting: ' postgresql://s@h/x ', env, dbosConfigYaml: yaml }), {
    url: 'postgresql://s@h/x',
    source: 'setting',
  });
  assert.deepEqual(resolveDatabaseUrl({ setting: '', env, dbosConfigYaml: yaml }), {
    url: env.DBOS_SYSTEM_DATABASE_URL,
    source: 'environment',
  });
  assert.deepEqual(resolveDatabaseUrl({ env: {}, dbosConfigYaml: yaml }), {
    url: 'postgresql://cfg@db:5432/shop_dbos_sys',
    source: 'dbos-config.yaml',
  });
  assert.equal(resolveDatabaseUrl({ env: {} }), undefined);
});

test('dbos-config.yaml: ${VAR} substitution, and the SDK default <db>_dbos_sys from database_url', () => {
  assert.equal(
    systemUrlFromDbosConfig('system_database_url: ${SYS}\n', { SYS: 'postgresql://a@b/c' }),
    'postgresql://a@b/c',
  );
  assert.equal(
    systemUrlFromDbosConfig('database_url: postgresql://u@h:6543/shop\n', {}),
    'postgresql://u@h:6543/shop_dbos_sys',
  );
  assert.equal(systemUrlFromDbosConfig('name: x\n', {}), undefined);
  assert.equal(systemUrlFromDbosConfig(': : not yaml [', {}), undefined);
});

test('passwords are split off for secret storage and never shown', () => {
  const { url, password } = splitPassword('postgresql://alice:s%40cret@db.example:5433/app_sys');
  assert.equal(password, 's@cret');
  assert.equal(url, 'postgresql://alice@db.example:5433/app_sys');
  assert.equal(splitPassword(url).password, undefined);
  assert.equal(withPassword(url, 's@cret'), 'postgresql://alice:s%40cret@db.example:5433/app_sys');
  assert.equal(describeUrl('postgresql://alice:pw@db.example/app_sys'), 'db.example:5432/app_sys');
  assert.equal(secretKeyFor(url), 'dbosReplay.password:alice@db.example:5433/app_sys');
  assert.ok(isPasswordError({ code: '28P01', message: 'password authentication failed for user "alice"' }));
  assert.ok(isPasswordError(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string')));
  assert.ok(!isPasswordError(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
});
