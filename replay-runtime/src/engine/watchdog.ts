// The per-workflow time limit of a headless replay (ReplayEnv.timeoutMs): the main thread marks each workflow's start,
// each consumed operation and its end in shared memory; a worker thread (watchdogWorker.ts) that the workflow's own
// code cannot block writes the `timeout` verdict and ends the process. Runs in the user's program (main thread).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { ReplayEnv } from '../../../protocol/replayProtocol.js';

/** Int32 cells: the run sequence (odd while a workflow runs; CLAIMED once the watchdog wrote a timeout), the last consumed function_id, the count consumed. */
export const Cell = { seq: 0, lastOp: 1, consumed: 2 } as const;
export const CLAIMED = -1;

/** What the worker needs to write the verdict of the running workflow (posted once per workflow). */
export interface WatchedRun {
  workflowId: string;
  workflowName: string;
  recorded: number;
  /** function_id → function_name of the recorded operations. */
  names: Record<number, string>;
}

export interface WatchdogData {
  cells: SharedArrayBuffer;
  port: MessagePort;
  limitMs: number;
  resultFile: string | undefined;
  /** A batch fed through a pipe (ReplayEnv.batchFd): the verdict goes back on it instead of the result file. */
  batchFd: number | undefined;
  batch: boolean;
}

export class Watchdog {
  private readonly cells: Int32Array;
  private readonly port: MessagePort;

  private constructor(cells: SharedArrayBuffer, port: MessagePort) {
    this.cells = new Int32Array(cells);
    this.port = port;
  }

  /** The watchdog of this process, or undefined without a limit (debug sessions) or without the built worker file. */
  static start(env: NodeJS.ProcessEnv, runtimeFile: string): Watchdog | undefined {
    const limitMs = Number(env[ReplayEnv.timeoutMs] ?? '');
    if (!Number.isFinite(limitMs) || limitMs <= 0) return undefined;
    const file = path.join(path.dirname(runtimeFile), 'replay-runtime-watchdog.js');
    if (!existsSync(file)) return undefined;
    const cells = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    const { port1, port2 } = new MessageChannel();
    const data: WatchdogData = {
      cells,
      port: port2,
      limitMs,
      resultFile: env[ReplayEnv.resultFile],
      batchFd: /^\d+$/.test(env[ReplayEnv.batchFd] ?? '') ? Number(env[ReplayEnv.batchFd]) : undefined,
      batch: !!env[ReplayEnv.batchFile] || !!env[ReplayEnv.batchFd],
    };
    // execArgv [] : neither the runtime preload nor a TypeScript loader runs in the worker.
    const worker = new Worker(file, { workerData: data, transferList: [port2], execArgv: [], stdout: false });
    worker.unref();
    port1.unref();
    return new Watchdog(cells, port1);
  }

  /** A workflow starts: its limit counts from now. */
  begin(run: WatchedRun): void {
    this.port.postMessage(run);
    Atomics.store(this.cells, Cell.lastOp, -1);
    Atomics.store(this.cells, Cell.consumed, 0);
    const seq = Atomics.load(this.cells, Cell.seq);
    if (seq === CLAIMED) return;
    // No notify: the worker polls, so a workflow costs two stores, not two thread wake-ups.
    Atomics.store(this.cells, Cell.seq, seq % 2 === 0 ? seq + 1 : seq + 2);
  }

  reached(functionId: number): void {
    Atomics.store(this.cells, Cell.lastOp, functionId);
    Atomics.add(this.cells, Cell.consumed, 1);
  }

  /** The running workflow's verdict is about to be written: false when the watchdog already wrote its timeout. */
  end(): boolean {
    const seq = Atomics.load(this.cells, Cell.seq);
    if (seq === CLAIMED) return false;
    if (seq % 2 === 0) return true;
    return Atomics.compareExchange(this.cells, Cell.seq, seq, seq + 1) === seq;
  }
}
