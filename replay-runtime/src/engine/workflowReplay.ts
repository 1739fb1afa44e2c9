// One recorded workflow being re-executed: its function_id counter and the lookup of each durable call
// in the recorded operation_outputs rows (SDK §5.2 semantics plus divergence and end-of-record checks).
// Runs in the user's program.
import type { ExportedWorkflow, OperationOutputRow, WorkflowStatusRow } from '../../../protocol/traceModel.js';
import { callerLocation } from './location.js';
import { emit, hasListener, type ConsumedOperation } from './events.js';
import { operationText, type OperationText } from './values.js';
import { divergenceNote, errors, type DBOSReplayDivergenceError } from '../errors.js';

export interface ReplayHooks {
  /** Records the divergence in the verdict (first one wins) and announces it. */
  onDivergence(err: DBOSReplayDivergenceError): void;
  /** Ends the replay: the recording stops before this call. Never returns. */
  onRecordingEnd(wf: WorkflowReplay, functionId: number, called: string): never;
  /** A replay error inside this workflow (a recorded value that cannot be revived): verdict `error`. */
  onFatal(e: unknown): void;
  /** A recorded operation was consumed (the watchdog's last operation reached). */
  onConsumed?(functionId: number): void;
}

const TERMINAL = new Set(['SUCCESS', 'ERROR']);
/** Turns to wait for an earlier-started row to be reserved before delivering an answer anyway (§9.1). */
const MAX_STALLS = 40;

interface PendingAnswer {
  /** When the recorded run got this answer (epoch ms): the row's completion, or a sleep's deadline. */
  at: number;
  functionId: number;
  release: () => void;
}

