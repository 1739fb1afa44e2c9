// Read-only virtual documents (scheme dbos-replay-output:) showing a step's recorded output or error as JSON.
// Runs in the extension host; the value is read when the document opens, never held by the tree.
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connection/connectionManager.js';
import { formatRecordedValue } from '../history/recordedValue.js';

export const RECORDED_OUTPUT_SCHEME = 'dbos-replay-output';

/** dbos-replay-output:/<workflow id>/<function id>-<function name>.json — the name makes the editor tab readable. */
export function recordedOutputUri(workflowId: string, functionId: number, functionName: string): vscode.Uri {
  const safeName = functionName.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'step';
  return vscode.Uri.from({
    scheme: RECORDED_OUTPUT_SCHEME,
    path: `/${encodeURIComponent(workflowId)}/${functionId}-${safeName}.json`,
  });
}

export function parseRecordedOutputUri(uri: vscode.Uri): { workflowId: string; functionId: number } | undefined {
  const m = /^\/([^/]+)\/(\d+)-[^/]*\.json$/.exec(uri.path);
  return m ? { workflowId: decodeURIComponent(m[1]), functionId: Number(m[2]) } : undefined;
}

export class RecordedOutputProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly connection: ConnectionManager) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const key = parseRecordedOutputUri(uri);
    if (!key) return `// Not a recorded output address: ${uri.toString()}\n`;
    const history = this.connection.history;
    if (!history) return '// Not connected to a DBOS system database. Run "DBOS Replay: Connect to a DBOS System Database".\n';
    const wf = await history.getWorkflow(key.workflowId);
    const op = wf?.operation_outputs.find((o) => o.function_id === key.functionId);
    if (!wf || !op) return `// No recorded step ${key.functionId} of workflow '${key.workflowId}' in ${this.connection.state.kind === 'connected' ? this.connection.state.target : 'the database'}.\n`;
    return formatRecordedValue(op.error ?? op.output);
  }
}
