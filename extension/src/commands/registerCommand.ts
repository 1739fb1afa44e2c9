// Registers a command whose failures are logged (with stack) and shown to the user, never lost as rejections.
// Runs in the extension host.
import * as vscode from 'vscode';
import { messageForExtension } from '../history/workflowHistory.js';

export function registerCommand(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, id: string,
  fn: (...args: any[]) => unknown): void {
  context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (e) {
      log.error(`${id} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`DBOS Replay: ${messageForExtension(e)}`);
      return undefined;
    }
  }));
}
