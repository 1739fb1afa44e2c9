// Sets up what the end-to-end test and `npm run try` show: a recorded system database, a workspace folder,
// the packaged extension installed into a fresh code-server profile. Runs in the test / try process.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recreateDatabase } from '../test-support/testDatabase.js';
import {
  CodeServer,
  ensureChromium,
  ensureCodeServer,
  installExtension,
  prepareProfile,
  repoRoot,
  setUserSetting,
  type CodeServerProfile,
} from './codeServerHarness.js';

export interface RecordedDatabase {
  /** System database URL the workbench is pointed at. */
  url: string;
  /** Workspace folder to open. */
  folder: string;
  /** Which recording it is: the fixture app's or the test's own mini checkout. */
  origin: 'fixture app-v5' | 'mini recording';
  /** Whether `folder` is a temporary directory made for this run (a copy of the fixture app, or the mini workspace). */
  temporary: boolean;
}

/**
 * A copy of the fixture app (sources, built dist/, manifest) in a temporary directory, so a test can add files to the
 * workspace without touching test-fixtures/. Its node_modules is a symlink to the fixture's installed one.
 */
function copyFixtureApp(fixtureDir: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'dbos-replay-e2e-app-v5-'));
  cpSync(fixtureDir, folder, { recursive: true, filter: (src) => path.relative(fixtureDir, src) !== 'node_modules' });
  if (existsSync(path.join(fixtureDir, 'node_modules')))
    symlinkSync(path.join(fixtureDir, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
  return folder;
}

/**
 * The fixture app's recording when the harness made one (DBOS_REPLAY_FX_V5_SYS_URL), else a small checkout
 * recorded here with the real SDK into its own database on the harness server (DBOS_REPLAY_TEST_ADMIN_URL).
 */
export async function recordedDatabase(
  log: (m: string) => void,
  opts: { copyWorkspace?: boolean } = {},
): Promise<RecordedDatabase> {
  const fixtureUrl = process.env.DBOS_REPLAY_FX_V5_SYS_URL;
  const fixtureDir = path.join(repoRoot, 'test-fixtures', 'app-v5');
  if (fixtureUrl && existsSync(fixtureDir)) {
    if (!opts.copyWorkspace) return { url: fixtureUrl, folder: fixtureDir, origin: 'fixture app-v5', temporary: false };
    const folder = copyFixtureApp(fixtureDir);
    log(`e2e: workspace is a copy of test-fixtures/app-v5 in ${folder}`);
    return { url: fixtureUrl, folder, origin: 'fixture app-v5', temporary: true };
  }
  const url = await recreateDatabase('dbos_replay_e2e_mini');
  log('e2e: no fixture app recording (DBOS_REPLAY_FX_V5_SYS_URL); recording a mini checkout with the real SDK');
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test-e2e', 'miniRecording.ts'), url], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0)
    throw new Error(`Recording the mini checkout failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const folder = mkdtempSync(path.join(tmpdir(), 'dbos-replay-e2e-ws-'));
  writeFileSync(
    path.join(folder, 'README.md'),
    '# Mini checkout\nRecorded by test-e2e/miniRecording.ts for the end-to-end test.\n',
  );
  return { url, folder, origin: 'mini recording', temporary: true };
}

/** Packs the extension once per process into dist/dbos-replay.vsix. */
export function packageVsix(log: (m: string) => void): string {
  const out = path.join(repoRoot, 'dist', 'dbos-replay.vsix');
  log('e2e: packaging the extension (scripts/package-vsix.mjs)');
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'package-vsix.mjs'), '--out', out], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`Packaging the extension failed:\n${r.stdout}\n${r.stderr}`);
  log(`e2e: ${r.stdout.trim().split('\n').pop()}`);
  return out;
}

export interface Workbench {
  codeServer: CodeServer;
  chromium: string;
  db: RecordedDatabase;
  /** URL that opens the workspace folder. */
  url: string;
  profileDir: string;
  profile: CodeServerProfile;
  /** Points the workbench at the recorded database (when started with connect: false). */
  connect(): void;
  timings: { installMs: number; startMs: number };
  stop(): Promise<void>;
}

/** Chromium and code-server installed, the .vsix built and installed, code-server started on 127.0.0.1. */
export async function startWorkbench(opts: {
  log: (m: string) => void;
  port?: number;
  keepProfile?: string;
  /** false: start without the database setting (the welcome view shows) until connect() is called. */
  connect?: boolean;
  /** Open a temporary copy of the fixture app (the test may add files to it) instead of test-fixtures/app-v5. */
  copyWorkspace?: boolean;
}): Promise<Workbench> {
  const { log } = opts;
  const t0 = Date.now();
  const chromium = ensureChromium(log);
  const install = ensureCodeServer(undefined, log);
  const installMs = Date.now() - t0;
  const vsix = packageVsix(log);
  const db = await recordedDatabase(log, { copyWorkspace: opts.copyWorkspace });
  const profileDir = opts.keepProfile ?? mkdtempSync(path.join(tmpdir(), 'dbos-replay-e2e-profile-'));
  mkdirSync(profileDir, { recursive: true });
  const profile = prepareProfile(profileDir, opts.connect === false ? {} : { 'dbosReplay.databaseUrl': db.url });
  installExtension(install, profile, vsix);
  const t1 = Date.now();
  // The workbench must find the database through the setting alone, not an inherited environment variable.
  const env = { ...process.env };
  delete env.DBOS_SYSTEM_DATABASE_URL;
  const codeServer = await CodeServer.start({ install, profile, folder: db.folder, port: opts.port, env });
  log(`e2e: code-server listening at ${codeServer.url} (workspace ${db.folder}, ${db.origin})`);
  return {
    codeServer,
    chromium,
    db,
    profileDir,
    profile,
    connect: () => setUserSetting(profile, 'dbosReplay.databaseUrl', db.url),
    url: `${codeServer.url}?folder=${encodeURIComponent(db.folder)}`,
    timings: { installMs, startMs: Date.now() - t1 },
    stop: () => codeServer.stop(),
  };
}
