// The module objects that stand in for `@dbos-inc/dbos-sdk` and `@dbos-inc/dbos-sdk/datasource` in replay.
// Runs in the user's program.
import * as SdkErrors from '@dbos-inc/dbos-sdk/internal/error';
import { PortableWorkflowError } from '../../../node_modules/@dbos-inc/dbos-sdk/dist/schemas/system_db_schema.js';
import { register, type AnyFn, type Registration } from '../engine/registry.js';
import { DBOSReplayDivergenceError, errors } from '../errors.js';
import { callRecorded } from './answer.js';
import { DBOS } from './dbos.js';
import { Debouncer, DebouncerClient } from './debouncer.js';
import { ConfiguredInstance } from './registration.js';

export const StatusString = {
  PENDING: 'PENDING',
  SUCCESS: 'SUCCESS',
  ERROR: 'ERROR',
  MAX_RECOVERY_ATTEMPTS_EXCEEDED: 'MAX_RECOVERY_ATTEMPTS_EXCEEDED',
  CANCELLED: 'CANCELLED',
  ENQUEUED: 'ENQUEUED',
  DELAYED: 'DELAYED',
} as const;

/** 4.x API: queues were created with `new WorkflowQueue(name, opts)`; nothing is polled in replay. */
export class WorkflowQueue {
  constructor(
    readonly name: string,
    readonly options: Record<string, unknown> = {},
  ) {}
}

export class DBOSClient {
  static create(): Promise<never> {
    return Promise.reject(errors.dbosClient());
  }
}

const Errors = { ...SdkErrors, DBOSReplayDivergenceError };

export const sdkModule: Record<string, unknown> = {
  __esModule: true,
  DBOS,
  ConfiguredInstance,
  DBOSClient,
  Debouncer,
  DebouncerClient,
  PortableWorkflowError,
  StatusString,
  WorkflowQueue,
  Error: Errors,
  DBOSWorkflowConflictError: SdkErrors.DBOSWorkflowConflictError,
  DBOSStepNondeterminismError: SdkErrors.DBOSStepNondeterminismError,
  DBOSReplayDivergenceError,
  default: undefined,
};
sdkModule.default = sdkModule;

// ---- @dbos-inc/dbos-sdk/datasource --------------------------------------------------------------------------

/** A data-source transaction inside the replayed workflow: one ID, the recorded outcome; nothing runs. */
export function runTransaction<T>(_callback: () => Promise<T>, funcName: string, _options?: unknown): Promise<T> {
  return callRecorded(funcName, [], `transaction ${funcName}`) as Promise<T>;
}

export function registerTransaction<F extends AnyFn>(_dsName: string, func: F, config?: { name?: string }): F {
  const name = config?.name ?? func.name;
  const reg: Registration = { kind: 'transaction', name, fn: func, config: config ?? {} };
  const invoker = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return callRecorded(name, args, `transaction ${name}`);
  };
  Object.defineProperty(invoker, 'name', { value: name });
  register(reg, invoker);
  return invoker as unknown as F;
}

/**
 * The SDK's own class (datasource.js), same name and message: a data source imports it by name, which an ES module
 * must resolve at link time, and recognizes it with instanceof in its conflict handler.
 */
export class DBOSStepAlreadyRecordedError extends Error {
  constructor(workflowID: string, stepID: number) {
    super(`Step ${stepID} of workflow ${workflowID} was already recorded by a concurrent execution`);
    this.name = 'DBOSStepAlreadyRecordedError';
  }
}

export const datasourceModule: Record<string, unknown> = {
  __esModule: true,
  runTransaction,
  registerTransaction,
  registerDataSource: (_ds: unknown) => undefined,
  PGIsolationLevel: Object.freeze({
    ReadUncommitted: 'READ UNCOMMITTED',
    ReadCommitted: 'READ COMMITTED',
    RepeatableRead: 'REPEATABLE READ',
    Serializable: 'SERIALIZABLE',
  }),
  DBOSError: SdkErrors.DBOSError,
  DBOSWorkflowConflictError: SdkErrors.DBOSWorkflowConflictError,
  DBOSStepAlreadyRecordedError,
  DATASOURCE_MIGRATIONS_TABLE: 'dbos_transaction_completion_migrations',
  assertStillOwnsWorkflow: async () => undefined,
  // Schema set-up of data sources would touch a database: in replay they succeed without doing anything.
  migrateDataSourcePG: async () => undefined,
  verifyDataSourcePG: async () => undefined,
  initializeDataSourceSchemaPG: async () => undefined,
  getDataSourceMigrationsPG: () => [],
  getDataSourcePermissionsSQL: () => [],
  checkSchemaInstallationPG: async () => undefined,
  createTransactionCompletionSchemaPG: '',
  createTransactionCompletionTablePG: '',
  isPGRetriableTransactionError: () => false,
  isPGKeyConflictError: () => false,
  guardDataSourcePoolPG: () => undefined,
  replayRecordedStep: () => {
    throw errors.replayRecordedStep();
  },
  default: undefined,
};
datasourceModule.default = datasourceModule;
