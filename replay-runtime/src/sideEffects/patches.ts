// Watches the I/O a workflow body can do outside steps: patches net/tls connects and listen, http(s) requests, fetch,
// child_process, fs writes (callback, sync and promise forms) and dns on the builtin module objects, then syncs the
// ESM facades so `import { get } from 'node:http'` sees the same functions. Runs in the user's program, at preload.
import childProcess from 'node:child_process';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import type { SideEffectKind } from '../../../protocol/replayProtocol.js';
import { watched } from './watch.js';

type Describe = (args: unknown[]) => string | null;

const MAX_DETAIL = 160;

function clip(s: string): string {
  return s.length > MAX_DETAIL ? `${s.slice(0, MAX_DETAIL - 1)}…` : s;
}

function patch(target: object, names: string[], kind: SideEffectKind, describe: Describe, promise = false): void {
  const t = target as Record<string, unknown>;
  for (const name of names) {
    const orig = t[name];
    if (typeof orig !== 'function') continue;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    t[name] = watched(orig as (...a: any[]) => any, kind, describe, promise);
  }
}

function pathText(p: unknown): string {
  if (typeof p === 'string') return p;
  if (p instanceof URL) return p.href;
  if (Buffer.isBuffer(p)) return p.toString();
  if (typeof p === 'number') return `fd ${p}`;
  return String(p);
}

/** `fs.writeFileSync /tmp/x`; `fs.rename /a → /b` for the two-path calls. */
function fsCall(prefix: string, name: string, twoPaths = false): Describe {
  return (args) =>
    clip(`${prefix}${name} ${pathText(args[0])}${twoPaths && args.length > 1 ? ` → ${pathText(args[1])}` : ''}`);
}

const WRITE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND;

/** An open for writing (w, a, r+, x, or such numeric flags); a read-only open is no side effect. */
function opensForWrite(flags: unknown): boolean {
  if (flags === undefined || flags === null) return false;
  if (typeof flags === 'number') return (flags & WRITE_FLAGS) !== 0;
  return /[wa+x]/.test(String(flags));
}

function fsOpen(prefix: string, name: string): Describe {
  const d = fsCall(prefix, name);
  return (args) => (opensForWrite(typeof args[1] === 'function' ? undefined : args[1]) ? d(args) : null);
}

const FS_ONE_PATH = [
  'writeFile',
  'appendFile',
  'mkdir',
  'mkdtemp',
  'rm',
  'rmdir',
  'unlink',
  'truncate',
  'chmod',
  'chown',
  'lchown',
  'utimes',
  'lutimes',
];
const FS_TWO_PATHS = ['rename', 'copyFile', 'cp', 'symlink', 'link'];

function patchFs(): void {
  for (const base of FS_ONE_PATH) for (const n of [base, `${base}Sync`]) patch(fs, [n], 'fs', fsCall('fs.', n));
  for (const base of FS_TWO_PATHS) for (const n of [base, `${base}Sync`]) patch(fs, [n], 'fs', fsCall('fs.', n, true));
  for (const n of ['open', 'openSync']) patch(fs, [n], 'fs', fsOpen('fs.', n));
  patch(fs, ['createWriteStream'], 'fs', fsCall('fs.', 'createWriteStream'));
  const p = fs.promises;
  for (const n of FS_ONE_PATH) patch(p, [n], 'fs', fsCall('fs.promises.', n), true);
  for (const n of FS_TWO_PATHS) patch(p, [n], 'fs', fsCall('fs.promises.', n, true), true);
  patch(p, ['open'], 'fs', fsOpen('fs.promises.', 'open'), true);
}

