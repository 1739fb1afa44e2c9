// The replay stand-in for the SDK's Debouncer (5.3.0 debouncer.js): inside the replayed workflow each bounce
// attempt answers from its recorded `DBOS.debounceDelayedWorkflow` row (the DebounceResult, native), and a fresh
// debounced workflow's start answers from the recorded child-start row, in the SDK's loop and order. Runs in the
// user's program; nothing is enqueued or written.
import {
  DBOSError,
  DBOSQueueDuplicatedError,
  QueueDedupIDDuplicated,
  getDBOSErrorCode,
} from '@dbos-inc/dbos-sdk/internal/error';
import { PortableWorkflowError } from '../../../node_modules/@dbos-inc/dbos-sdk/dist/schemas/system_db_schema.js';
import { classNameOf, registrationOf, type AnyFn } from '../engine/registry.js';
import { errors } from '../errors.js';
import { answerRow, workflowOf } from './answer.js';
import { ReplayHandle } from './handles.js';
import { DBOS, startCall } from './dbos.js';

const INTERNAL_QUEUE_NAME = '_dbos_internal_queue';

/** What a bounce records (`DBOS.debounceDelayedWorkflow`'s output). */
export interface DebounceResult {
  bouncedWorkflowID: string | null;
  holderWorkflowID: string | null;
  holderIsDebounced: boolean;
  holderWorkflowName: string | null;
  holderWorkflowClassName: string | null;
  holderApplicationName?: string | null;
}

interface StartParams {
  workflowID?: string;
  queueName?: string;
  enqueueOptions?: Record<string, unknown>;
  duplicationPolicy?: string;
  workflowIDReusePolicy?: string;
  [k: string]: unknown;
}

export interface DebouncerConfig {
  workflow: AnyFn;
  startWorkflowParams?: StartParams;
  debounceTimeoutMs?: number;
  applicationName?: string;
}

function isQueueDeduplicatedError(e: unknown): boolean {
  if (e instanceof Error && getDBOSErrorCode(e) === QueueDedupIDDuplicated) return true;
  return e instanceof PortableWorkflowError && e.name === DBOSQueueDuplicatedError.name;
}

/** The SDK's checks on the start parameters, same messages, before any ID is reserved. */
function rejectConflictingOptions(params: StartParams | undefined, rejectApplicationName = false): void {
  const o = params?.enqueueOptions;
  if (rejectApplicationName && o?.applicationName !== undefined) {
    throw new DBOSError(
      "Cannot debounce a workflow with an applicationName set: the debouncer's own applicationName option names the target application.",
    );
  }
  if (o?.deduplicationID !== undefined)
    throw new DBOSError(
      'Cannot debounce a workflow with a deduplicationID set: the debounce key is used as the workflow deduplication ID.',
    );
  if (o?.delaySeconds !== undefined)
    throw new DBOSError('Cannot debounce a workflow with a delay set: the debounce period controls the delay.');
  if (o?.priority !== undefined)
    throw new DBOSError(
      'Cannot debounce a workflow with a priority set: priority is not supported for debounced workflows.',
    );
  if (o?.queuePartitionKey !== undefined)
    throw new DBOSError(
      'Cannot debounce a workflow with a queue partition key set: partition keys are not supported for debounced workflows.',
    );
  if (params?.duplicationPolicy === 'return-existing')
    throw new DBOSError(
      "Cannot debounce a workflow with duplicationPolicy 'return-existing': a debounce owns the deduplication behavior.",
    );
  if (params?.workflowIDReusePolicy === 'reject')
    throw new DBOSError(
      "Cannot debounce a workflow with workflowIDReusePolicy 'reject': a debounce owns how its workflow is started.",
    );
}

/** The SDK's classifyBounce, applied to the recorded DebounceResult. */
function classifyBounce(
  r: DebounceResult,
  name: string,
  className: string,
  targetApp: string | undefined,
): 'return' | 'enqueue' | 'raise' | 'retry' {
  if (r.bouncedWorkflowID !== null) return 'return';
  if (r.holderWorkflowID === null) return 'enqueue';
  if (!r.holderIsDebounced) return 'raise';
  if (r.holderWorkflowName !== name || (r.holderWorkflowClassName ?? '') !== className) return 'raise';
  const holderApp = r.holderApplicationName ?? null;
  if (targetApp !== undefined && holderApp !== null && holderApp !== targetApp) return 'raise';
  return 'retry';
}

export class Debouncer {
  private readonly params: DebouncerConfig;
  constructor(params: DebouncerConfig) {
    this.params = params;
  }

  async debounce(debounceKey: string, debouncePeriodMs: number, ...args: unknown[]): Promise<ReplayHandle> {
    if (debouncePeriodMs <= 0) throw Error(`debouncePeriodMs must be positive, not ${debouncePeriodMs}`);
    rejectConflictingOptions(this.params.startWorkflowParams, true);
    const reg = registrationOf(this.params.workflow);
    const name = reg?.name ?? this.params.workflow.name;
    const className = reg ? classNameOf(reg) : '';
    const queueName = this.params.startWorkflowParams?.queueName ?? INTERNAL_QUEUE_NAME;
    const deduplicationID = `${className}.${name}-${debounceKey}`;
    if (!reg || reg.kind !== 'workflow') throw new DBOSError(`Invalid workflow name provided to debouncer: ${name}`);
    const wf = workflowOf('Debouncer.debounce');
    // The owner of the bounce as the SDK scopes it: the debouncer's applicationName, else the app's config name.
    const targetApp =
      this.params.applicationName ??
      (DBOS.config?.name as string | undefined) ??
      (wf.status as { application_name?: string | null }).application_name ??
      undefined;
    for (;;) {
      // The SDK serializes the arguments (an await) before reserving the bounce's ID (§9.1).
      await Promise.resolve();
      const bounce = wf.take(wf.nextId(), 'DBOS.debounceDelayedWorkflow', [debounceKey, debouncePeriodMs, ...args]);
      const result = (await answerRow(bounce)) as DebounceResult;
      const action = classifyBounce(result, name, className, targetApp);
      if (action === 'return') return new ReplayHandle(result.bouncedWorkflowID!);
      if (action === 'raise')
        throw new DBOSQueueDuplicatedError(
          this.params.startWorkflowParams?.workflowID ?? '',
          queueName,
          deduplicationID,
        );
      if (action === 'retry') continue;
      try {
        return await startCall(reg.name, args, `Debouncer.debounce(${reg.name})`);
      } catch (e) {
        if (!isQueueDeduplicatedError(e)) throw e;
      }
    }
  }
}

/** The client-side debouncer enqueues through DBOSClient, which the replay does not provide. */
export class DebouncerClient {
  constructor(_client: unknown, _params: unknown) {}
  debounce(): Promise<never> {
    return Promise.reject(errors.debouncerClient());
  }
}
