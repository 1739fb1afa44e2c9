// Owns the connection to the DBOS system database: resolves the URL, asks for a password, reconnects on change.
// Runs in the extension host.
import * as vscode from 'vscode';
import { openWorkflowHistory, type WorkflowHistory } from '../history/workflowHistory.js';
import {
  describeUrl, isPasswordError, resolveDatabaseUrl, secretKeyFor, splitPassword, withPassword, type ResolvedUrl,
} from './resolveDatabaseUrl.js';

export type ConnectionState =
  | { kind: 'none' }
  | { kind: 'connecting'; target: string }
  | { kind: 'connected'; target: string; source: ResolvedUrl['source']; history: WorkflowHistory }
  | { kind: 'failed'; target: string; message: string };

const CONTEXT_KEY = 'dbosReplay.connectionState';
export const SETTING_DATABASE_URL = 'databaseUrl';

export class ConnectionManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ConnectionState>();
  readonly onDidChange = this.changed.event;
  private current: ConnectionState = { kind: 'none' };
  private generation = 0;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: vscode.LogOutputChannel) {}

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
      this.log.info('No DBOS system database configured (setting dbosReplay.databaseUrl, DBOS_SYSTEM_DATABASE_URL or dbos-config.yaml).');
      await this.setState({ kind: 'none' });
      return;
    }
    await this.connectTo(resolved, interactive);
  }

  /** Saves a URL the user typed (password split off into SecretStorage) to the setting, then connects to it. */
  async saveAndConnect(typedUrl: string): Promise<void> {
    const { url, password } = splitPassword(typedUrl);
    const config = vscode.workspace.getConfiguration('dbosReplay');
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
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

  private async connectTo(resolved: ResolvedUrl, interactive: boolean): Promise<void> {
    let target: string;
    try {
      target = describeUrl(resolved.url);
      new URL(resolved.url);
    } catch {
      await this.setState({ kind: 'failed', target: '?', message: `The database URL from ${resolved.source} is not a URL. Fix it or run "DBOS Replay: Connect".` });
      return;
    }
    const gen = ++this.generation;
    await this.setState({ kind: 'connecting', target });
    this.log.info(`Connecting to ${target} (from ${resolved.source})`);
    const { url, password: inUrl } = splitPassword(resolved.url);
    let password = inUrl ?? (await this.secrets.get(secretKeyFor(url)));
    let typed = false;
    for (;;) {
      try {
        const history = await openWorkflowHistory(password === undefined ? url : withPassword(url, password));
        if (gen !== this.generation) {
          await history.close();
          return;
        }
        // Only a password that worked is kept, and only in secret storage.
        if (typed && password !== undefined) await this.secrets.store(secretKeyFor(url), password);
        this.log.info(`Connected to ${target}${typed ? '; password kept in secret storage' : ''}`);
        await this.setState({ kind: 'connected', target, source: resolved.source, history });
        return;
      } catch (e) {
        if (gen !== this.generation) return;
        if (interactive && isPasswordError(e)) {
          if (password !== undefined && !typed && inUrl === undefined) await this.secrets.delete(secretKeyFor(url));
          const answer = await vscode.window.showInputBox({
            title: `Password for ${decodeURIComponent(new URL(url).username) || 'the database user'} at ${target}`,
            prompt: password === undefined
              ? 'The server asks for a password. It is kept in VS Code\'s secret storage, never in settings or logs.'
              : 'That password was refused. Try again; nothing is stored until one works.',
            password: true,
            ignoreFocusOut: true,
          });
          if (answer !== undefined && gen === this.generation) {
            password = answer;
            typed = true;
            continue;
          }
        }
        const reason = e instanceof Error ? e.message : String(e);
        this.log.warn(`Cannot connect to ${target}: ${reason}`);
        await this.setState({ kind: 'failed', target, message: `Cannot connect to ${target} (from ${resolved.source}): ${reason}` });
        return;
      }
    }
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
