// "Run to Recorded Operation…": moves a running replay (forward, or back by re-running) to the call of a recorded
// operation, through the adapter's custom request. Runs in the extension host.
import * as vscode from 'vscode';
import { CustomRequest, type RunToOperationArguments } from '../../../protocol/dapProtocol.js';
import type { ConnectionManager } from '../connection/connectionManager.js';
import { messageForExtension } from '../history/workflowHistory.js';
import { functionIdFromArgument } from './operationArgument.js';
import { DEBUG_TYPE } from './replayConfigurationProvider.js';
import { errors } from '../errors.js';

type OperationItem = vscode.QuickPickItem & { functionId: number };

/** The function_id to run to: asked with a pick of the replayed workflow's recorded operations, or typed. */
async function askFunctionId(
  connection: ConnectionManager,
  workflowId: string | undefined,
): Promise<number | undefined> {
  const history = connection.history;
  if (history && workflowId) {
    try {
      const detail = await history.getWorkflow(workflowId);
      const items: OperationItem[] = detail.exported.operation_outputs.map((op) => ({
        label: `#${op.function_id} ${op.function_name || "''"}`,
        description:
          op.error !== null ? 'recorded an error' : op.child_workflow_id ? `child ${op.child_workflow_id}` : undefined,
        functionId: Number(op.function_id),
      }));
      const picked = await vscode.window.showQuickPick(items, {
        title: `Run ${workflowId} to which recorded operation?`,
        matchOnDescription: true,
      });
      return picked?.functionId;
    } catch (e) {
      void vscode.window.showWarningMessage(
        `DBOS Replay: cannot list the operations of ${workflowId}: ${messageForExtension(e)}. Enter the number instead.`,
      );
    }
  }
  const typed = await vscode.window.showInputBox({
    title: 'Run to recorded operation',
    prompt: 'The function_id of the recorded operation (as in the Workflows view: #N).',
    ignoreFocusOut: true,
    validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'Enter a whole number, e.g. 3.'),
  });
  return typed?.trim() ? Number(typed.trim()) : undefined;
}

export async function runToOperation(connection: ConnectionManager, arg?: unknown): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  if (!session || session.type !== DEBUG_TYPE) {
    void vscode.window.showErrorMessage(errors.noReplaySession().message);
    return;
  }
  const workflowId =
    typeof session.configuration.workflowId === 'string' ? session.configuration.workflowId : undefined;
  const functionId = functionIdFromArgument(arg) ?? (await askFunctionId(connection, workflowId));
  if (functionId === undefined) return;
  const args: RunToOperationArguments = { functionId };
  await session.customRequest(CustomRequest.RunToOperation, args);
}
