// The trace: a self-contained, versioned JSON document with everything recorded for one workflow and its
// descendants. Shared by the CLI, the debug adapter, the extension and the replay runtime (any process).

/**
 * Rows exactly as the SDK stores them (snake_case columns), the shape of the SDK's own
 * `ExportedWorkflow` (system_database.ts `exportWorkflow`), so a DBOS export can be replayed and our trace
 * imported by DBOS. Serialized payloads stay the raw strings that were stored: deserialization belongs to
 * the replay runtime. Epoch-millisecond `bigint` columns are JSON numbers.
 */
export interface WorkflowStatusRow {
  workflow_uuid: string;
  status: string;
  name: string;
  class_name: string | null;
  config_name: string | null;
  authenticated_user: string | null;
  assumed_role: string | null;
  authenticated_roles: string | null;
  /** Serialized inputs: COALESCE(workflow_input.inputs, workflow_status.inputs), as the SDK reads them. */
  inputs: string | null;
  /** Serialized output: COALESCE(workflow_output.output, workflow_status.output). */
  output: string | null;
  /** Serialized error: COALESCE(workflow_output.error, workflow_status.error). */
  error: string | null;
  executor_id: string | null;
  created_at: number;
  updated_at: number;
  application_version: string | null;
  application_id: string | null;
  recovery_attempts: number | null;
  queue_name: string | null;
  workflow_timeout_ms: number | null;
  workflow_deadline_epoch_ms: number | null;
  started_at_epoch_ms: number | null;
  deduplication_id: string | null;
  priority: number | null;
  queue_partition_key: string | null;
  forked_from: string | null;
  parent_workflow_id: string | null;
  /** `js_superjson`, `portable_json`, a custom serializer's name, or NULL (= the app's configured serializer). */
  serialization: string | null;
  completed_at?: number | null;
  /** Columns of newer SDKs that the replay does not need are kept as read. */
  [column: string]: unknown;
}

export interface OperationOutputRow {
  workflow_uuid: string;
  function_id: number;
  function_name: string;
  output: string | null;
  error: string | null;
  child_workflow_id: string | null;
  started_at_epoch_ms: number | null;
  completed_at_epoch_ms: number | null;
  serialization: string | null;
  [column: string]: unknown;
}

export interface WorkflowEventRow {
  workflow_uuid: string;
  key: string;
  value: string;
  serialization: string | null;
}

export interface WorkflowEventHistoryRow extends WorkflowEventRow {
  function_id: number;
}

export interface StreamRow {
  workflow_uuid: string;
  key: string;
  value: string;
  offset: number;
  function_id: number;
  serialization: string | null;
}

/** Messages sent to a workflow (dbos.notifications). Not part of the SDK's export; kept for the views. */
export interface NotificationRow {
  message_uuid: string;
  destination_uuid: string;
  topic: string | null;
  message: string;
  created_at_epoch_ms: number;
  serialization: string | null;
  consumed: boolean;
  consumed_by_function_id: number | null;
}

/** The SDK's export shape for one workflow. */
export interface ExportedWorkflow {
  workflow_status: WorkflowStatusRow;
  operation_outputs: OperationOutputRow[];
  workflow_events: WorkflowEventRow[];
  workflow_events_history: WorkflowEventHistoryRow[];
  streams: StreamRow[];
}

export const TRACE_FORMAT = 'dbos-replay-trace';
export const TRACE_FORMAT_VERSION = 1;

/** Where a trace came from; never holds a password. */
export interface TraceSource {
  kind: 'postgres' | 'dbos-export' | 'file';
  /** Host, port and database name only (no user, no password). */
  database?: string;
  schema?: string;
  /** dbos.dbos_migrations.version of the source database. */
  migrationVersion?: number;
  /** Which schema generation the rows were read from. */
  generation?: 'v5' | 'v4';
}

/** Envelope around the SDK's `ExportedWorkflow[]`: the root workflow first, then its descendants. */
export interface Trace {
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_FORMAT_VERSION;
  /** ISO time the trace was made. */
  createdAt: string;
  source: TraceSource;
  rootWorkflowId: string;
  workflows: ExportedWorkflow[];
  /** Messages addressed to the workflows of this trace, by destination. Optional: DBOS exports lack it. */
  notifications?: NotificationRow[];
}
