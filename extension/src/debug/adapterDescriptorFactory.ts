// Starts the bundled debug adapter (dist/debug-adapter.js) as its own Node process, one per session.
// Runs in the extension host.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { errors } from '../errors.js';

export class ReplayAdapterDescriptorFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string, private readonly logDir: string, private readonly log: vscode.LogOutputChannel) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const adapter = path.join(this.extensionPath, 'dist', 'debug-adapter.js');
    if (!existsSync(adapter)) {
      throw errors.adapterMissing(adapter);
    }
    mkdirSync(this.logDir, { recursive: true });
    const logFile = path.join(this.logDir, `debug-adapter-${session.id}.log`);
    this.log.info(`Starting the debug adapter for "${session.name}" (log ${logFile})`);
    // The extension host's own executable: Node in code-server, Electron in desktop VS Code (which needs ELECTRON_RUN_AS_NODE).
    return new vscode.DebugAdapterExecutable(process.execPath, [adapter, '--log', logFile], { env: { ELECTRON_RUN_AS_NODE: '1' } });
  }
}
