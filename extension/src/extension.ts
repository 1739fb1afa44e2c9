// Activation: builds the extension's parts and wires them together (composition root, nothing else).
// Runs in the extension host.
import * as vscode from 'vscode';
import { registerWorkflowCommands } from './commands/workflowCommands.js';
import { ConnectionManager } from './connection/connectionManager.js';
import { RECORDED_OUTPUT_SCHEME, RecordedOutputProvider } from './views/recordedOutputProvider.js';
import type { WorkflowNode } from './views/workflowNodes.js';
import { WorkflowsTreeProvider } from './views/workflowsTreeProvider.js';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('DBOS Replay', { log: true });
  context.subscriptions.push(log);

  const connection = new ConnectionManager(context.secrets, log);
  context.subscriptions.push(connection);

  const pageSize = () => vscode.workspace.getConfiguration('dbosReplay').get<number>('pageSize', 50);
  const tree = new WorkflowsTreeProvider(connection, log, pageSize);
  const view = vscode.window.createTreeView<WorkflowNode>('dbosReplay.workflows', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(tree, view);

  context.subscriptions.push(connection.onDidChange((state) => {
    view.message = state.kind === 'failed' ? state.message : state.kind === 'connecting' ? `Connecting to ${state.target}…` : undefined;
    tree.refresh();
  }));

  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(RECORDED_OUTPUT_SCHEME, new RecordedOutputProvider(connection)));

  registerWorkflowCommands(context, { connection, tree, view, log });

  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('dbosReplay.databaseUrl')) void connection.connect(false);
    else if (e.affectsConfiguration('dbosReplay.pageSize')) tree.refresh();
  }));

  log.info(`DBOS Replay ${context.extension.packageJSON.version} activated`);
  void connection.connect(false);
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
