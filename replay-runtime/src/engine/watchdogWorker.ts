// The watchdog thread (built as dist/replay-runtime-watchdog.js): waits on the shared cells of watchdog.ts and, when a
// workflow runs past its limit, writes its `timeout` verdict and kills the process. Runs in a worker thread of the user's program.
import { appendFileSync, writeFileSync, writeSync } from 'node:fs';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { ExitCode, VERDICT_LINE_PREFIX, type Verdict } from '../../../protocol/replayProtocol.js';
import { errors } from '../errors.js';
import { CLAIMED, Cell, type WatchdogData, type WatchedRun } from './watchdog.js';

const data = workerData as WatchdogData;
const cells = new Int32Array(data.cells);
let run: WatchedRun | undefined;

/** The latest workflow the main thread announced (drained on every wake, so the queue never grows). */
function drain(): void {
  for (let m = receiveMessageOnPort(data.port); m; m = receiveMessageOnPort(data.port)) run = m.message as WatchedRun;
}

function timedOut(): void {
  drain();
  const last = Atomics.load(cells, Cell.lastOp);
  const name = last >= 0 ? (run?.names[last] ?? '') : null;
  const limitSeconds = data.limitMs / 1000;
  const id = run?.workflowId ?? '';
  const message = errors.timedOut(
    `${id}${run?.workflowName ? ` (${run.workflowName})` : ''}`,
    limitSeconds,
    last >= 0 ? { functionId: last, name: name ?? '' } : null,
  ).message;
  const v: Verdict = {
    workflowId: id,
    workflowName: run?.workflowName,
    verdict: 'timeout',
    recordedResult: null,
    replayedResult: null,
    operations: { consumed: Atomics.load(cells, Cell.consumed), recorded: run?.recorded ?? 0 },
    timeout: { limitSeconds, functionId: last >= 0 ? last : null, name, message },
  };
  try {
    if (data.batchFd !== undefined) writeSync(data.batchFd, `${JSON.stringify(v)}\n`);
    else if (data.resultFile) {
      if (data.batch) appendFileSync(data.resultFile, `${JSON.stringify(v)}\n`);
      else writeFileSync(data.resultFile, JSON.stringify(v, null, 2));
    }
    // fd 2 directly: the worker's process.stderr goes through the blocked main thread.
    writeSync(2, `${VERDICT_LINE_PREFIX}${id} TIMEOUT: ${message}\n`);
  } finally {
    // The main thread may be stuck in a synchronous loop: only a signal ends it.
    process.kill(process.pid, 'SIGKILL');
    process.exit(ExitCode.timeout);
  }
}

/** How often the worker looks at the cells: a workflow is timed out between its limit and its limit plus this. */
const POLL_MS = Math.min(1000, Math.max(50, data.limitMs / 10));
const idle = new Int32Array(new SharedArrayBuffer(4));
let seen = Atomics.load(cells, Cell.seq);
let since = Date.now();
for (;;) {
  Atomics.wait(idle, 0, 0, POLL_MS);
  drain();
  const seq = Atomics.load(cells, Cell.seq);
  if (seq === CLAIMED) break;
  const now = Date.now();
  if (seq !== seen) {
    seen = seq;
    since = now;
  } else if (seq % 2 === 1 && now - since >= data.limitMs) {
    if (Atomics.compareExchange(cells, Cell.seq, seq, CLAIMED) === seq) timedOut();
  }
}
