// The whole test suite: lint, format check, type check, bundle, then every *.test.ts under node's test runner with Postgres up.
// Usage: npm test [-- <file filter substring>...]
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const SKIP = new Set(['node_modules', 'dist', '.git', '.cache', 'test-fixtures', '.code-server', 'test-artifacts']);

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out;
}

function step(label, cmd, args) {
  process.stderr.write(`test: ${label}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`test: ${label} failed\n`);
    process.exit(r.status ?? 1);
  }
}

step('lint (eslint: style and the import boundaries)', 'npx', ['eslint', '.']);
step('format (prettier --check)', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']);
step('type check (tsc --noEmit)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('bundle (esbuild)', process.execPath, ['scripts/build.mjs']);
const files = findTests(root)
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  process.stderr.write('test: no test files matched\n');
  process.exit(1);
}
/** Every process of this run carries this marker in its environment (children inherit it), and only they do. */
const RUN_MARKER = `DBOS_REPLAY_TEST_RUN=${process.pid}-${Date.now()}`;

/** Processes of this test run, orphaned (PPID 1) or not: found by the marker in /proc/<pid>/environ. */
function checkoutProcesses() {
  if (process.platform !== 'linux') return [];
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return (ps.stdout ?? '')
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m) => m && Number(m[1]) !== process.pid && hasMarker(Number(m[1])))
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
}

function hasMarker(pid) {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(RUN_MARKER);
  } catch {
    return false; // gone, or not ours to read
  }
}

/** Fails the run if a process it started outlived it (a debuggee with an open inspector port, say). */
function checkNoSurvivors(before) {
  let left = [];
  // Killed processes take a moment to be reaped: look again for up to 3 s before calling them survivors.
  for (let i = 0; i < 30; i++) {
    left = checkoutProcesses().filter((p) => p.ppid === 1 && !before.has(p.pid));
    if (left.length === 0) return;
    spawnSync('sleep', ['0.1']);
  }
  process.stderr.write(
    `test: ${left.length} process(es) started by the tests are still running:\n` +
      left.map((p) => `  ${p.pid} ${p.args.slice(0, 200)}`).join('\n') +
      '\n',
  );
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(1);
}

const before = new Set(checkoutProcesses().map((p) => p.pid));
const r = spawnSync(
  process.execPath,
  [
    'scripts/with-postgres.mjs',
    '--',
    process.execPath,
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-timeout=300000',
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, [RUN_MARKER.split('=')[0]]: RUN_MARKER.split('=')[1] } },
);
checkNoSurvivors(before);
process.exit(r.status ?? 1);
