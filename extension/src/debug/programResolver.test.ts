// Unit tests of where a replay's program comes from: launch.json, dbos-config.yaml, package.json, remembered.
// Runs in the test process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { programFromCommand, resolveProgram } from './programResolver.js';

const folder = '/ws/shop';

test('a dbos-replay launch configuration is the template, without its per-replay fields', () => {
  const choice = resolveProgram({
    folder,
    packageJson: '{"main":"x.js"}',
    launchConfigurations: [
      { type: 'node', request: 'launch', program: 'other.js' },
      {
        type: 'dbos-replay',
        request: 'launch',
        name: 'Replay',
        workflowId: 'w1',
        program: '${workspaceFolder}/src/main.ts',
        runtimeArgs: ['--import', 'tsx'],
        stopOnEntry: true,
      },
    ],
  });
  assert.deepEqual(choice, {
    source: 'launch.json',
    fields: { program: '${workspaceFolder}/src/main.ts', runtimeArgs: ['--import', 'tsx'], stopOnEntry: true },
  });
});

test('dbos-config.yaml runtimeConfig.start comes before package.json', () => {
  const choice = resolveProgram({
    folder,
    launchConfigurations: [],
    packageJson: '{"scripts":{"start":"node dist/other.js"}}',
    dbosConfigYaml: 'name: shop\nruntimeConfig:\n  start:\n    - "npx tsx src/main.ts"\n',
  });
  assert.deepEqual(choice, {
    source: 'dbos-config.yaml',
    fields: { program: '/ws/shop/src/main.ts', cwd: folder, runtimeArgs: ['--import', 'tsx'] },
  });
});

test("package.json: the start script's node entry, else main, else the remembered answer", () => {
  assert.deepEqual(
    resolveProgram({
      folder,
      launchConfigurations: [],
      packageJson: '{"scripts":{"start":"npm run build && node --enable-source-maps dist/main.js --port 3000"}}',
    }),
    {
      source: 'package.json start',
      fields: {
        program: '/ws/shop/dist/main.js',
        cwd: folder,
        runtimeArgs: ['--enable-source-maps'],
        args: ['--port', '3000'],
      },
    },
  );
  assert.deepEqual(
    resolveProgram({
      folder,
      launchConfigurations: [],
      packageJson: '{"scripts":{"start":"next start"},"main":"lib/index.js"}',
    }),
    { source: 'package.json main', fields: { program: '/ws/shop/lib/index.js', cwd: folder } },
  );
  assert.deepEqual(
    resolveProgram({ folder, launchConfigurations: [], packageJson: 'not json', remembered: '/ws/shop/app.js' }),
    { source: 'remembered', fields: { program: '/ws/shop/app.js', cwd: folder } },
  );
  assert.equal(resolveProgram({ folder, launchConfigurations: [] }), undefined);
});

test('start commands that are not a node entry are not guessed', () => {
  assert.equal(programFromCommand('node -e "require(1)"', folder), undefined);
  assert.equal(programFromCommand('dbos start', folder), undefined);
  assert.deepEqual(programFromCommand('NODE_ENV=production node -r dotenv/config dist/main.js', folder), {
    program: '/ws/shop/dist/main.js',
    cwd: folder,
    runtimeArgs: ['-r', 'dotenv/config'],
  });
});
