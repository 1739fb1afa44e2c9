// Unit tests of launch argument validation: defaults, absolute paths, and errors that name the argument and the fix.
// Runs in the test process (node:test).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_SKIP_FILES, validateLaunchArguments } from './launchArguments';

const program = path.join(__dirname, '..', 'test', 'programs', 'sample.ts');

describe('validateLaunchArguments', () => {
  it('fills in defaults', () => {
    const v = validateLaunchArguments({ program });
    assert.equal(v.program, program);
    assert.equal(v.cwd, path.dirname(program));
    assert.equal(v.runtimeExecutable, 'node');
    assert.deepEqual(v.skipFiles, DEFAULT_SKIP_FILES);
    assert.deepEqual(v.outFiles, []);
    assert.equal(v.stopOnEntry, false);
  });

  it('keeps the DBOS arguments for the replay launch', () => {
    const v = validateLaunchArguments({
      program,
      workflowId: 'wf-1',
      traceFile: '/tmp/t.json',
      databaseUrl: 'postgres://x',
    });
    assert.equal(v.workflowId, 'wf-1');
    assert.equal(v.traceFile, '/tmp/t.json');
    assert.equal(v.databaseUrl, 'postgres://x');
  });

  it('rejects a missing program with the fix', () => {
    assert.throws(() => validateLaunchArguments({}), /Set "program"/);
    assert.throws(
      () => validateLaunchArguments({ program: '/no/such/file.ts' }),
      /"program" "\/no\/such\/file.ts" does not exist. Fix "program"/,
    );
  });

  it('names the argument of a wrong type', () => {
    assert.throws(
      () => validateLaunchArguments({ program, runtimeArgs: 'tsx' }),
      /"runtimeArgs" must be an array of strings/,
    );
    assert.throws(
      () => validateLaunchArguments({ program, stopOnEntry: 'yes' }),
      /"stopOnEntry" must be true or false/,
    );
    assert.throws(() => validateLaunchArguments({ program, cwd: 'relative' }), /"cwd" must be an absolute path/);
    assert.throws(
      () => validateLaunchArguments({ program, env: { A: 1 } }),
      /"env" must be an object of string values/,
    );
  });
});
