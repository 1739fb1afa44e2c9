// Proves the linter's import boundaries fire: code that crosses one is an error naming the boundary, code that keeps
// to it is clean (a rule that never fires proves nothing). Runs in the test process, with the repository's ESLint config.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..');
const eslint = new ESLint({ cwd: ROOT });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

const crossings: Array<[file: string, specifier: string, says: RegExp]> = [
  ['replay-runtime/src/engine/probe.ts', '../../../history/src/errors.js', /imports only protocol/],
  ['replay-runtime/src/sdk/probe.ts', '../../../debug-adapter/src/errors.js', /imports only protocol/],
  ['history/src/reader/probe.ts', '../../../replay-runtime/src/values/valueText.js', /shared read side/],
  ['history/src/probe.ts', '../../cli/src/main.js', /shared read side/],
  ['debug-adapter/src/replay/probe.ts', '../../../extension/src/errors.js', /never imports the extension/],
  [
    'language-server/src/probe.ts',
    '../../debug-adapter/src/errors.js',
    /never imports the extension, the CLI or the adapter/,
  ],
  ['protocol/probe.ts', '../history/src/errors.js', /imports nothing but itself/],
  ['launcher/src/probe.ts', '../../replay-runtime/src/index.js', /history\/ and protocol\/ only/],
  ['debug-adapter/src/probe.ts', 'vscode', /Only extension\/ imports vscode/],
];

for (const [file, specifier, says] of crossings) {
  test(`lint refuses ${file} importing '${specifier}'`, async () => {
    const errors = await boundaryErrors(file, `import * as m from '${specifier}';\nexport const x = m;\n`);
    assert.equal(errors.length, 1, `expected one boundary error, got ${JSON.stringify(errors)}`);
    assert.match(errors[0], says);
  });
}

test('imports that keep to the boundaries lint clean', async () => {
  const allowed: Array<[string, string]> = [
    ['replay-runtime/src/engine/probe.ts', '../../../protocol/replayProtocol.js'],
    ['extension/src/probe.ts', 'vscode'],
    ['debug-adapter/src/replay/probe.ts', '../../../history/src/errors.js'],
    ['cli/src/probe.ts', '../../launcher/src/runReplay.js'],
  ];
  for (const [file, specifier] of allowed) {
    assert.deepEqual(
      await boundaryErrors(file, `import * as m from '${specifier}';\nexport const x = m;\n`),
      [],
      `${file} -> ${specifier}`,
    );
  }
  // A type-only import of vscode names no runtime dependency.
  assert.deepEqual(
    await boundaryErrors(
      'debug-adapter/src/probe.ts',
      "import type * as vscode from 'vscode';\nexport type X = vscode.Uri;\n",
    ),
    [],
  );
});
