// Read-only virtual documents (scheme dbos-replay-value:) showing one recorded value as pretty JSON with comments.
// Runs in the extension host; the value is decoded when the document opens, never held by the tree.
import * as vscode from 'vscode';
import { decodeValueKey, recordedValueText } from '../history/recordedValueText.js';
import { messageForExtension, type WorkflowDetail } from '../history/workflowHistory.js';

export class RecordedValueProvider implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly detail: (workflowId: string) => Promise<WorkflowDetail>,
    private readonly connectedTo: () => string | undefined,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const key = decodeValueKey(uri.query);
    if (!key) return `// Not a recorded value address: ${uri.toString()}\n`;
    const target = this.connectedTo();
    if (!target)
      return '// Not connected to a DBOS system database. Run "DBOS Replay: Connect to a DBOS System Database".\n';
    try {
      const text = await recordedValueText(await this.detail(key.workflowId), key);
      return (
        text ??
        `// Workflow '${key.workflowId}' at ${target} has no such recorded value (${JSON.stringify(key)}). Refresh the Workflows view.\n`
      );
    } catch (e) {
      return `// Cannot read workflow '${key.workflowId}': ${messageForExtension(e).replace(/\n/g, ' ')}\n`;
    }
  }
}
