// Types of the history reader's answers: what the CLI, the tree view and the debug adapter consume.
// Shared code (any process).
import type { ExportedWorkflow, NotificationRow } from '../../../protocol/traceModel.js';

/** What a connected database is, as detected from its `dbos` schema. */
export interface SchemaInfo {
  /** Schema name, `dbos` unless configured. */
  schema: string;
  /** `<schema>.dbos_migrations.version`. */
  migrationVersion: number;
  /** `v5`: payloads in workflow_input / workflow_output (migration 109+); `v4`: payloads on workflow_status only. */
  generation: 'v5' | 'v4';
  /** Whether the payload tables exist (reads use COALESCE(payload table, legacy column)). */
  hasPayloadTables: boolean;
}

/** Filters of the workflow listing; every field optional, combined with AND. */
export interface WorkflowFilter {
  status?: string[];
  name?: string;
  className?: string;
  queueName?: string;
  /** Workflow ID prefix (LIKE with escaping, never a pattern from the user). */
  idPrefix?: string;
  parentWorkflowId?: string;
  /** Epoch ms, inclusive. */
  createdAfter?: number;
  /** Epoch ms, exclusive. */
  createdBefore?: number;
  applicationVersion?: string;
}

export interface PageRequest {
  /** Page size, 1..1000, default 50. */
  limit?: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string | null;
}

/** One row of the listing: newest first by (created_at, workflow_uuid). */
export interface WorkflowSummary {
  workflowId: string;
  name: string;
  className: string | null;
  configName: string | null;
  status: string;
  /** Epoch ms (DB clock). */
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  queueName: string | null;
  parentWorkflowId: string | null;
  applicationVersion: string | null;
  forkedFrom: string | null;
}

export interface WorkflowPage {
  workflows: WorkflowSummary[];
  nextCursor: string | null;
}

/** Everything recorded for one workflow, rows as the SDK stores them (payloads not deserialized). */
export interface WorkflowDetail {
  /** The row of the listing for this workflow. */
  summary: WorkflowSummary;
  /** The SDK's export shape: status row (payloads COALESCEd), operations in function_id order, events, streams. */
  exported: ExportedWorkflow;
  /** Workflows whose parent_workflow_id is this one, oldest first. */
  children: WorkflowSummary[];
  /** Messages sent to this workflow, oldest first. */
  notifications: NotificationRow[];
}
