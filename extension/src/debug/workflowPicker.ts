// A quick pick of recent recorded runs (newest first, from the history reader); typing an ID that is not listed works too.
// Runs in the extension host.
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connection/connectionManager.js';
import { messageForExtension } from '../history/workflowHistory.js';
import { splitViewFilter, type ViewFilter } from '../languageServer/lensArguments.js';
import { workflowDescription } from '../views/rowText.js';

type Item = vscode.QuickPickItem & { workflowId: string };

/** The picked workflow ID, or undefined when the user cancels or there is no connection (after saying so). */
export async function pickWorkflow(
  connection: ConnectionManager,
  opts: { title?: string; filter?: ViewFilter; emptyText?: string } = {},
): Promise<string | undefined> {
  const history = connection.history;
  if (!history) {
    const choice = await vscode.window.showErrorMessage(
      'DBOS Replay is not connected to a DBOS system database, so it cannot list recorded workflows.',
      'Connect…',
      'Enter an ID',
    );
    if (choice === 'Connect…') await vscode.commands.executeCommand('dbosReplay.connect');
    if (choice !== 'Enter an ID') return undefined;
    return vscode.window
      .showInputBox({
        title: 'Workflow ID to replay',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter a workflow ID.'),
      })
      .then((v) => v?.trim() || undefined);
  }
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = opts.title ?? `Replay which workflow? (recent runs at ${history.target})`;
  qp.placeholder = 'Type to filter by name or ID, or enter any workflow ID';
  qp.matchOnDescription = true;
  qp.busy = true;
  qp.show();
  let listed: Item[] = [];
  const { query, keep } = splitViewFilter(opts.filter ?? {});
  history.listWorkflows(query, { limit: 100 }).then(
    (page) => {
      listed = page.workflows.filter(keep).map((s) => ({
        label: s.name,
        description: workflowDescription(s),
        detail: s.status,
        workflowId: s.workflowId,
      }));
      qp.items = listed;
      qp.busy = false;
      if (listed.length === 0 && opts.emptyText) qp.placeholder = opts.emptyText;
    },
    (e) => {
      qp.busy = false;
      qp.placeholder = `Cannot list workflows: ${messageForExtension(e)}. Enter an ID instead.`;
    },
  );
  qp.onDidChangeValue((v) => {
    const typed = v.trim();
    const exact = listed.some((i) => i.workflowId === typed);
    qp.items =
      typed && !exact
        ? [...listed, { label: `$(edit) Use ID '${typed}'`, alwaysShow: true, workflowId: typed }]
        : listed;
  });
  return new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0]?.workflowId;
      resolve(picked);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
  });
}
