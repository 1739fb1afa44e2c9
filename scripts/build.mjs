// Bundles the product's entry points with esbuild into dist/ (type checking is `npm run typecheck`).
// Runs in the build process. An entry whose source does not exist yet is skipped.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

/** One bundle per process the product runs in. Only the extension may import 'vscode'. */
const entries = [
  { in: 'cli/src/main.ts', out: 'cli', external: [] },
  { in: 'replay-runtime/src/index.ts', out: 'replay-runtime', external: [] },
  // ESM resolve/load hooks the runtime registers with module.register(); must be an ES module.
  { in: 'replay-runtime/src/resolve/esmHooks.ts', out: 'replay-runtime-hooks', external: [], format: 'esm' },
  // The per-workflow time limit's worker thread (engine/watchdog.ts starts it next to the runtime).
  { in: 'replay-runtime/src/engine/watchdogWorker.ts', out: 'replay-runtime-watchdog', external: [] },
  { in: 'debug-adapter/src/main.ts', out: 'debug-adapter', external: [] },
  // The SDK's DBOSClient (cancel/resume/fork) requires OpenTelemetry and winston only when OTLP is enabled: never here.
  {
    in: 'extension/src/extension.ts',
    out: 'extension',
    external: ['vscode', '@opentelemetry/*', 'winston', 'winston-transport'],
  },
  // TypeScript (the pinned 5.9 compiler API) is bundled into the server.
  { in: 'language-server/src/server.ts', out: 'language-server', external: [] },
].filter((e) => existsSync(path.join(root, e.in)));

const contexts = await Promise.all(
  entries.map((e) =>
    esbuild.context({
      absWorkingDir: root,
      entryPoints: { [e.out]: e.in },
      outdir: 'dist',
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: e.format ?? 'cjs',
      outExtension: e.format === 'esm' ? { '.js': '.mjs' } : undefined,
      sourcemap: true,
      // pg tries to load the optional native binding; it is never installed.
      external: ['pg-native', ...e.external],
      logLevel: 'warning',
    }),
  ),
);
// source-map 0.7 reads mappings.wasm next to the code that loads it: ship it beside the adapter bundle.
if (entries.some((e) => e.out === 'debug-adapter')) {
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  copyFileSync(path.join(root, 'node_modules/source-map/lib/mappings.wasm'), path.join(root, 'dist/mappings.wasm'));
}
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