function epoch(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

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
  /** Answers the code is waiting for (reserved, not yet delivered) and those of them ready to deliver. */
  private inflight = 0;
  private readonly ready: PendingAnswer[] = [];
  private flushQueued = false;
  private stalls = 0;
  private stallCounter = -1;
  /** minStart[id]: the earliest recorded started_at of any row at function_id >= id (Infinity when none). */
  private readonly minStart: number[];
  /** Set when an answer had to be delivered before an earlier-started recorded operation was reserved. */
  timingNote?: string;
  /** The last delivery chosen among concurrent answers: IDs reserved after it depend on the branches' order. */
  private concurrentFrom?: { functionId: number; counter: number };

  constructor(
    exported: ExportedWorkflow,
    private readonly hooks: ReplayHooks,
  ) {
    this.status = exported.workflow_status;
    this.workflowId = this.status.workflow_uuid;
    for (const r of exported.operation_outputs) this.rows.set(Number(r.function_id), r);
    this.terminal = TERMINAL.has(this.status.status);
    let max = -1;
    for (const id of this.rows.keys()) if (id > max) max = id;
    this.minStart = new Array<number>(max + 2).fill(Infinity);
    for (let id = max; id >= 0; id--) {
      const st = epoch(this.rows.get(id)?.started_at_epoch_ms);
      this.minStart[id] = Math.min(st ?? Infinity, this.minStart[id + 1]);
    }
  }

  // ---- delivery order of concurrent answers (§9.1) ------------------------------------------------------------
  // IDs taken after an await inside concurrent branches follow the order in which the branches resumed in the
  // recorded run. So answers are delivered one at a time in the order the recorded run got them (completed_at,
  // a sleep's deadline), and only once every recorded operation that started before that moment has been reserved:
  // each branch then resumes, and reserves its next ID, in the recorded order. A lone answer goes straight through.

  /** Called synchronously when a durable call that will deliver an answer is made (with its ID reservation). */
  beginAnswer(): void {
    this.inflight++;
  }

  /** Resolves when the answer of `row` may be delivered to the code. */
  answerReady(row: OperationOutputRow, at?: number | null): Promise<void> {
    return new Promise<void>((release) => {
      const completed = at ?? epoch(row.completed_at_epoch_ms);
      this.ready.push({ at: completed ?? -Infinity, functionId: Number(row.function_id), release });
      this.flush();
    });
  }

  private flush(): void {
    if (this.flushQueued || this.ready.length === 0 || this.ready.length < this.inflight) return;
    let best = 0;
    for (let i = 1; i < this.ready.length; i++) {
      const a = this.ready[i];
      const b = this.ready[best];
      if (a.at < b.at || (a.at === b.at && a.functionId < b.functionId)) best = i;
    }
    const next = this.ready[best];
    const earliestUnreserved = this.counter < this.minStart.length ? this.minStart[this.counter] : Infinity;
    if (next.at > earliestUnreserved && !this.halted) {
      // A recorded operation started before this answer arrived but the code has not reserved it yet: let other
      // branches run first (a few event-loop turns, then short timers for non-durable awaits), then deliver anyway.
      if (this.stallCounter !== this.counter) {
        this.stallCounter = this.counter;
        this.stalls = 0;
      }
      if (this.stalls++ < MAX_STALLS) {
        this.queueFlush(this.stalls > 4);
        return;
      }
      this.timingNote ??= divergenceNote.timing(next.functionId, this.counter);
    }
    this.stalls = 0;
    if (this.ready.length > 1) this.concurrentFrom = { functionId: next.functionId, counter: this.counter };
    this.ready.splice(best, 1);
    this.inflight--;
    next.release();
    if (this.ready.length > 0) this.queueFlush(false);
  }

  /** The next delivery after the released branch has run up to its next await (setImmediate drains microtasks). */
  private queueFlush(slow: boolean): void {
    this.flushQueued = true;
    const go = () => {
      this.flushQueued = false;
      this.flush();
    };
    if (slow) setTimeout(go, 2);
    else setImmediate(go);
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
    if (this.halted) throw errors.replayEnded(this.workflowId, name);
    const row = this.rows.get(functionId);
    if (!row) {
      if (!this.terminal) this.hooks.onRecordingEnd(this, functionId, name);
      const later = [...this.rows.keys()].some((id) => id > functionId);
      throw this.diverge(errors.callNotRecorded(this.workflowId, functionId, name, later, callerLocation()));
    }
    if (row.function_name !== name) {
      throw this.diverge(errors.callRenamed(this.workflowId, functionId, row.function_name, name, callerLocation()));
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
    this.hooks.onConsumed?.(functionId);
    let text: OperationText | undefined;
    const rendered = () => (text ??= operationText(row));
    this.operations.push(consumedOperation(row, functionId, args, rendered));
    if (hasListener()) {
      const { output, error } = rendered();
      emit({
        type: 'operation',
        workflowId: this.workflowId,
        functionId,
        name: row.function_name,
        outputSummary: output,
        errorSummary: error,
        childWorkflowId: row.child_workflow_id,
        startedAt: row.started_at_epoch_ms === null ? null : Number(row.started_at_epoch_ms),
        completedAt: row.completed_at_epoch_ms === null ? null : Number(row.completed_at_epoch_ms),
      });
    }
  }

  /**
   * Announces a divergence made by errors.ts (callNotRecorded, callRenamed, callMissing, resultDiffers), noting why
   * concurrent branches may explain it, and returns it to be thrown into the caller.
   */
  diverge(err: DBOSReplayDivergenceError): DBOSReplayDivergenceError {
    if (this.timingNote) divergenceNote.append(err, this.timingNote);
    else if (this.concurrentFrom && err.functionId >= this.concurrentFrom.counter) {
      divergenceNote.append(err, divergenceNote.concurrentOrder(this.concurrentFrom.functionId));
    }
    this.hooks.onDivergence(err);
    return err;
  }

  /** Recorded rows the code never consumed, lowest function_id first. */
  unconsumed(): OperationOutputRow[] {
    return [...this.rows.values()]
      .filter((r) => !this.consumed.has(Number(r.function_id)))
      .sort((a, b) => Number(a.function_id) - Number(b.function_id));
  }

  nextRecorded(): { functionId: number; name: string } | null {
    const r = this.unconsumed()[0];
    return r ? { functionId: Number(r.function_id), name: r.function_name } : null;
  }
}

/**
 * A consumed operation whose `output` and `error` are its recorded outcome rendered for people (operationText), on first
 * read: the trail, the debugger's events and the Workflow scope read them; a batch replay without a trail never does.
 */
function consumedOperation(
  row: OperationOutputRow,
  functionId: number,
  args: unknown[] | undefined,
  rendered: () => OperationText,
): ConsumedOperation {
  const op: ConsumedOperation = { functionId, name: row.function_name, args, childWorkflowId: row.child_workflow_id };
  Object.defineProperties(op, {
    output: { get: () => rendered().output, enumerable: true, configurable: true },
    error: { get: () => rendered().error, enumerable: true, configurable: true },
  });
  return op;
}
