// Registers a command whose failures are logged (with stack) and shown to the user, never lost as rejections.
// Runs in the extension host.
import * as vscode from 'vscode';
import { messageForExtension } from '../history/workflowHistory.js';

/** A command's handler: VS Code passes whatever the caller gave (a tree node, lens arguments, nothing). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers narrow their own arguments, as vscode.commands.registerCommand types them
export type CommandHandler = (...args: any[]) => unknown;

export function registerCommand(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  id: string,
  fn: CommandHandler,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        log.error(`${id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        void vscode.window.showErrorMessage(`DBOS Replay: ${messageForExtension(e)}`);
        return undefined;
      }
    }),
  );
}
