// One recorded workflow being re-executed: its function_id counter and the lookup of each durable call
// in the recorded operation_outputs rows (SDK §5.2 semantics plus divergence and end-of-record checks).
// Runs in the user's program.
import type { ExportedWorkflow, OperationOutputRow, WorkflowStatusRow } from '../../../history/src/trace/traceModel.js';
import { callerLocation } from './location.js';
import { emit, hasListener, type ConsumedOperation } from './events.js';
import { DBOSReplayDivergenceError } from './divergenceError.js';
import { shorten } from './values.js';

export interface ReplayHooks {
  /** Records the divergence in the verdict (first one wins) and announces it. */
  onDivergence(err: DBOSReplayDivergenceError): void;
  /** Ends the replay: the recording stops before this call. Never returns. */
  onRecordingEnd(wf: WorkflowReplay, functionId: number, called: string): never;
  /** A replay error inside this workflow (a recorded value that cannot be revived): verdict `error`. */
  onFatal(e: unknown): void;
}

const TERMINAL = new Set(['SUCCESS', 'ERROR']);

export class WorkflowReplay {
  readonly workflowId: string;
  readonly status: WorkflowStatusRow;
  readonly rows = new Map<number, OperationOutputRow>();
  readonly consumed = new Set<number>();
  readonly operations: ConsumedOperation[] = [];
  /** SUCCESS or ERROR: the recording is complete, so a missing row is a divergence, not the end. */
  readonly terminal: boolean;
  private counter = 0;
  /** Set once this workflow's verdict is written (batch mode): its code may still run, but gets no more answers. */
  private halted = false;

  constructor(exported: ExportedWorkflow, private readonly hooks: ReplayHooks) {
    this.status = exported.workflow_status;
    this.workflowId = this.status.workflow_uuid;
    for (const r of exported.operation_outputs) this.rows.set(Number(r.function_id), r);
    this.terminal = TERMINAL.has(this.status.status);
  }

  /** The SDK's functionIDGetIncrement: reserve the next ID, synchronously. */
  nextId(): number {
    return this.counter++;
  }

  /** The counter's current value without reserving it (DBOS.patch peeks). */
  peekId(): number {
    return this.counter;
  }

  halt(): void {
    this.halted = true;
  }

  fatal(e: unknown): void {
    this.hooks.onFatal(e);
  }

  row(functionId: number): OperationOutputRow | undefined {
    return this.rows.get(functionId);
  }

  /**
   * The recorded row at `functionId` for a call named `name`: checks the name strictly as the SDK does,
   * throws a divergence into the caller, or ends the replay where an incomplete recording stops.
   * Must be called synchronously from the user's call so the divergence location is the call site.
   */
  take(functionId: number, name: string, args?: unknown[]): OperationOutputRow {
    if (this.halted) throw new Error(`dbos-replay: the replay of workflow ${this.workflowId} has ended; ${name} gets no answer`);
    const row = this.rows.get(functionId);
    if (!row) {
      if (!this.terminal) this.hooks.onRecordingEnd(this, functionId, name);
      const later = [...this.rows.keys()].some((id) => id > functionId);
      throw this.diverge(functionId, 'extra-call', null, name,
        later
          ? `Replay of workflow ${this.workflowId} diverged at step ${functionId}: the code called ${name}, but nothing was recorded at this function_id.`
          : `Replay of workflow ${this.workflowId} diverged at step ${functionId}: the code called ${name}, one call more than the recording has.`);
    }
    if (row.function_name !== name) {
      throw this.diverge(functionId, 'renamed', row.function_name, name);
    }
    this.consume(row, args);
    return row;
  }

  /** Marks an auxiliary row (a timeout timer) consumed if it is there and is what the SDK would have written. */
  takeOptional(functionId: number, name: string): void {
    const row = this.rows.get(functionId);
    if (row && row.function_name === name && !this.consumed.has(functionId)) this.consume(row);
  }

  private consume(row: OperationOutputRow, args?: unknown[]): void {
    const functionId = Number(row.function_id);
    this.consumed.add(functionId);
    this.operations.push({
      functionId,
      name: row.function_name,
      args,
      output: row.output,
      error: row.error,
      childWorkflowId: row.child_workflow_id,
    });
    if (hasListener()) {
      emit({
        type: 'operation',
        workflowId: this.workflowId,
        functionId,
        name: row.function_name,
        outputSummary: shorten(row.output),
        errorSummary: shorten(row.error),
        childWorkflowId: row.child_workflow_id,
        startedAt: row.started_at_epoch_ms === null ? null : Number(row.started_at_epoch_ms),
        completedAt: row.completed_at_epoch_ms === null ? null : Number(row.completed_at_epoch_ms),
      });
    }
  }

  diverge(functionId: number, kind: 'renamed' | 'extra-call' | 'missing-call' | 'result', recorded: string | null,
    called: string | null, message?: string): DBOSReplayDivergenceError {
    const location = kind === 'renamed' || kind === 'extra-call' ? callerLocation() : null;
    const err = new DBOSReplayDivergenceError(this.workflowId, functionId, kind, recorded, called, location, message);
    this.hooks.onDivergence(err);
    return err;
  }

  /** Recorded rows the code never consumed, lowest function_id first. */
  unconsumed(): OperationOutputRow[] {
    return [...this.rows.values()].filter((r) => !this.consumed.has(Number(r.function_id)))
      .sort((a, b) => Number(a.function_id) - Number(b.function_id));
  }

  nextRecorded(): { functionId: number; name: string } | null {
    const r = this.unconsumed()[0];
    return r ? { functionId: Number(r.function_id), name: r.function_name } : null;
  }
}
