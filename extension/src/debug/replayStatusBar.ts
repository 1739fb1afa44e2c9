// A status bar item naming the recording a running dbos-replay session reads: host/database, or the trace file.
// Runs in the extension host.
import path from 'node:path';
import * as vscode from 'vscode';
import { describeDatabase } from '../../../history/src/db/connection.js';
import { DEBUG_TYPE } from './replayConfigurationProvider.js';

export class ReplayStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dbosReplay.session', vscode.StatusBarAlignment.Left, 10);
  private readonly sessions = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'DBOS Replay';
    this.subscriptions.push(
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type !== DEBUG_TYPE) return;
        this.sessions.set(s.id, ReplayStatusBar.label(s.configuration));
        this.update();
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (this.sessions.delete(s.id)) this.update();
      }),
    );
  }

  /** `host:port/db` (no user, no password) or the trace file's name. */
  static label(config: vscode.DebugConfiguration): string {
    if (typeof config.traceFile === 'string' && config.traceFile) return `$(file) ${path.basename(config.traceFile)}`;
    if (typeof config.databaseUrl === 'string' && config.databaseUrl)
      return `$(database) ${describeDatabase(config.databaseUrl)}`;
    return '$(database) database from the environment';
  }

  private update(): void {
    const labels = [...new Set(this.sessions.values())];
    if (labels.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(debug-alt) DBOS Replay ${labels.join(', ')}`;
    this.item.tooltip = `A DBOS Replay session reads its recording from ${labels.map((l) => l.replace(/^\$\([\w-]+\) /, '')).join(', ')} (read-only).`;
    this.item.command = 'workbench.view.extension.dbosReplay';
    this.item.show();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.item.dispose();
  }
}
