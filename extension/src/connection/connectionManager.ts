// Owns the connection to the DBOS system database: resolves the URL, asks for a password, reconnects on change.
// Runs in the extension host.
import * as vscode from 'vscode';
import { messageForExtension, openWorkflowHistory, type WorkflowHistory } from '../history/workflowHistory.js';
import { openWithPassword } from './openWithPassword.js';
import {
  describeUrl,
  resolveDatabaseUrl,
  secretKeyFor,
  splitPassword,
  withPassword,
  type ResolvedUrl,
} from './resolveDatabaseUrl.js';

export type ConnectionState =
  | { kind: 'none' }
  | { kind: 'connecting'; target: string }
  /** `url` has no password; `password` (from the URL or secret storage) is only ever put into a launch configuration. */
  | {
      kind: 'connected';
      target: string;
      source: ResolvedUrl['source'];
      history: WorkflowHistory;
      url: string;
      password: string | undefined;
    }
  | { kind: 'failed'; target: string; message: string };

const CONTEXT_KEY = 'dbosReplay.connectionState';
export const SETTING_DATABASE_URL = 'databaseUrl';

export class ConnectionManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ConnectionState>();
  readonly onDidChange = this.changed.event;
  private current: ConnectionState = { kind: 'none' };
  private generation = 0;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** The open history, or undefined when not connected. */
  get history(): WorkflowHistory | undefined {
    return this.current.kind === 'connected' ? this.current.history : undefined;
  }

  /** Resolves the URL from the setting, the environment or dbos-config.yaml and connects; asks for a password only if interactive. */
  async connect(interactive: boolean): Promise<void> {
    const resolved = await this.resolve();
    if (!resolved) {
      this.log.info(
        'No DBOS system database configured (setting dbosReplay.databaseUrl, DBOS_SYSTEM_DATABASE_URL or dbos-config.yaml).',
      );
      await this.setState({ kind: 'none' });
      return;
    }
    await this.connectTo(resolved, interactive);
  }

  /** Saves a URL the user typed (password split off into SecretStorage) to the setting, then connects to it. */
  async saveAndConnect(typedUrl: string): Promise<void> {
    const { url, password } = splitPassword(typedUrl);
    const config = vscode.workspace.getConfiguration('dbosReplay');
    const target = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    if (password !== undefined) await this.secrets.store(secretKeyFor(url), password);
    await config.update(SETTING_DATABASE_URL, url, target);
    // The configuration listener reconnects too; connecting here makes the command's outcome visible at once.
    await this.connectTo({ url, source: 'setting' }, true);
  }

  async resolve(): Promise<ResolvedUrl | undefined> {
    const setting = vscode.workspace.getConfiguration('dbosReplay').get<string>(SETTING_DATABASE_URL);
    let dbosConfigYaml: string | undefined;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, 'dbos-config.yaml'));
        dbosConfigYaml = Buffer.from(bytes).toString('utf8');
        break;
      } catch {
        // no dbos-config.yaml in this folder
      }
    }
    return resolveDatabaseUrl({ setting, env: process.env, dbosConfigYaml });
  }

  /**
   * The connection's URL with its password (from the URL or secret storage), for the debug adapter's launch
   * configuration. Never logged; undefined when not connected.
   */
  async urlWithPassword(): Promise<string | undefined> {
    if (this.current.kind !== 'connected') return undefined;
    const { url, password } = this.current;
    return password === undefined ? url : withPassword(url, password);
  }

  /** A launch configuration's URL with the password kept for it in secret storage, when it names none. */
  async addStoredPassword(url: string): Promise<string> {
    try {
      const split = splitPassword(url);
      if (split.password !== undefined) return url;
      const stored = await this.secrets.get(secretKeyFor(split.url));
      return stored === undefined ? url : withPassword(split.url, stored);
    } catch {
      return url; // not a URL: the adapter says so
    }
  }

  private async connectTo(resolved: ResolvedUrl, interactive: boolean): Promise<void> {
    let target: string;
    let split: { url: string; password?: string };
    try {
      split = splitPassword(resolved.url);
      target = describeUrl(resolved.url);
    } catch {
      await this.setState({
        kind: 'failed',
        target: '?',
        message: `The database URL from ${resolved.source} is not a URL. Fix it or run "DBOS Replay: Connect".`,
      });
      return;
    }
    const gen = ++this.generation;
    await this.setState({ kind: 'connecting', target });
    this.log.info(`Connecting to ${target} (from ${resolved.source})`);
    const { url, password: inUrl } = split;
    const key = secretKeyFor(url);
    const user = decodeURIComponent(new URL(url).username) || 'the database user';
    const outcome = await openWithPassword(url, inUrl, interactive, {
      open: openWorkflowHistory,
      stored: async () => this.secrets.get(key),
      store: async (pw) => this.secrets.store(key, pw),
      forget: async () => this.secrets.delete(key),
      ask: async (refused) =>
        vscode.window.showInputBox({
          title: `Password for ${user} at ${target}`,
          prompt: refused
            ? 'That password was refused. Try again; nothing is stored until one works.'
            : "The server asks for a password. It is kept in VS Code's secret storage, never in settings or logs.",
          password: true,
          ignoreFocusOut: true,
        }),
      stillWanted: () => gen === this.generation,
    });
    if (outcome.kind === 'superseded') return;
    if (outcome.kind === 'opened') {
      this.log.info(`Connected to ${target}${outcome.typed ? '; password kept in secret storage' : ''}`);
      await this.setState({
        kind: 'connected',
        target,
        source: resolved.source,
        history: outcome.handle,
        url,
        password: outcome.password,
      });
      return;
    }
    const reason = messageForExtension(outcome.error);
    this.log.warn(`Cannot connect to ${target}: ${reason}`);
    await this.setState({
      kind: 'failed',
      target,
      message: `Cannot connect to ${target} (from ${resolved.source}): ${reason}`,
    });
  }

  private async setState(next: ConnectionState): Promise<void> {
    const previous = this.current;
    this.current = next;
    if (previous.kind === 'connected' && previous.history !== (next as { history?: unknown }).history) {
      previous.history.close().catch((e) => this.log.warn(`Closing the previous connection failed: ${e}`));
    }
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, next.kind);
    this.changed.fire(next);
  }

  dispose(): void {
    this.generation++;
    if (this.current.kind === 'connected') this.current.history.close().catch(() => {});
    this.changed.dispose();
  }
}