/** `host:port` or the socket path of a net/tls connect or listen's arguments. */
function endpoint(args: unknown[]): string {
  let a = args[0];
  if (Array.isArray(a)) a = a[0]; // Socket.prototype.connect called by net internals with normalized args
  if (typeof a === 'number' || (typeof a === 'string' && /^\d+$/.test(a)))
    return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${a}`;
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object') {
    const o = a as { host?: string; hostname?: string; port?: number | string; path?: string };
    if (o.path) return o.path;
    return `${o.host ?? o.hostname ?? 'localhost'}:${o.port ?? ''}`;
  }
  return '';
}

function requestTarget(scheme: string, args: unknown[]): string {
  const [a, b] = args;
  let url: string;
  let method = 'GET';
  const opts = (x: unknown) =>
    x && typeof x === 'object' && !(x instanceof URL) ? (x as http.RequestOptions) : undefined;
  if (typeof a === 'string' || a instanceof URL) {
    url = String(a);
    method = opts(b)?.method ?? method;
  } else {
    const o = opts(a) ?? {};
    method = o.method ?? method;
    const host = o.hostname ?? o.host ?? 'localhost';
    url = `${o.protocol ?? `${scheme}:`}//${host}${o.port ? `:${o.port}` : ''}${o.path ?? '/'}`;
  }
  return `${method.toUpperCase()} ${url}`;
}

function patchNet(): void {
  patch(net, ['connect', 'createConnection'], 'net', (args) => `net.connect ${endpoint(args)}`);
  patch(net.Socket.prototype, ['connect'], 'net', (args) => `net.Socket.connect ${endpoint(args)}`);
  patch(net.Server.prototype, ['listen'], 'net', (args) => `listen ${endpoint(args) || '(any port)'}`);
  patch(tls, ['connect'], 'net', (args) => `tls.connect ${endpoint(args)}`);
  for (const [mod, scheme] of [
    [http, 'http'],
    [https, 'https'],
  ] as const) {
    patch(mod, ['request', 'get'], 'http', (args) => clip(`${scheme}.request ${requestTarget(scheme, args)}`));
  }
}

function patchFetch(): void {
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!desc) return;
  // Node defines fetch lazily: reading it loads undici, so the original is only fetched at the first call.
  let orig: typeof fetch | undefined;
  const real = function (this: unknown, ...args: Parameters<typeof fetch>) {
    orig ??= (desc.get ? desc.get.call(globalThis) : desc.value) as typeof fetch;
    return orig.apply(this, args);
  };
  const describe: Describe = ([input, init]) => {
    const req = input as { url?: string; method?: string } | undefined;
    const url = typeof input === 'string' || input instanceof URL ? String(input) : (req?.url ?? String(input));
    const method = (init as RequestInit | undefined)?.method ?? req?.method ?? 'GET';
    return clip(`fetch ${method.toUpperCase()} ${url}`);
  };
  Object.defineProperty(globalThis, 'fetch', {
    configurable: true,
    enumerable: desc.enumerable,
    writable: true,
    value: watched(real, 'fetch', describe, true),
  });
}

function patchChildProcess(): void {
  const names = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];
  for (const name of names) {
    patch(childProcess, [name], 'child_process', ([file, args]) =>
      clip(`child_process.${name} ${[file, ...(Array.isArray(args) ? args : [])].map(String).join(' ')}`),
    );
  }
}

const DNS_CALLS = [
  'lookup',
  'lookupService',
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCaa',
  'resolveCname',
  'resolveMx',
  'resolveNaptr',
  'resolveNs',
  'resolvePtr',
  'resolveSoa',
  'resolveSrv',
  'resolveTxt',
  'reverse',
];

function patchDns(): void {
  for (const name of DNS_CALLS) {
    patch(dns, [name], 'dns', ([host]) => clip(`dns.${name} ${String(host)}`));
    patch(dns.promises, [name], 'dns', ([host]) => clip(`dns.promises.${name} ${String(host)}`), true);
  }
}

/** Patches every watched module once; ESM importers (named imports included) see the patched functions. */
export function installSideEffectPatches(): void {
  patchFs();
  patchNet();
  patchFetch();
  patchChildProcess();
  patchDns();
  syncBuiltinESMExports();
}
