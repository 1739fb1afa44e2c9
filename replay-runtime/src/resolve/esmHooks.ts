// Module customization hooks (module.register) for ESM programs: resolve the SDK specifiers to
// `dbos-replay:<specifier>` and load them as a generated ESM module over the replay runtime's global.
// Runs on Node's module-loader thread; the generated source runs in the user's program.
import type { EsmHooksData } from './esmRedirect.js';

const PREFIX = 'dbos-replay:';
let names: Record<string, string[]> = {};

export function initialize(data: EsmHooksData): void {
  names = data?.modules ?? {};
}

type Next<C, R> = (specifier: string, context: C) => Promise<R>;

export async function resolve(specifier: string, context: unknown, next: Next<unknown, unknown>): Promise<unknown> {
  if (Object.prototype.hasOwnProperty.call(names, specifier))
    return { url: PREFIX + specifier, shortCircuit: true, format: 'module' };
  return next(specifier, context);
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

export async function load(url: string, context: unknown, next: Next<unknown, unknown>): Promise<unknown> {
  if (!url.startsWith(PREFIX)) return next(url, context);
  const specifier = url.slice(PREFIX.length);
  const exportsList = (names[specifier] ?? []).filter((n) => n !== 'default' && n !== '__esModule' && IDENT.test(n));
  const source = [
    `const m = globalThis[Symbol.for('dbos-replay.runtime')].modules[${JSON.stringify(specifier)}];`,
    'export default m;',
    ...exportsList.map((n) => `export const ${n} = m[${JSON.stringify(n)}];`),
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
