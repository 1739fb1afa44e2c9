// Completes dbos-replay launch configurations: asks for a workflow, finds the program, adds the database URL.
// Runs in the extension host.
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connection/connectionManager.js';
import { checkTraceFile } from '../history/checkTraceFile.js';
import { messageForExtension } from '../history/workflowHistory.js';
import { resolveProgram, type ProgramSources } from './programResolver.js';
import { stopOnEntryFor } from './stopOnEntry.js';
import { pickWorkflow } from './workflowPicker.js';
import { mentionsWorkflow } from './workflowSource.js';
import { errors } from '../errors.js';

export const DEBUG_TYPE = 'dbos-replay';
const REMEMBERED_PROGRAM = 'dbosReplay.program';
export const LAST_REPLAY = 'dbosReplay.lastReplay';

/** What "Replay Last Again" starts: the configuration as the user or a command gave it, before completion. */
export interface LastReplay {
  folder?: string;
  config: vscode.DebugConfiguration;
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  } catch {
    return undefined;
  }
}

export class ReplayConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly connection: ConnectionManager,
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      // F5 without a launch.json: replay a workflow picked from the recent runs.
      config = { type: DEBUG_TYPE, request: 'launch', name: 'Replay a DBOS workflow' };
    }
    if (config.request !== 'launch') {
      void vscode.window.showErrorMessage(errors.notALaunchRequest(config.request).message);
      return undefined;
    }
    folder ??= vscode.workspace.workspaceFolders?.[0];
    const original = JSON.parse(JSON.stringify(config)) as vscode.DebugConfiguration;
    if (!config.workflowId && !config.traceFile) {
      const id = await pickWorkflow(this.connection);
      if (!id) return undefined;
      config.workflowId = id;
      original.workflowId = id;
    }
    if (!config.program && !(Array.isArray(config.modules) && config.modules.length)) {
      const filled = await this.programFields(folder, config);
      if (!filled) return undefined;
      for (const [k, v] of Object.entries(filled)) if (config[k] === undefined) config[k] = v;
    }
    if (config.stopOnEntry === undefined) {
      // Enabled source and function breakpoints (a function breakpoint names a recorded operation): the replay runs to them.
      const enabled = vscode.debug.breakpoints.filter((b) => b.enabled).length;
      const setting = vscode.workspace.getConfiguration('dbosReplay', folder).get<unknown>('stopOnEntry');
      config.stopOnEntry = stopOnEntryFor(setting, enabled);
      this.log.info(
        `Replay ${config.stopOnEntry ? 'pauses on entry' : 'runs to the breakpoints'} (dbosReplay.stopOnEntry: ${JSON.stringify(setting ?? 'whenNoBreakpoints')}, ${enabled} enabled breakpoint(s))`,
      );
    }
    if (config.workflowId && !config.traceFile && !(await this.functionInWorkspace(folder, String(config.workflowId))))
      return undefined;
    await this.state.update(LAST_REPLAY, { folder: folder?.uri.toString(), config: original } satisfies LastReplay);
    return config;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (typeof config.traceFile === 'string' && config.traceFile) {
      const check = await checkTraceFile(config.traceFile);
      if (!check.ok) {
        void vscode.window.showErrorMessage(`DBOS Replay: ${check.message}`, { modal: true });
        return undefined;
      }
      return config;
    }
    if (!config.databaseUrl) {
      // The Workflows view's connection, password included: it goes to the adapter only, never into launch.json or the log.
      const url = await this.connection.urlWithPassword();
      if (url) config.databaseUrl = url;
      else
        this.log.info(
          'No connection in the Workflows view: the adapter finds the database itself (DBOS_SYSTEM_DATABASE_URL, dbos-config.yaml).',
        );
    } else {
      config.databaseUrl = await this.connection.addStoredPassword(String(config.databaseUrl));
    }
    return config;
  }

  /** The program from the documented sources, else asked once and remembered for this workspace folder. */
  private async programFields(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<Record<string, unknown> | undefined> {
    const rememberKey = `${REMEMBERED_PROGRAM}:${folder?.uri.toString() ?? ''}`;
    if (folder) {
      const src: ProgramSources = {
        folder: folder.uri.fsPath,
        launchConfigurations: (
          vscode.workspace.getConfiguration('launch', folder).get<unknown[]>('configurations') ?? []
        ).filter((c) => (c as { name?: string }).name !== config.name || (c as { program?: string }).program),
        dbosConfigYaml: await readText(vscode.Uri.joinPath(folder.uri, 'dbos-config.yaml')),
        packageJson: await readText(vscode.Uri.joinPath(folder.uri, 'package.json')),
        remembered: this.state.get<string>(rememberKey),
      };
      const choice = resolveProgram(src);
      if (choice) {
        this.log.info(
          `Replay program from ${choice.source}: ${String(choice.fields.program ?? choice.fields.modules)}`,
        );
        return choice.fields;
      }
    }
    const picked = await vscode.window.showOpenDialog({
      title: 'Which program registers this workflow? (DBOS Replay remembers it for this workspace)',
      defaultUri: folder?.uri,
      canSelectMany: false,
      openLabel: 'Replay with this program',
      filters: { 'JavaScript or TypeScript': ['js', 'mjs', 'cjs', 'ts', 'mts', 'cts'] },
    });
    const file = picked?.[0];
    if (!file) return undefined;
    await this.state.update(rememberKey, file.fsPath);
    const fields: Record<string, unknown> = { program: file.fsPath };
    if (folder) fields.cwd = folder.uri.fsPath;
    if (/\.[cm]?ts$/.test(file.fsPath)) fields.runtimeArgs = ['--import', 'tsx'];
    return fields;
  }

  /** False when the user declines to replay a workflow whose function the workspace does not mention. */
  private async functionInWorkspace(folder: vscode.WorkspaceFolder | undefined, workflowId: string): Promise<boolean> {
    const history = this.connection.history;
    if (!history || !folder) return true;
    let name: string;
    let className: string | null;
    try {
      const d = await history.getWorkflow(workflowId);
      name = d.summary.name;
      className = d.summary.className;
    } catch (e) {
      // Not recorded here: the adapter says so with the database it looked in.
      this.log.warn(`Before replay: ${messageForExtension(e)}`);
      return true;
    }
    const files = await vscode.workspace.findFiles(
      new vscode.RelativePattern(folder, '**/*.{ts,mts,cts,js,mjs,cjs}'),
      '**/{node_modules,.git,.vscode-test}/**',
      5000,
    );
    for (const f of files) {
      const text = await readText(f);
      if (text && mentionsWorkflow(text, name, className)) return true;
    }
    const fn = className ? `${className}.${name}` : name;
    const answer = await vscode.window.showWarningMessage(
      `Workflow '${workflowId}' ran ${fn}, which no source file in ${folder.name} mentions.`,
      {
        modal: true,
        detail:
          'The replay needs the code that registered this workflow. Open the app that recorded it, or replay anyway if the code is generated or lives elsewhere.',
      },
      'Replay Anyway',
    );
    return answer === 'Replay Anyway';
  }
}
