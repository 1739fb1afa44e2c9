// Logs the DAP traffic of dbos-replay sessions at trace level (passwords redacted) and a failed launch at error level.
// Runs in the extension host.
import * as vscode from 'vscode';
import { describeDapMessage, launchFailure } from './dapRedaction.js';

export class DapTrafficTrackerFactory implements vscode.DebugAdapterTrackerFactory {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    const log = this.log;
    const tag = `[${session.name}]`;
    return {
      onWillReceiveMessage: (m) => log.trace(`${tag} ${describeDapMessage('→', m)}`),
      onDidSendMessage: (m) => {
        log.trace(`${tag} ${describeDapMessage('←', m)}`);
        const failure = launchFailure(m);
        if (failure) log.error(`${tag} launch failed: ${failure}`);
      },
      onError: (e) => log.error(`${tag} debug adapter error: ${e.message}`),
      onExit: (code, signal) => {
        if (code || signal) log.warn(`${tag} debug adapter exited (${signal ?? 'code ' + code})`);
        else log.info(`${tag} debug adapter exited`);
      },
    };
  }
}
