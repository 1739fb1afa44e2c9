// Activation: builds the extension's parts and wires them together (composition root, nothing else).
// Runs in the extension host.
import * as vscode from 'vscode';
import { registerManageCommands } from './commands/manageCommands.js';
import { registerReplayCommands } from './commands/replayCommands.js';
import { filterMessage, registerWorkflowCommands } from './commands/workflowCommands.js';
import { ConnectionManager } from './connection/connectionManager.js';
import { ReplayAdapterDescriptorFactory } from './debug/adapterDescriptorFactory.js';
import { DapTrafficTrackerFactory } from './debug/dapTrafficTracker.js';
import { DbosLanguageClient } from './languageClient.js';
import { DEBUG_TYPE, ReplayConfigurationProvider } from './debug/replayConfigurationProvider.js';
import { ReplayStatusBar } from './debug/replayStatusBar.js';
import { WorkflowManager } from './management/workflowManager.js';
import { RecordedValueProvider } from './views/recordedValueProvider.js';
import { RECORDED_VALUE_SCHEME, type WorkflowNode } from './views/workflowNodes.js';
import { WorkflowsTreeProvider } from './views/workflowsTreeProvider.js';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('DBOS Replay', { log: true });
  context.subscriptions.push(log);

  const connection = new ConnectionManager(context.secrets, log);
  context.subscriptions.push(connection);

  const pageSize = () => vscode.workspace.getConfiguration('dbosReplay').get<number>('pageSize', 50);
  const tree = new WorkflowsTreeProvider(connection, log, pageSize);
  const view = vscode.window.createTreeView<WorkflowNode>('dbosReplay.workflows', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  context.subscriptions.push(tree, view);

  context.subscriptions.push(
    connection.onDidChange((state) => {
      view.message =
        state.kind === 'failed'
          ? state.message
          : state.kind === 'connecting'
            ? `Connecting to ${state.target}…`
            : filterMessage(tree.currentFilter);
      tree.refresh();
    }),
  );

  const connectedTo = () => (connection.state.kind === 'connected' ? connection.state.target : undefined);
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(
      RECORDED_VALUE_SCHEME,
      new RecordedValueProvider((id) => tree.detail(id), connectedTo),
    ),
  );

  // The language server (CodeLens, determinism diagnostics) reads the same connection; it follows every change.
  const languageClient = new DbosLanguageClient(context.asAbsolutePath('dist/language-server.js'), connection, log);
  context.subscriptions.push(languageClient);

  const manager = new WorkflowManager(() => connection.urlWithPassword());
  registerWorkflowCommands(context, {
    connection,
    tree,
    view,
    log,
    refreshLenses: () => languageClient.refreshHistory(),
  });
  registerReplayCommands(context, { connection, view, log });
  registerManageCommands(context, { connection, tree, view, manager, log });

  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      new ReplayConfigurationProvider(connection, context.workspaceState, log),
    ),
    vscode.debug.registerDebugAdapterDescriptorFactory(
      DEBUG_TYPE,
      new ReplayAdapterDescriptorFactory(context.extensionPath, context.logUri.fsPath, log),
    ),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, new DapTrafficTrackerFactory(log)),
    new ReplayStatusBar(),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dbosReplay.databaseUrl')) void connection.connect(false);
      else if (e.affectsConfiguration('dbosReplay.pageSize')) tree.refresh();
    }),
  );

  log.info(`DBOS Replay ${context.extension.packageJSON.version} activated`);
  void connection.connect(false);
  void languageClient.start();
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
