// What the extension needs from the history reader: the tree view and the output documents read through it.
// Runs in the extension host. Swaps to the shared HistoryReader (history/src/reader) once it lands on main.
import type { WorkflowFilter, WorkflowPage, PageRequest } from '../../../history/src/reader/readerTypes.js';
import type { ExportedWorkflow } from '../../../history/src/trace/traceModel.js';
import { InterimHistoryReader } from './interimHistoryReader.js';

export type { WorkflowFilter, WorkflowPage, PageRequest, WorkflowSummary } from '../../../history/src/reader/readerTypes.js';
export type { ExportedWorkflow, OperationOutputRow, WorkflowStatusRow } from '../../../history/src/trace/traceModel.js';

/** The reader's interface (`HistoryReader.connect/listWorkflows/getWorkflow/close`) as the views use it. */
export interface WorkflowHistory {
  listWorkflows(filter: WorkflowFilter, page: PageRequest): Promise<WorkflowPage>;
  /** The workflow's recorded rows, or undefined when there is no such workflow. */
  getWorkflow(workflowId: string): Promise<ExportedWorkflow | undefined>;
  close(): Promise<void>;
}

/** Opens a read-only connection to a DBOS system database; rejects with the driver's error (code kept). */
export async function openWorkflowHistory(url: string): Promise<WorkflowHistory> {
  return InterimHistoryReader.connect(url);
}
