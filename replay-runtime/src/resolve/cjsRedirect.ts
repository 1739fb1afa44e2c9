// CommonJS side of the SDK redirect: `require('@dbos-inc/dbos-sdk')` (and the datasource subpath) resolves to
// a virtual module already in the require cache, holding the replay implementation. Runs in the user's program.
import Module from 'node:module';

type ModuleInternals = typeof Module & {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _cache: Record<string, Module>;
};

export const VIRTUAL_PREFIX = 'dbos-replay:';

export function installCjsRedirect(modules: Record<string, Record<string, unknown>>): void {
  const M = Module as ModuleInternals;
  for (const [name, exports] of Object.entries(modules)) {
    const id = VIRTUAL_PREFIX + name;
    const m = new Module(id);
    m.filename = id;
    m.exports = exports;
    m.loaded = true;
    M._cache[id] = m;
  }
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, parent: unknown, isMain: boolean, options?: unknown): string {
    if (Object.prototype.hasOwnProperty.call(modules, request)) return VIRTUAL_PREFIX + request;
    return original.call(this, request, parent, isMain, options);
  };
}
