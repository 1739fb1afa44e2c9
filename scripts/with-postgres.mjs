// Runs a command with a Postgres server up and the fixtures recorded, then stops the server.
// Usage: node scripts/with-postgres.mjs [--no-fixtures] -- <command> [args...]
import { spawn } from 'node:child_process';
import { recordFixtures } from './fixtures.mjs';
import { startPostgres } from './postgres.mjs';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const flags = sep < 0 ? [] : argv.slice(0, sep);
const command = sep < 0 ? argv : argv.slice(sep + 1);
if (command.length === 0) {
  console.error('usage: node scripts/with-postgres.mjs [--no-fixtures] -- <command> [args...]');
  process.exit(2);
}

const server = await startPostgres();
let code = 1;
try {
  const fixtureEnv = flags.includes('--no-fixtures') ? {} : await recordFixtures(server.adminUrl);
  const env = { ...process.env, ...fixtureEnv, DBOS_REPLAY_TEST_ADMIN_URL: server.adminUrl };
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env, shell: false });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  code = await new Promise((resolve) => {
    child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0)));
    child.on('error', (e) => {
      console.error(`cannot start ${command[0]}: ${e.message}`);
      resolve(127);
    });
  });
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
} finally {
  await server.stop();
}
process.exit(code);
