// The replay session: the trace, the workflow being replayed, the verdict and how the process ends. In batch mode
// (ReplayEnv.batchFile, NDJSON of traces, or ReplayEnv.batchFd, the same lines through a pipe) it replays each trace in
// turn with fresh per-run state and writes one verdict per workflow (to the result file, or back on the pipe). Runs in the user's program (created by the preload; started by DBOS.launch()).
import { appendFileSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { fdLines, fileLines } from './batchLines.js';
import type { ExportedWorkflow, Trace } from '../../../protocol/traceModel.js';
import { contextStorage } from './context.js';
import { emit, hasListener, type ReplayStateView } from './events.js';
import {
  ExitCode,
  ReplayEnv,
  VERDICT_LINE_PREFIX,
  type BatchLine,
  type DivergenceEvent,
  type ResultView,
  type SideEffect,
  type Verdict,
  type VerdictKind,
} from '../../../protocol/replayProtocol.js';
import {
  RecordedValueError,
  errors,
  isUserError,
  type DBOSReplayDivergenceError,
  type ReplayError,
} from '../errors.js';
import {
  findInstance,
  findTempStepWorkflow,
  findWorkflow,
  TEMP_WORKFLOW_PREFIX,
  registeredInstanceNames,
  registeredWorkflowNames,
  classNameOf,
  type Registration,
} from './registry.js';
import { reviveArgs, reviveValue } from './values.js';
import {
  compareResult,
  divergenceOf,
  recordedResult,
  replayedResult,
  summaryAfterWorkflow,
  summaryLine,
  tempWorkflowNote,
  trailEntry,
  unfinishedRunMessage,
  type Outcome,
} from './verdict.js';
import { WorkflowReplay } from './workflowReplay.js';
import { callerLocation } from './location.js';
import { Watchdog } from './watchdog.js';
import { ownIo } from '../sideEffects/watch.js';

const SUPPORTED_TRACE_VERSIONS = [1];

export class ReplaySession {
  trace?: Trace;
  target?: ExportedWorkflow;
  loadError?: ReplayError;
  wf?: WorkflowReplay;
  started = false;
  /** The current run's verdict is written. */
  finished = false;
  divergence?: DBOSReplayDivergenceError;
  lastUncaught?: unknown;
  /** The current run's I/O outside steps (sideEffects/watch.ts), in call order. */
  sideEffects: SideEffect[] = [];
  state!: ReplayStateView;
  /** Batch mode: the NDJSON file of traces to replay in turn. */
  readonly batchFile?: string;
  /** Batch mode fed through a pipe: the fd the lines arrive on and the verdict lines go back to (ReplayEnv.batchFd). */
  readonly batchFd?: number;
  /** Number of the current run; hooks of an earlier run (its code may still be running) are ignored. */
  private gen = 0;
  private runEnded?: () => void;
  private requestedId?: string;
  /** Headless replays with a time limit (ReplayEnv.timeoutMs). */
  private readonly watchdog?: Watchdog;
  /** The workflow's code called process.exit(): its code and call site. */
  private exitCall?: { code: number; at: string | null };

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    runtimeFile = __filename,
  ) {
    this.batchFile = env[ReplayEnv.batchFile] || undefined;
    const fd = env[ReplayEnv.batchFd];
    if (fd && /^\d+$/.test(fd)) this.batchFd = Number(fd);
    this.requestedId = env[ReplayEnv.workflowId] || undefined;
    this.watchdog = Watchdog.start(env, runtimeFile);
    this.resetRun();
    if (!this.inBatch) this.load();
  }

  /** Fresh per-run state: nothing of the previous workflow's replay is visible to the next. */
  private resetRun(): void {
    const current = () => this.wf;
    this.gen++;
    this.trace = undefined;
    this.target = undefined;
    this.loadError = undefined;
    this.wf = undefined;
    this.finished = false;
    this.divergence = undefined;
    this.lastUncaught = undefined;
    this.sideEffects = [];
    this.replayStart = undefined;
    this.floorMs = undefined;
    this.exitCall = undefined;
    this.state = {
      workflowId: '',
      workflowName: '',
      status: '',
      inputs: undefined,
      operations: [],
      divergence: null,
      get nextRecorded() {
        return current()?.nextRecorded() ?? null;
      },
    };
  }

  private load(): void {
    const file = this.env[ReplayEnv.traceFile];
    if (!file) {
      this.loadError = errors.traceFileNotSet();
      return;
    }
    let trace: Trace;
    try {
      const text = readFileSync(file, 'utf8');
      // The host's hand-off copy of the recording: gone once read, whatever happens to this process later.
      if (this.env[ReplayEnv.removeHandoff] === '1') removeHandoff(file);
      trace = JSON.parse(text) as Trace;
    } catch (e) {
      this.loadError = errors.traceUnreadable(file, (e as Error).message);
      return;
    }
    this.useTrace(trace, file, this.requestedId);
  }

  private useTrace(trace: Trace, file: string, requestedId: string | undefined): void {
    if (trace?.format !== 'dbos-replay-trace') {
      this.loadError = errors.notATrace(file, trace?.format);
      return;
    }
    if (!SUPPORTED_TRACE_VERSIONS.includes(trace.version)) {
      this.loadError = errors.unsupportedTraceVersion(file, trace.version, SUPPORTED_TRACE_VERSIONS);
      return;
    }
    const id = requestedId || trace.rootWorkflowId;
    const target = trace.workflows?.find((w) => w.workflow_status.workflow_uuid === id);
    if (!target) {
      const held = trace.workflows?.map((w) => w.workflow_status.workflow_uuid) ?? [];
      this.loadError = errors.workflowNotInTrace(id, file, held);
      return;
    }
    this.trace = trace;
    this.target = target;
    this.state.workflowId = id;
    this.state.workflowName = target.workflow_status.name;
    this.state.status = target.workflow_status.status;
  }

  /** Replaying a batch (from a file or a pipe) rather than one trace. */
  get inBatch(): boolean {
    return this.batchFile !== undefined || this.batchFd !== undefined;
  }

  get workflowId(): string {
    return this.target?.workflow_status.workflow_uuid ?? this.requestedId ?? this.trace?.rootWorkflowId ?? '';
  }

  /** DBOS.launch(): runs the recorded workflow once (or each of the batch), then ends the process with the verdict. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.watchExit();
    if (this.inBatch) {
      const file = this.batchFile;
      const lines =
        this.batchFd !== undefined
          ? fdLines(this.batchFd)
          : fileLines(file!, () => {
              if (this.env[ReplayEnv.removeHandoff] === '1') removeHandoff(file!);
            });
      void this.runBatch(lines, file ?? `the batch pipe (fd ${this.batchFd})`).catch((e) => {
        process.stderr.write(`dbos-replay: batch failed: ${(e as Error).stack ?? e}\n`);
        process.exit(ExitCode.error);
      });
      return;
    }
    const gen = this.gen;
    void this.run().catch((e) => this.failRun(gen, e));
  }

  /** Replays every trace of the NDJSON lines in turn; one verdict line each. Exit 0 when every one matched. */
  private async runBatch(lines: AsyncIterable<string>, file: string): Promise<void> {
    let allMatch = true;
    let i = -1;
    for await (const line of lines) {
      i++;
      this.resetRun();
      const gen = this.gen;
      let requested: string | undefined;
      let trace: Trace | undefined;
      try {
        // A BatchLine; a bare trace per line is accepted too.
        const entry = JSON.parse(line) as Trace & Partial<BatchLine<Trace>>;
        trace = entry.trace ?? entry;
        requested = entry.trace ? entry.workflowId : undefined;
      } catch (e) {
        this.loadError = errors.batchLineUnreadable(file, i + 1, (e as Error).message);
      }
      this.requestedId = requested;
      if (trace) this.useTrace(trace, `${file} line ${i + 1}`, requested);
      const ended = new Promise<void>((resolve) => (this.runEnded = resolve));
      void this.run().catch((e) => this.failRun(gen, e));
      await ended;
      allMatch &&= this.lastVerdict === 'match' || this.lastVerdict === 'skipped';
      // Let the abandoned code of this run (an end-of-recording throw, a never-settling await) unwind first.
      await new Promise((r) => setImmediate(r));
    }
    process.exit(allMatch ? ExitCode.match : ExitCode.error);
  }

  /** Notes where the workflow's code calls process.exit(), for the verdict; the exit itself goes ahead. */
  private watchExit(): void {
    const realExit = process.exit;
    const watched = (code?: number | string | null) => {
      if (!this.finished && this.wf && !this.exitCall) {
        const n = Number(code ?? process.exitCode ?? 0);
        this.exitCall = { code: Number.isFinite(n) ? n : 0, at: callerLocation()?.text ?? null };
      }
      return realExit.call(process, code as number);
    };
    process.exit = watched as typeof process.exit;
  }

  private lastVerdict?: VerdictKind;
  private replayStart?: number;
  private floorMs?: number;

  /** Benchmarks: the time to only deserialize every recorded output of the workflow, in this process (the floor). */
  private async measureFloor(): Promise<void> {
    const t0 = performance.now();
    for (const r of this.target?.operation_outputs ?? []) {
      try {
        if (r.output !== null) await reviveValue(r.output, r.serialization, 'floor');
      } catch {
        /* counted as parsed */
      }
    }
    this.floorMs = performance.now() - t0;
  }

  private async run(): Promise<void> {
    const gen = this.gen;
    if (this.loadError || !this.target) return this.failRun(gen, this.loadError ?? errors.internal('no trace'));
    const fail = (e: unknown) => this.failRun(gen, e);
    const st = this.target.workflow_status;
    // A temp workflow (the SDK's, for a step called outside a workflow) replays its one step; one without code is skipped.
    const reg = findWorkflow(st.class_name, st.name) ?? findTempStepWorkflow(st.class_name, st.name);
    if (!reg && st.name.startsWith(TEMP_WORKFLOW_PREFIX)) {
      const v = this.baseVerdict('skipped', { status: st.status }, null);
      v.note = tempWorkflowNote(st, true);
      return this.finish(v);
    }
    if (!reg) {
      const qualified = st.class_name ? `${st.class_name}.${st.name}` : st.name;
      return fail(errors.notRegistered(qualified, st.workflow_uuid, registeredWorkflowNames()));
    }
    let instance: object | undefined;
    if (st.config_name) {
      instance = findInstance(st.class_name ?? '', st.config_name);
      if (!instance) {
        return fail(
          errors.instanceNotCreated(st.class_name, st.config_name, st.workflow_uuid, registeredInstanceNames()),
        );
      }
    }
    if (this.env[ReplayEnv.measureFloor]) await this.measureFloor();
    this.replayStart = performance.now();
    this.watchdog?.begin({
      workflowId: st.workflow_uuid,
      workflowName: st.name,
      recorded: this.target.operation_outputs.length,
      names: Object.fromEntries(this.target.operation_outputs.map((r) => [Number(r.function_id), r.function_name])),
    });
    let args = await reviveArgs(st.inputs, st.serialization, `the inputs of workflow ${st.workflow_uuid}`);
    const schema = reg.config.inputSchema as { parse?: (a: unknown[]) => unknown[] } | undefined;
    if (schema?.parse) args = schema.parse(args);
    this.state.inputs = args;
    const wf = new WorkflowReplay(this.target, {
      onDivergence: (err) => {
        if (gen === this.gen) this.noteDivergence(err);
      },
      onRecordingEnd: (w, fid, called) => this.endOfRecording(gen, w, fid, called),
      onFatal: (e) => fail(e),
      onConsumed: this.watchdog ? (fid) => this.watchdog!.reached(fid) : undefined,
    });
    this.wf = wf;
    this.state.operations = wf.operations;
    const thisArg = instance ?? (reg.ctor && reg.config.__static ? reg.ctor : undefined);
    let outcome: Outcome;
    // The debugger's stopOnEntry: it locates the function handed over here and stops at its first line.
    if (hasListener()) emit({ type: 'start', workflowId: wf.workflowId, name: this.state.workflowName }, reg.fn);
    try {
      const value = await contextStorage.run({ wf }, () => reg.fn.apply(thisArg, args));
      outcome = { ok: true, value };
    } catch (error) {
      if (error instanceof RecordedValueError) return fail(error);
      outcome = { ok: false, error };
    }
    if (gen !== this.gen || this.finished) return;
    await this.conclude(wf, reg, outcome);
  }

  private async conclude(wf: WorkflowReplay, reg: Registration, outcome: Outcome): Promise<void> {
    const st = wf.status;
    const recorded = await recordedResult(this.target?.workflow_status);
    const replayed: ResultView = replayedResult(outcome);
    if (!this.divergence) {
      const left = wf.unconsumed();
      if (left.length > 0) {
        const first = left[0];
        const fid = Number(first.function_id);
        wf.diverge(errors.callMissing(wf.workflowId, fid, first.function_name, outcome.ok, left.length));
      }
    }
    if (!this.divergence && (st.status === 'SUCCESS' || st.status === 'ERROR')) {
      const mismatch = await compareResult(st, outcome);
      if (mismatch) wf.diverge(errors.resultDiffers(wf.workflowId, mismatch));
    }
    let verdict: VerdictKind;
    if (this.divergence) verdict = 'diverged';
    else if (st.status === 'SUCCESS' || st.status === 'ERROR') verdict = 'match';
    else verdict = 'incomplete';
    const v = this.baseVerdict(verdict, recorded, replayed);
    if (verdict === 'incomplete') {
      v.incomplete = { functionId: null, called: null, message: unfinishedRunMessage(st.status, outcome.ok) };
    }
    void reg;
    this.finish(v);
  }

  private baseVerdict(
    verdict: VerdictKind,
    recordedResult: ResultView | null,
    replayedResult: ResultView | null,
  ): Verdict {
    const v: Verdict = {
      workflowId: this.workflowId,
      workflowName: this.target?.workflow_status.name,
      verdict,
      recordedResult,
      replayedResult,
      operations: { consumed: this.wf?.consumed.size ?? 0, recorded: this.target?.operation_outputs.length ?? 0 },
    };
    if (this.replayStart !== undefined) {
      v.timings = {
        replayMs: performance.now() - this.replayStart,
        ...(this.floorMs !== undefined ? { floorMs: this.floorMs } : {}),
      };
    }
    if ((!this.inBatch || this.env[ReplayEnv.trail] === '1') && this.wf) v.trail = this.wf.operations.map(trailEntry);
    if (this.divergence) v.divergence = divergenceOf(this.divergence);
    const note = tempWorkflowNote(this.target?.workflow_status);
    if (note) v.note = note;
    if (this.sideEffects.length > 0) v.sideEffects = [...this.sideEffects];
    return v;
  }

  /** I/O outside a step by `wf`'s code: listed and sent to a debugger; false when `wf`'s run is over. */
  noteSideEffect(wf: WorkflowReplay, effect: SideEffect): boolean {
    if (wf !== this.wf || this.finished) return false;
    this.sideEffects.push(effect);
    emit({ type: 'sideEffect', workflowId: wf.workflowId, ...effect });
    return true;
  }

  private noteDivergence(err: DBOSReplayDivergenceError): void {
    const ev: DivergenceEvent = { type: 'divergence', workflowId: err.workflowID, ...divergenceOf(err) };
    emit(ev);
    if (!this.divergence) {
      this.divergence = err;
      this.state.divergence = ev;
    }
  }

  private endOfRecording(gen: number, wf: WorkflowReplay, functionId: number, called: string): never {
    const ended = errors.recordingEnds(functionId, called);
    if (gen === this.gen && !this.finished) {
      const v = this.baseVerdict(this.divergence ? 'diverged' : 'incomplete', { status: wf.status.status }, null);
      v.incomplete = { functionId, called, message: ended.message };
      this.finish(v);
    }
    // Single mode: process.exit does not return. Batch mode: the abandoned workflow code gets this error.
    throw ended;
  }

  private failRun(gen: number, e: unknown): void {
    if (gen === this.gen) this.fail(e);
  }

  /** A replay error (bad trace, unregistered workflow, undeserializable value): verdict `error`. */
  fail(e: unknown): never | void {
    if (this.finished) return;
    const err = e instanceof Error ? e : errors.internal(String(e));
    const v = this.baseVerdict('error', null, null);
    // A catalogued error says what to change: the runtime's stack would only hide it.
    v.error = { message: err.message, stack: isUserError(err) ? undefined : err.stack };
    this.finish(v);
  }

  /** Called at process exit when the replay never finished (the program threw at import, or never launched). */
  onExit(code: number): void {
    if (this.finished) return;
    const v = this.baseVerdict('error', null, null);
    const u = this.lastUncaught;
    const why = u instanceof Error ? `${u.name}: ${u.message}` : u !== undefined ? String(u) : null;
    const exit = this.exitCall;
    const err = exit
      ? errors.exitCalledInWorkflow(exit.code, exit.at)
      : this.started
        ? errors.exitedBeforeEnd(code, why)
        : why
          ? errors.threwBeforeLaunch(why)
          : errors.exitedWithoutLaunch(code);
    v.error = { message: err.message, stack: u instanceof Error ? u.stack : undefined };
    if (!this.started) v.launched = false;
    this.write(v);
    if (code === 0) process.exitCode = ExitCode.error;
  }

  private finish(v: Verdict): void {
    if (this.finished) return;
    this.write(v);
    if (this.inBatch) {
      this.lastVerdict = v.verdict;
      this.wf?.halt();
      this.runEnded?.();
      return;
    }
    process.exit(ExitCode[v.verdict]);
  }

  private write(v: Verdict): void {
    this.finished = true;
    // The watchdog already wrote this workflow's timeout verdict (the process is being killed).
    if (this.watchdog && !this.watchdog.end()) return;
    emit({ type: 'end', workflowId: v.workflowId, verdict: v.verdict, summary: summaryLine(v) });
    const file = this.env[ReplayEnv.resultFile];
    if (this.batchFd !== undefined) {
      // Synchronous, on the blocking end of the pipe: the verdict is the host's even if the next workflow ends the process.
      try {
        writeSync(this.batchFd, `${JSON.stringify(v)}\n`);
      } catch (e) {
        process.stderr.write(`dbos-replay: cannot write the verdict to fd ${this.batchFd}: ${(e as Error).message}\n`);
      }
    } else if (file) {
      try {
        // The runtime's own write (it may happen inside the workflow's call): not the workflow's side effect.
        ownIo(() => {
          if (this.inBatch) appendFileSync(file, `${JSON.stringify(v)}\n`);
          else writeFileSync(file, JSON.stringify(v, null, 2));
        });
      } catch (e) {
        process.stderr.write(`dbos-replay: cannot write the verdict to ${file}: ${(e as Error).message}\n`);
      }
    }
    process.stderr.write(`${VERDICT_LINE_PREFIX}${summaryAfterWorkflow(v)}\n`);
  }
}

export { classNameOf };

/** Removes a hand-off file the host marked as ours to remove; one already gone is fine. */
function removeHandoff(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already removed, or not ours to remove after all: the host's cleanup still runs
  }
}
