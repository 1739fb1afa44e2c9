// Starts the bundled debug adapter (dist/debug-adapter.js) as its own Node process, one per session, or connects to
// one already serving on a port (for debugging the adapter itself). Runs in the extension host.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { ADAPTER_SERVER_PORT_ENV } from '../../../protocol/dapProtocol.js';
import { errors } from '../errors.js';

export class ReplayAdapterDescriptorFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(
    private readonly extensionPath: string,
    private readonly logDir: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const serverPort = Number(process.env[ADAPTER_SERVER_PORT_ENV]);
    if (Number.isInteger(serverPort) && serverPort > 0) {
      this.log.info(
        `Connecting "${session.name}" to the debug adapter serving on 127.0.0.1:${serverPort} (${ADAPTER_SERVER_PORT_ENV})`,
      );
      return new vscode.DebugAdapterServer(serverPort, '127.0.0.1');
    }
    const adapter = path.join(this.extensionPath, 'dist', 'debug-adapter.js');
    if (!existsSync(adapter)) {
      throw errors.adapterMissing(adapter);
    }
    mkdirSync(this.logDir, { recursive: true });
    const logFile = path.join(this.logDir, `debug-adapter-${session.id}.log`);
    this.log.info(`Starting the debug adapter for "${session.name}" (log ${logFile})`);
    // The extension host's own executable: Node in code-server, Electron in desktop VS Code (which needs ELECTRON_RUN_AS_NODE).
    return new vscode.DebugAdapterExecutable(process.execPath, [adapter, '--log', logFile], {
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
  }
}
