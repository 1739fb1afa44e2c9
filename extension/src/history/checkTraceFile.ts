// Reads a trace file before a replay starts, so a file that is not a trace fails with a clear message, not in the adapter.
// Runs in the extension host; pure (no 'vscode'), unit-tested.
import { readTraceFile } from '../../../history/src/trace/traceFile.js';
import { messageForExtension } from './workflowHistory.js';

export type TraceCheck = { ok: true; rootWorkflowId: string; workflows: number } | { ok: false; message: string };

export async function checkTraceFile(file: string): Promise<TraceCheck> {
  try {
    const trace = await readTraceFile(file);
    return { ok: true, rootWorkflowId: trace.rootWorkflowId, workflows: trace.workflows.length };
  } catch (e) {
    return { ok: false, message: messageForExtension(e) };
  }
}
