// Cancel, Resume and Fork from the Workflows view: each asks a modal confirmation saying what it writes, then refreshes.
// Runs in the extension host.
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connection/connectionManager.js';
import { canCancel, canResume, confirmation, type WorkflowAction } from '../management/workflowActions.js';
import type { WorkflowManager } from '../management/workflowManager.js';
import type { WorkflowNode } from '../views/workflowNodes.js';
import type { WorkflowsTreeProvider } from '../views/workflowsTreeProvider.js';
import { registerCommand, type CommandHandler } from './registerCommand.js';
import { errors } from '../errors.js';

export function registerManageCommands(
  context: vscode.ExtensionContext,
  deps: {
    connection: ConnectionManager;
    tree: WorkflowsTreeProvider;
    view: vscode.TreeView<WorkflowNode>;
    manager: WorkflowManager;
    log: vscode.LogOutputChannel;
  },
): void {
  const { connection, tree, view, manager, log } = deps;
  const register = (id: string, fn: CommandHandler) => registerCommand(context, log, id, fn);

  const perform = async (action: WorkflowAction): Promise<void> => {
    const target = connection.state.kind === 'connected' ? connection.state.target : 'the connected database';
    const c = confirmation(action, target);
    const answer = await vscode.window.showWarningMessage(c.message, { modal: true, detail: c.detail }, c.button);
    if (answer !== c.button) return;
    log.info(`${action.kind} ${action.workflowId} at ${target} (confirmed)`);
    const forked = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${c.button}: ${action.workflowId}…` },
      () => manager.run(action),
    );
    tree.refresh();
    vscode.window.setStatusBarMessage(
      forked ? `Forked ${action.workflowId} as ${forked}` : `${c.button}: done for ${action.workflowId}`,
      5000,
    );
    if (forked)
      log.info(`Forked ${action.workflowId} from step ${(action as { startStep: number }).startStep} as ${forked}`);
  };

  const workflowNode = (node?: WorkflowNode) => {
    const n = node ?? view.selection[0];
    if (n?.kind !== 'workflow') throw errors.noWorkflowSelected();
    return n.summary;
  };

  register('dbosReplay.cancelWorkflow', async (node?: WorkflowNode) => {
    const s = workflowNode(node);
    if (!canCancel(s.status)) throw errors.cannotCancel(s.workflowId, s.status);
    await perform({ kind: 'cancel', workflowId: s.workflowId, name: s.name, status: s.status });
  });

  register('dbosReplay.resumeWorkflow', async (node?: WorkflowNode) => {
    const s = workflowNode(node);
    if (!canResume(s.status)) throw errors.cannotResume(s.workflowId, s.status);
    await perform({ kind: 'resume', workflowId: s.workflowId, name: s.name, status: s.status });
  });

  register('dbosReplay.forkWorkflow', async (node?: WorkflowNode) => {
    const n = node ?? view.selection[0];
    if (n?.kind === 'operation') {
      const d = await tree.detail(n.workflowId);
      await perform({
        kind: 'fork',
        workflowId: n.workflowId,
        name: d.summary.name,
        startStep: n.op.function_id,
        stepName: n.op.function_name,
      });
      return;
    }
    const s = workflowNode(n);
    const d = await tree.detail(s.workflowId);
    type Pick = vscode.QuickPickItem & { step: number; stepName?: string };
    const steps: Pick[] = d.exported.operation_outputs.map((op) => ({
      label: `${op.function_id} ${op.function_name}`,
      description: op.error ? 'threw' : undefined,
      step: op.function_id,
      stepName: op.function_name,
    }));
    const next = (d.exported.operation_outputs.at(-1)?.function_id ?? -1) + 1;
    steps.push({ label: `${next} (after the last recorded step)`, step: next });
    const picked = await vscode.window.showQuickPick(steps, {
      title: `Fork ${s.workflowId} from which step? Steps before it keep their recorded results.`,
    });
    if (picked)
      await perform({
        kind: 'fork',
        workflowId: s.workflowId,
        name: s.name,
        startStep: picked.step,
        stepName: picked.stepName,
      });
  });
}
