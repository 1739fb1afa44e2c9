// Builds the bundles (esbuild) and packs the extension into dist/dbos-replay.vsix with @vscode/vsce; prints its size.
// Runs in the build process. Usage: node scripts/package-vsix.mjs [--out <path>]
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = path.resolve(root, outArg >= 0 ? process.argv[outArg + 1] : 'dist/dbos-replay.vsix');

function run(label, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`package-vsix: ${label} failed (${r.error?.message ?? 'exit ' + r.status})`);
    process.exit(r.status || 1);
  }
}

run('bundle (esbuild)', process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
// Everything the extension needs is bundled into dist/, so no node_modules go into the package; nothing is signed.
run('vsce package', process.execPath, [
  path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--skip-license',
  '--out',
  out,
]);
const bytes = statSync(out).size;
console.log(`package-vsix: ${path.relative(root, out)} ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes)`);
