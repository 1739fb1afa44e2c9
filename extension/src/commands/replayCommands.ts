// Commands that start replays and move traces: Replay, Replay by ID, Open Trace File, Export Trace, Replay Last, pick a workflow.
// Runs in the extension host.
import path from 'node:path';
import * as vscode from 'vscode';
import { writeTraceFile } from '../../../history/src/trace/traceFile.js';
import type { ConnectionManager } from '../connection/connectionManager.js';
import { DEBUG_TYPE, LAST_REPLAY, type LastReplay } from '../debug/replayConfigurationProvider.js';
import { pickWorkflow } from '../debug/workflowPicker.js';
import { runToOperation } from '../debug/runToOperation.js';
import type { WorkflowCommandArgs } from '../../../protocol/languageServerProtocol.js';
import { checkTraceFile } from '../history/checkTraceFile.js';
import { filterForWorkflow, isWorkflowCommandArgs, workflowLabel } from '../languageServer/lensArguments.js';
import type { WorkflowNode } from '../views/workflowNodes.js';
import { registerCommand, type CommandHandler } from './registerCommand.js';
import { errors } from '../errors.js';

/** The workflow a tree node stands for (a workflow row, or a step / value row of one). */
export function workflowIdOf(node: WorkflowNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'workflow') return node.summary.workflowId;
  if ('workflowId' in node) return node.workflowId;
  return undefined;
}

function folderFor(uri?: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
}

async function start(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<void> {
  const started = await vscode.debug.startDebugging(folder, config);
  if (!started)
    vscode.window.setStatusBarMessage('DBOS Replay: the replay did not start (see the DBOS Replay output).', 5000);
}

export function registerReplayCommands(
  context: vscode.ExtensionContext,
  deps: { connection: ConnectionManager; view: vscode.TreeView<WorkflowNode>; log: vscode.LogOutputChannel },
): void {
  const { connection, view, log } = deps;
  const register = (id: string, fn: CommandHandler) => registerCommand(context, log, id, fn);
  const selected = (node?: WorkflowNode) => workflowIdOf(node ?? view.selection[0]);

  const replay = (workflowId: string) =>
    start(folderFor(), { type: DEBUG_TYPE, request: 'launch', name: `Replay ${workflowId}`, workflowId });

  // From the tree (a workflow node), or from the "Replay ▸" lens ({ name, className, uri }): a pick of that workflow's runs.
  register('dbosReplay.replayWorkflow', async (arg?: WorkflowNode | WorkflowCommandArgs) => {
    if (isWorkflowCommandArgs(arg)) {
      const label = workflowLabel(arg);
      const id = await pickWorkflow(connection, {
        title: `Replay which run of ${label}?`,
        filter: filterForWorkflow(arg),
        emptyText: `No recorded runs of ${label} in this database. Run the workflow, or enter a workflow ID.`,
      });
      if (id)
        await start(folderFor(vscode.Uri.parse(arg.uri)), {
          type: DEBUG_TYPE,
          request: 'launch',
          name: `Replay ${id}`,
          workflowId: id,
        });
      return;
    }
    const id = selected(arg) ?? (await pickWorkflow(connection));
    if (id) await replay(id);
  });

  register('dbosReplay.replayWorkflowById', async () => {
    const id = await vscode.window.showInputBox({
      title: 'Replay a recorded workflow',
      prompt: 'The workflow ID (as in the Workflows view or `dbos-replay list`).',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a workflow ID.'),
    });
    if (id?.trim()) await replay(id.trim());
  });

  register('dbosReplay.pickWorkflow', () => pickWorkflow(connection));

  // From a step row of the Workflows view ({ op }), or the palette (a pick of the replayed workflow's operations).
  register('dbosReplay.runToOperation', (arg?: unknown) => runToOperation(connection, arg));

  register('dbosReplay.openTraceFile', async (uri?: vscode.Uri) => {
    const file =
      uri ??
      (
        await vscode.window.showOpenDialog({
          title: 'Replay a trace file offline',
          canSelectMany: false,
          openLabel: 'Replay',
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          filters: { 'Trace files': ['json'], 'All files': ['*'] },
        })
      )?.[0];
    if (!file) return;
    const check = await checkTraceFile(file.fsPath);
    if (!check.ok) {
      void vscode.window.showErrorMessage(`DBOS Replay: ${check.message}`, { modal: true });
      return;
    }
    await start(folderFor(file), {
      type: DEBUG_TYPE,
      request: 'launch',
      name: `Replay ${check.rootWorkflowId} (${path.basename(file.fsPath)})`,
      traceFile: file.fsPath,
    });
  });

  register('dbosReplay.exportTrace', async (node?: WorkflowNode) => {
    const history = connection.history;
    if (!history) throw errors.notConnected();
    const id = selected(node) ?? (await pickWorkflow(connection, { title: 'Export the trace of which workflow?' }));
    if (!id) return;
    const folder = folderFor();
    const safe = id.replace(/[^\w.-]+/g, '_');
    const target = await vscode.window.showSaveDialog({
      title: `Export the trace of ${id}`,
      saveLabel: 'Export Trace',
      defaultUri: folder ? vscode.Uri.joinPath(folder.uri, `${safe}.trace.json`) : undefined,
      filters: { 'Trace files': ['json'] },
    });
    if (!target) return;
    const trace = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exporting the trace of ${id}…` },
      async () => {
        const t = await history.loadTrace(id);
        await writeTraceFile(target.fsPath, t);
        return t;
      },
    );
    log.info(`Exported the trace of ${id} (${trace.workflows.length} workflows) to ${target.fsPath}`);
    const choice = await vscode.window.showInformationMessage(
      `Exported the trace of ${id} (${trace.workflows.length} workflow${trace.workflows.length === 1 ? '' : 's'}) to ${target.fsPath}.`,
      'Replay It Offline',
    );
    if (choice) await vscode.commands.executeCommand('dbosReplay.openTraceFile', target);
  });

  register('dbosReplay.replayLast', async () => {
    const last = context.workspaceState.get<LastReplay>(LAST_REPLAY);
    if (!last) {
      void vscode.window.showInformationMessage(
        'No replay yet in this workspace. Pick a workflow in the DBOS Replay view and press Replay.',
      );
      return;
    }
    const folder = last.folder
      ? vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === last.folder)
      : undefined;
    await start(folder ?? folderFor(), last.config);
  });
}
