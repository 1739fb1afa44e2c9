// Installs the fixture apps and records their executions with the real DBOS SDK into the test Postgres.
// Runs in the harness process; each fixture app records itself through its own `npm run record`.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseComment, recreateDatabase, setDatabaseComment, withDatabase } from './postgres.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Fixture apps, by key; each is a folder with its own package.json and an `npm run record` script. */
export const FIXTURE_APPS = [
  { key: 'v5', dir: path.join(root, 'test-fixtures', 'app-v5') },
  { key: 'v4', dir: path.join(root, 'test-fixtures', 'app-v4') },
  { key: 'esm', dir: path.join(root, 'test-fixtures', 'app-esm') },
]
  .filter((app) => existsSync(path.join(app.dir, 'package.json')))
  // DBOS_REPLAY_FIXTURES=v5 (comma list) records only those apps; "none" records none.
  .filter((app) => !process.env.DBOS_REPLAY_FIXTURES || process.env.DBOS_REPLAY_FIXTURES.split(',').includes(app.key));

/** Database names of a fixture app's recordings on the test server. */
export function fixtureDatabaseNames(key) {
  return { sys: `dbos_replay_fx_${key}_sys`, app: `dbos_replay_fx_${key}_app` };
}

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(out);
      else
        reject(
          new Error(
            `${cmd} ${args.join(' ')} in ${opts.cwd} failed (${signal ?? 'exit ' + code}):\n${out.slice(-4000)}`,
          ),
        );
    });
  });
}

function hashFiles(dir, hash = createHash('sha256')) {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) hashFiles(p, hash);
    else hash.update(name).update(readFileSync(p));
  }
  return hash;
}

/** npm ci (and build) a fixture app when its lockfile changed since the last install. */
export async function ensureFixtureApp(app, log) {
  const lock = path.join(app.dir, 'package-lock.json');
  const stamp = path.join(app.dir, 'node_modules', '.dbos-replay-installed');
  const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
    log(`fixtures: installing ${path.relative(root, app.dir)} (npm ci)`);
    await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app.dir });
    writeFileSync(stamp, want);
  }
  const pkg = JSON.parse(readFileSync(path.join(app.dir, 'package.json'), 'utf8'));
  if (pkg.scripts?.build) await run('npm', ['run', '--silent', 'build'], { cwd: app.dir });
}

/**
 * Installs every fixture app and records it into its own pair of databases unless a recording of the same
 * sources is already there. Returns the environment variables tests read to find the recordings.
 */
export async function recordFixtures(adminUrl, { log = (m) => process.stderr.write(m + '\n'), force = false } = {}) {
  const env = {};
  for (const app of FIXTURE_APPS) {
    await ensureFixtureApp(app, log);
    const names = fixtureDatabaseNames(app.key);
    const marker = 'dbos-replay fixture ' + hashFiles(app.dir).digest('hex');
    const sysUrl = withDatabase(adminUrl, names.sys);
    const appUrl = withDatabase(adminUrl, names.app);
    if (force || (await databaseComment(adminUrl, names.sys)) !== marker) {
      const t0 = Date.now();
      log(`fixtures: recording ${path.relative(root, app.dir)} with the real SDK`);
      await recreateDatabase(adminUrl, names.sys);
      await recreateDatabase(adminUrl, names.app);
      await run('npm', ['run', '--silent', 'record'], {
        cwd: app.dir,
        env: { ...process.env, FIXTURE_SYSTEM_DATABASE_URL: sysUrl, FIXTURE_APP_DATABASE_URL: appUrl },
      });
      await setDatabaseComment(adminUrl, names.sys, marker);
      log(`fixtures: recorded ${app.key} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    env[`DBOS_REPLAY_FX_${app.key.toUpperCase()}_SYS_URL`] = sysUrl;
    env[`DBOS_REPLAY_FX_${app.key.toUpperCase()}_APP_URL`] = appUrl;
  }
  return env;
}
