// ESM side of the SDK redirect: registers the resolve/load hooks (dist/replay-runtime-hooks.mjs) that map
// `import … from '@dbos-inc/dbos-sdk'` to a generated module re-exporting the replay implementation.
// Runs in the user's program.
import Module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface EsmHooksData {
  /** Specifier → export names of the module object (read on the main thread from the global). */
  modules: Record<string, string[]>;
}

export function installEsmRedirect(modules: Record<string, Record<string, unknown>>, runtimeFile: string): void {
  const register = (Module as unknown as { register?: (url: string, opts: unknown) => void }).register;
  if (typeof register !== 'function') return; // Node < 20.6: CommonJS apps only.
  const data: EsmHooksData = { modules: {} };
  for (const [name, exports] of Object.entries(modules)) data.modules[name] = Object.keys(exports);
  const hooks = pathToFileURL(path.join(path.dirname(runtimeFile), 'replay-runtime-hooks.mjs')).href;
  register(hooks, { data });
}
