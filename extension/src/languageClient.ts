// Starts the DBOS Replay language server (dist/language-server.js) and keeps it pointed at the connected database.
// Runs in the extension host; the server runs in its own Node process (IPC).
import * as vscode from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  CustomRequests,
  SETTINGS_SECTION,
  type InitializationOptions,
  type RefreshHistoryResult,
  type ServerSettings,
} from '../../protocol/languageServerProtocol.js';
import type { ConnectionManager } from './connection/connectionManager.js';
import { redactingLogChannel } from './languageServer/redactingLogChannel.js';

export const SETTING_LANGUAGE_SERVER_ENABLED = 'languageServer.enabled';
const LANGUAGES = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

/**
 * Owns the LanguageClient: starts it when the setting allows and the workspace is a DBOS app, stops it when the
 * setting turns it off, and pushes the connection's URL (password included, from secret storage) on every change.
 * Start, stop and pushes run one at a time, in order.
 */
export class DbosLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  /** The URL the server has (undefined: nothing sent yet in this client's life). */
  private sentUrl: string | null | undefined;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly channel: vscode.LogOutputChannel;

  constructor(
    private readonly serverModule: string,
    private readonly connection: ConnectionManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.channel = redactingLogChannel(log, () => [
      connection.state.kind === 'connected' ? connection.state.password : undefined,
    ]);
    this.subscriptions.push(
      connection.onDidChange((state) => {
        if (state.kind !== 'connecting') this.enqueue(() => this.pushConnection());
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`dbosReplay.${SETTING_LANGUAGE_SERVER_ENABLED}`)) this.enqueue(() => this.sync());
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.enqueue(() => this.sync())),
    );
  }

  /** Starts the server if it is wanted (setting on, a DBOS workspace). */
  start(): Promise<void> {
    return this.enqueue(() => this.sync());
  }

  get running(): boolean {
    return this.client?.isRunning() ?? false;
  }

  /** Asks the server to re-read counts and recorded step names now (the Workflows view's Refresh). */
  async refreshHistory(): Promise<RefreshHistoryResult | undefined> {
    await this.queue;
    const client = this.client;
    if (!client?.isRunning()) return undefined;
    const result = await client.sendRequest<RefreshHistoryResult>(CustomRequests.refreshHistory);
    this.log.debug(
      `[language server] history refreshed: ${result.connected ? `${result.workflows} workflow groups at ${result.target}` : `not connected${result.error ? ` (${result.error})` : ''}`}`,
    );
    return result;
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.queue
      .then(job)
      .catch((e) => this.log.error(`[language server] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    this.queue = next;
    return next;
  }

  private async sync(): Promise<void> {
    const enabled = vscode.workspace.getConfiguration('dbosReplay').get<boolean>(SETTING_LANGUAGE_SERVER_ENABLED, true);
    const wanted = enabled && !this.disposed && (await isDbosWorkspace());
    if (wanted && !this.client) await this.startClient();
    else if (!wanted && this.client)
      await this.stopClient(enabled ? 'no DBOS app in the workspace' : 'dbosReplay.languageServer.enabled is off');
  }

  /** The URL the server should read: the connection's, with its password; null when there is none or it failed. */
  private async currentUrl(): Promise<string | null> {
    return (await this.connection.urlWithPassword()) ?? null;
  }

  private async startClient(): Promise<void> {
    const databaseUrl = this.connection.state.kind === 'connected' ? await this.currentUrl() : null;
    const initializationOptions: InitializationOptions = { databaseUrl, schema: null };
    const serverOptions: ServerOptions = {
      run: { module: this.serverModule, transport: TransportKind.ipc },
      debug: {
        module: this.serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: ['--nolazy', '--inspect=6019'] },
      },
    };
    const clientOptions: LanguageClientOptions = {
      // Files on disk only (not untitled buffers, git diffs or the recorded-value documents).
      documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
      initializationOptions,
      // No synchronize.configurationSection: it would send the raw setting, without the password (the README's contract).
      outputChannel: this.channel,
      traceOutputChannel: this.channel,
      // Server-side failures are logged; never pop the output open over the user's editor.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
    };
    const client = new LanguageClient(
      'dbosReplayLanguageServer',
      'DBOS Replay Language Server',
      serverOptions,
      clientOptions,
    );
    this.client = client;
    this.sentUrl = databaseUrl;
    await client.start();
    this.log.info(
      `[language server] started (${this.serverModule.split(/[\\/]/).pop()}, ${databaseUrl ? 'with' : 'without'} a database)`,
    );
    // The connection may have changed while the server was starting.
    await this.pushConnection();
  }

  private async stopClient(why: string): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.sentUrl = undefined;
    if (!client) return;
    try {
      await client.stop(2000);
    } finally {
      await client.dispose(2000).catch(() => {});
    }
    this.log.info(`[language server] stopped: ${why}`);
  }

  /** Sends `{ settings: { dbosReplay: { databaseUrl } } }` when the URL the server has differs from the connection's. */
  private async pushConnection(): Promise<void> {
    const client = this.client;
    if (!client?.isRunning() || this.connection.state.kind === 'connecting') return;
    const url = await this.currentUrl();
    if (url === this.sentUrl) return;
    const settings: ServerSettings = { databaseUrl: url, schema: null };
    await client.sendNotification('workspace/didChangeConfiguration', { settings: { [SETTINGS_SECTION]: settings } });
    this.sentUrl = url;
    this.log.debug(`[language server] ${url ? 'database connection sent' : 'database disconnected'}`);
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    const client = this.client;
    this.client = undefined;
    if (client)
      void client
        .stop(2000)
        .catch(() => {})
        .finally(() => client.dispose(1000).catch(() => {}));
  }
}

/**
 * Whether a workspace folder holds a DBOS app: a dbos-config.yaml, or a package.json that depends on the SDK. The
 * extension activates for any TypeScript/JavaScript file; the server only runs where there are DBOS workflows to read.
 */
async function isDbosWorkspace(): Promise<boolean> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, 'dbos-config.yaml'));
      return true;
    } catch {
      // none here
    }
    try {
      const pkg = JSON.parse(
        Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, 'package.json'))).toString(
          'utf8',
        ),
      );
      const deps = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies };
      if (Object.keys(deps).some((d) => d === '@dbos-inc/dbos-sdk')) return true;
    } catch {
      // no package.json, or not JSON
    }
  }
  return false;
}
