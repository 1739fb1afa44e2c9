// The slice of the shared HistoryReader the extension uses, so views and commands can be tested with a fake.
// Runs in the extension host.
import { HistoryReader } from '../../../history/src/reader/historyReader.js';

export type {
  WorkflowFilter,
  WorkflowPage,
  PageRequest,
  WorkflowSummary,
  WorkflowDetail,
} from '../../../history/src/reader/readerTypes.js';
export type {
  ExportedWorkflow,
  NotificationRow,
  OperationOutputRow,
  Trace,
  WorkflowEventHistoryRow,
  WorkflowEventRow,
  WorkflowStatusRow,
} from '../../../protocol/traceModel.js';

/** What the views and commands read: the shared reader's listing, one workflow's record, a whole trace. */
export type WorkflowHistory = Pick<HistoryReader, 'listWorkflows' | 'getWorkflow' | 'loadTrace' | 'close' | 'target'>;

/** Opens a read-only connection to a DBOS system database; rejects with a HistoryError (numbered code, clear message). */
export function openWorkflowHistory(url: string): Promise<WorkflowHistory> {
  return HistoryReader.connect(url, { maxConnections: 3 });
}

/** The reader's messages name the CLI's flags; in VS Code the URL comes from elsewhere. */
export function messageForExtension(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text
    .replace(
      /--db \/ DBOS_SYSTEM_DATABASE_URL/g,
      'the dbosReplay.databaseUrl setting (or DBOS_SYSTEM_DATABASE_URL, dbos-config.yaml)',
    )
    .replace(/Point --db at/g, 'Point the dbosReplay.databaseUrl setting at')
    .replace(/ or set --schema/g, '')
    .replace(/Check the ID with `dbos-replay list`\./g, 'Refresh the Workflows view.');
}
