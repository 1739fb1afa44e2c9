// The commands of the Workflows view: connect, refresh, filter, load more, copy ID, open a recorded value.
// Runs in the extension host.
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connection/connectionManager.js';
import { describeUrl } from '../connection/resolveDatabaseUrl.js';
import { messageForExtension } from '../history/workflowHistory.js';
import {
  filterForWorkflow,
  isWorkflowCommandArgs,
  workflowLabel,
  type ViewFilter,
} from '../languageServer/lensArguments.js';
import type { WorkflowNode } from '../views/workflowNodes.js';
import type { WorkflowsTreeProvider } from '../views/workflowsTreeProvider.js';
import { registerCommand, type CommandHandler } from './registerCommand.js';
import { workflowIdOf } from './replayCommands.js';
import { errors } from '../errors.js';

const STATUSES = ['SUCCESS', 'ERROR', 'PENDING', 'ENQUEUED', 'CANCELLED', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED'];

export function describeFilter(f: ViewFilter): string {
  const parts: string[] = [];
  if (f.status?.length) parts.push(f.status.join('|'));
  if (f.name) parts.push(`name=${f.name}`);
  if (f.className) parts.push(`class=${f.className}`);
  if (f.classless) parts.push('no class');
  if (f.idPrefix) parts.push(`id=${f.idPrefix}*`);
  return parts.join(' · ');
}

/**
 * The line the view shows above its rows while a filter is on. The view's description holds the same words, but
 * VS Code hides it when the view is alone in its container, as Workflows is.
 */
export function filterMessage(f: ViewFilter): string | undefined {
  const d = describeFilter(f);
  return d ? `Filtered: ${d}. Filter Workflows… › Clear filter shows all runs.` : undefined;
}

export function registerWorkflowCommands(
  context: vscode.ExtensionContext,
  deps: {
    connection: ConnectionManager;
    tree: WorkflowsTreeProvider;
    view: vscode.TreeView<WorkflowNode>;
    log: vscode.LogOutputChannel;
    /** Asks the language server to re-read its lens counts (undefined when it does not run). */
    refreshLenses: () => Promise<unknown>;
  },
): void {
  const { connection, tree, view, log, refreshLenses } = deps;
  const showFilter = () => {
    view.description = describeFilter(tree.currentFilter) || undefined;
    // A connection problem or progress line takes precedence (see extension.ts).
    if (connection.state.kind === 'connected' || connection.state.kind === 'none')
      view.message = filterMessage(tree.currentFilter);
  };
  const register = (id: string, fn: CommandHandler) => registerCommand(context, log, id, fn);

  register('dbosReplay.connect', async () => {
    type Pick = vscode.QuickPickItem & { action: 'type' | 'reconnect' };
    const resolved = await connection.resolve();
    const items: Pick[] = [
      {
        label: '$(edit) Enter a connection URL…',
        description: 'postgresql://user@host:5432/app_dbos_sys',
        action: 'type',
      },
    ];
    if (resolved) {
      items.unshift({
        label: `$(plug) Connect to ${describeUrl(resolved.url)}`,
        description: `from ${resolved.source}`,
        action: 'reconnect',
      });
    }
    const choice = await vscode.window.showQuickPick(items, { title: 'Connect to a DBOS system database' });
    if (!choice) return;
    if (choice.action === 'reconnect') {
      await connection.connect(true);
    } else {
      const url = await vscode.window.showInputBox({
        title: 'DBOS system database URL',
        prompt:
          'The Postgres database where DBOS records workflows (system_database_url). A password in it is moved to secret storage.',
        placeHolder: 'postgresql://postgres@localhost:5432/myapp_dbos_sys',
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            const u = new URL(v.trim());
            return /^postgres(ql)?:$/.test(u.protocol) ? undefined : 'Use a postgresql:// URL.';
          } catch {
            return 'Not a URL: postgresql://user@host:5432/database';
          }
        },
      });
      if (url) await connection.saveAndConnect(url.trim());
    }
    const s = connection.state;
    if (s.kind === 'failed') void vscode.window.showErrorMessage(s.message);
  });

  register('dbosReplay.refresh', () => {
    tree.refresh();
    // The lenses' counts come from the same database: re-read them too, without holding up the view.
    refreshLenses().catch((e) =>
      log.warn(`[language server] refreshing the lens counts failed: ${messageForExtension(e)}`),
    );
  });

  // "Show runs" lens: the view filtered to that workflow (name and class), revealed.
  register('dbosReplay.showRuns', async (args?: unknown) => {
    if (!isWorkflowCommandArgs(args)) throw errors.noWorkflowForRuns();
    tree.setFilter(filterForWorkflow(args));
    showFilter();
    await vscode.commands.executeCommand('dbosReplay.workflows.focus');
    if (!connection.history) {
      void vscode.window
        .showInformationMessage(
          `DBOS Replay is not connected to a DBOS system database, so there are no recorded runs of ${workflowLabel(args)} to show.`,
          'Connect…',
        )
        .then((c) => (c ? vscode.commands.executeCommand('dbosReplay.connect') : undefined));
    }
  });
  register('dbosReplay.loadMore', () => tree.loadMore());

  register('dbosReplay.filter', async () => {
    const f = tree.currentFilter;
    type Pick = vscode.QuickPickItem & { key: 'status' | 'name' | 'idPrefix' | 'clear' };
    const choice = await vscode.window.showQuickPick<Pick>(
      [
        { label: 'Status…', description: f.status?.join(', ') ?? 'any', key: 'status' },
        { label: 'Workflow name…', description: f.name ?? 'any', key: 'name' },
        { label: 'ID prefix…', description: f.idPrefix ?? 'any', key: 'idPrefix' },
        { label: 'Clear filter', key: 'clear' },
      ],
      { title: 'Filter recorded workflows' },
    );
    if (!choice) return;
    const next: ViewFilter = { ...f };
    if (choice.key === 'clear') {
      tree.setFilter({});
    } else if (choice.key === 'status') {
      const picked = await vscode.window.showQuickPick(
        STATUSES.map((s) => ({ label: s, picked: f.status?.includes(s) ?? false })),
        { title: 'Show workflows with status', canPickMany: true },
      );
      if (!picked) return;
      next.status = picked.length ? picked.map((p) => p.label) : undefined;
      tree.setFilter(clean(next));
    } else {
      const value = await vscode.window.showInputBox({
        title: choice.key === 'name' ? 'Workflow function name (exact)' : 'Workflow ID prefix',
        value: (choice.key === 'name' ? f.name : f.idPrefix) ?? '',
        prompt: 'Leave empty to show all.',
      });
      if (value === undefined) return;
      next[choice.key] = value.trim() || undefined;
      // A typed name replaces the class the "Show runs" lens set along with its name.
      if (choice.key === 'name') {
        delete next.className;
        delete next.classless;
      }
      tree.setFilter(clean(next));
    }
    showFilter();
  });

  register('dbosReplay.copyId', async (node?: WorkflowNode) => {
    const id = workflowIdOf(node ?? view.selection[0]);
    if (!id) {
      void vscode.window.showInformationMessage('Select a workflow in the DBOS Replay Workflows view first.');
      return;
    }
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(`Copied workflow ID ${id}`, 3000);
  });

  register('dbosReplay.openRecordedValue', async (uri: vscode.Uri) => {
    const doc = await vscode.workspace.openTextDocument(uri);
    // JSON with comments: the first line says what the value is, a cut value ends with a note.
    const json = doc.languageId === 'jsonc' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'jsonc');
    await vscode.window.showTextDocument(json, { preview: true });
  });
}

function clean(f: ViewFilter): ViewFilter {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as ViewFilter;
}
