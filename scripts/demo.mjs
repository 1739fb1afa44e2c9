// The README's main job: start Postgres (embedded unless DATABASE_URL is set), record the fixture apps with
// the real DBOS SDK, list the recorded workflows, show the checkout, then replay it against the app's code.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordFixtures } from './fixtures.mjs';
import { startPostgres } from './postgres.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');

function cliRun(args, env) {
  process.stdout.write(`\n$ dbos-replay ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = await startPostgres();
let code = 0;
try {
  const env = await recordFixtures(server.adminUrl);
  const sys = env.DBOS_REPLAY_FX_V5_SYS_URL;
  if (!sys) throw new Error('The SDK 5.3 fixture app (test-fixtures/app-v5) is missing: nothing to show.');
  const cliEnv = { DBOS_SYSTEM_DATABASE_URL: sys };
  code ||= cliRun(['list', '--limit', '20'], cliEnv);
  code ||= cliRun(['show', 'checkout-ok'], cliEnv);
  const program = path.join(root, 'test-fixtures', 'app-v5', 'dist', 'main.js');
  code ||= cliRun(['run', 'checkout-ok', '--program', path.relative(process.cwd(), program)], cliEnv);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  code = 1;
} finally {
  await server.stop();
}
process.exit(code);
