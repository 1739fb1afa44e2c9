// The replay session: the trace, the workflow being replayed, the verdict and how the process ends. In batch mode
// (ReplayEnv.batchFile, NDJSON of traces) it replays each trace in turn with fresh per-run state and appends one
// verdict per workflow to the result file. Runs in the user's program (created by the preload; started by DBOS.launch()).
import { appendFileSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import type { ExportedWorkflow, Trace } from '../../../protocol/traceModel.js';
import { contextStorage } from './context.js';
import { DBOSReplayDivergenceError } from './divergenceError.js';
import { emit, hasListener, type ConsumedOperation, type ReplayStateView } from './events.js';
import {
  ExitCode,
  ReplayEnv,
  VERDICT_LINE_PREFIX,
  type BatchLine,
  type DivergenceEvent,
  type ResultView,
  type TrailEntry,
  type Verdict,
  type VerdictKind,
} from '../../../protocol/replayProtocol.js';
import {
  findInstance,
  findWorkflow,
  registeredInstanceNames,
  registeredWorkflowNames,
  classNameOf,
  type Registration,
} from './registry.js';
import {
  appSerializer,
  errorSummary,
  reviveArgs,
  reviveError,
  reviveValue,
  sameSerialized,
  serializeLikeWorkflow,
  toJsonSafe,
  RecordedValueError,
} from './values.js';
import { recordedText, valueText } from '../values/valueText.js';
import { WorkflowReplay } from './workflowReplay.js';

const SUPPORTED_TRACE_VERSIONS = [1];

export class ReplaySession {
  trace?: Trace;
  target?: ExportedWorkflow;
  loadError?: string;
  wf?: WorkflowReplay;
  started = false;
  /** The current run's verdict is written. */
  finished = false;
  divergence?: DBOSReplayDivergenceError;
  lastUncaught?: unknown;
  state!: ReplayStateView;
  /** Batch mode: the NDJSON file of traces to replay in turn. */
  readonly batchFile?: string;
  /** Number of the current run; hooks of an earlier run (its code may still be running) are ignored. */
  private gen = 0;
  private runEnded?: () => void;
  private requestedId?: string;

  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.batchFile = env[ReplayEnv.batchFile] || undefined;
    this.requestedId = env[ReplayEnv.workflowId] || undefined;
    this.resetRun();
    if (!this.batchFile) this.load();
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
    this.replayStart = undefined;
    this.floorMs = undefined;
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
      this.loadError = `${ReplayEnv.traceFile} is not set: the replay runtime needs the recorded trace (a dbos-replay trace JSON file).`;
      return;
    }
    let trace: Trace;
    try {
      const text = readFileSync(file, 'utf8');
      // The host's hand-off copy of the recording: gone once read, whatever happens to this process later.
      if (this.env[ReplayEnv.removeHandoff] === '1') removeHandoff(file);
      trace = JSON.parse(text) as Trace;
    } catch (e) {
      this.loadError = `cannot read the trace file ${file}: ${(e as Error).message}`;
      return;
    }
    this.useTrace(trace, file, this.requestedId);
  }

  private useTrace(trace: Trace, file: string, requestedId: string | undefined): void {
    if (trace?.format !== 'dbos-replay-trace') {
      this.loadError = `${file} is not a dbos-replay trace (format ${JSON.stringify(trace?.format)}, expected "dbos-replay-trace").`;
      return;
    }
    if (!SUPPORTED_TRACE_VERSIONS.includes(trace.version)) {
      this.loadError = `${file} is a trace of format version ${JSON.stringify(trace.version)}; this replay runtime reads version(s) ${SUPPORTED_TRACE_VERSIONS.join(', ')}. Re-create the trace with this dbos-replay, or update dbos-replay.`;
      return;
    }
    const id = requestedId || trace.rootWorkflowId;
    const target = trace.workflows?.find((w) => w.workflow_status.workflow_uuid === id);
    if (!target) {
      this.loadError = `workflow ${id} is not in the trace ${file} (it holds ${trace.workflows?.map((w) => w.workflow_status.workflow_uuid).join(', ') || 'nothing'}).`;
      return;
    }
    this.trace = trace;
    this.target = target;
    this.state.workflowId = id;
    this.state.workflowName = target.workflow_status.name;
    this.state.status = target.workflow_status.status;
  }

  get workflowId(): string {
    return this.target?.workflow_status.workflow_uuid ?? this.requestedId ?? this.trace?.rootWorkflowId ?? '';
  }

  /** DBOS.launch(): runs the recorded workflow once (or each of the batch), then ends the process with the verdict. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.batchFile) {
      void this.runBatch(this.batchFile).catch((e) => {
        process.stderr.write(`dbos-replay: batch failed: ${(e as Error).stack ?? e}\n`);
        process.exit(ExitCode.error);
      });
      return;
    }
    const gen = this.gen;
    void this.run().catch((e) => this.failRun(gen, e));
  }

  /** Replays every trace of the NDJSON file in turn; one verdict line each. Exit 0 when every one matched. */
  private async runBatch(file: string): Promise<void> {
    const text = readFileSync(file, 'utf8');
    if (this.env[ReplayEnv.removeHandoff] === '1') removeHandoff(file);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    let allMatch = true;
    for (let i = 0; i < lines.length; i++) {
      this.resetRun();
      const gen = this.gen;
      let requested: string | undefined;
      let trace: Trace | undefined;
      try {
        // A BatchLine; a bare trace per line is accepted too.
        const entry = JSON.parse(lines[i]) as Trace & Partial<BatchLine<Trace>>;
        trace = entry.trace ?? entry;
        requested = entry.trace ? entry.workflowId : undefined;
      } catch (e) {
        this.loadError = `cannot parse line ${i + 1} of the batch file ${file}: ${(e as Error).message}`;
      }
      this.requestedId = requested;
      if (trace) this.useTrace(trace, `${file} line ${i + 1}`, requested);
      const ended = new Promise<void>((resolve) => (this.runEnded = resolve));
      void this.run().catch((e) => this.failRun(gen, e));
      await ended;
      allMatch &&= this.lastVerdict === 'match';
      // Let the abandoned code of this run (an end-of-recording throw, a never-settling await) unwind first.
      await new Promise((r) => setImmediate(r));
    }
    process.exit(allMatch ? ExitCode.match : ExitCode.error);
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
    if (this.loadError || !this.target) return this.failRun(gen, new Error(this.loadError ?? 'no trace'));
    const fail = (e: unknown) => this.failRun(gen, e);
    const st = this.target.workflow_status;
    const reg = findWorkflow(st.class_name, st.name);
    if (!reg) {
      const qualified = st.class_name ? `${st.class_name}.${st.name}` : st.name;
      const known = registeredWorkflowNames();
      return fail(
        new Error(
          `workflow ${qualified} (recorded for ${st.workflow_uuid}) is not registered in this program. ` +
            `Registered workflows: ${known.length ? known.join(', ') : 'none'}. Load the module that registers ${qualified} ` +
            `(pass it as the program, or list it in the modules to load), before DBOS.launch().`,
        ),
      );
    }
    let instance: object | undefined;
    if (st.config_name) {
      instance = findInstance(st.class_name ?? '', st.config_name);
      if (!instance) {
        return fail(
          new Error(
            `configured instance ${st.class_name}/${st.config_name} (recorded for ${st.workflow_uuid}) ` +
              `is not created in this program. Created instances: ${registeredInstanceNames().join(', ') || 'none'}. ` +
              `Create it (new ${st.class_name}('${st.config_name}', …)) before DBOS.launch().`,
          ),
        );
      }
    }
    if (this.env[ReplayEnv.measureFloor]) await this.measureFloor();
    this.replayStart = performance.now();
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
    });
    this.wf = wf;
    this.state.operations = wf.operations;
    const thisArg = instance ?? (reg.ctor && reg.config.__static ? reg.ctor : undefined);
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
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

  private async conclude(
    wf: WorkflowReplay,
    reg: Registration,
    outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): Promise<void> {
    const st = wf.status;
    const recorded = await this.recordedResult();
    const replayed: ResultView = outcome.ok
      ? { status: 'SUCCESS', value: toJsonSafe(outcome.value) }
      : { status: 'ERROR', error: errorSummary(outcome.error) };
    if (!this.divergence) {
      const left = wf.unconsumed();
      if (left.length > 0) {
        const first = left[0];
        wf.diverge(
          Number(first.function_id),
          'missing-call',
          first.function_name,
          null,
          `Replay of workflow ${wf.workflowId} diverged at step ${first.function_id}: ${first.function_name} was recorded, ` +
            `but the workflow ${outcome.ok ? 'returned' : 'threw'} without calling it (${left.length} recorded operation(s) never consumed).`,
        );
      }
    }
    if (!this.divergence && (st.status === 'SUCCESS' || st.status === 'ERROR')) {
      const mismatch = await this.compareResult(st, outcome);
      if (mismatch) wf.diverge(-1, 'result', null, null, `Replay of workflow ${wf.workflowId}: ${mismatch}`);
    }
    let verdict: VerdictKind;
    if (this.divergence) verdict = 'diverged';
    else if (st.status === 'SUCCESS' || st.status === 'ERROR') verdict = 'match';
    else verdict = 'incomplete';
    const v = this.baseVerdict(verdict, recorded, replayed);
    if (verdict === 'incomplete') {
      v.incomplete = {
        functionId: null,
        called: null,
        message: `the recording ends here: the original run (${st.status}) never completed, but every recorded operation replayed and the workflow ${outcome.ok ? 'returned' : 'threw'}`,
      };
    }
    void reg;
    this.finish(v);
  }

  private async compareResult(
    st: ExportedWorkflow['workflow_status'],
    outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): Promise<string | null> {
    if (st.status === 'SUCCESS') {
      if (!outcome.ok)
        return `the recorded run returned, the replay threw ${errorSummary(outcome.error).name}: ${errorSummary(outcome.error).message}`;
      let replayedText: string | null;
      try {
        replayedText = await serializeLikeWorkflow(outcome.value, st.serialization);
      } catch (e) {
        return `the replayed result cannot be serialized: ${(e as Error).message}`;
      }
      return sameSerialized(replayedText, st.output)
        ? null
        : `the replayed result ${valueText(outcome.value, { max: RESULT_CHARS })} differs from the recorded output ` +
            `${recordedText(st.output, st.serialization, { max: RESULT_CHARS, serializer: appSerializer() })}`;
    }
    const rec = await reviveError(
      st.error ?? 'null',
      st.serialization,
      `the recorded error of workflow ${st.workflow_uuid}`,
    );
    if (outcome.ok) return `the recorded run threw ${rec.name}: ${rec.message}, the replay returned`;
    const got = errorSummary(outcome.error);
    if (got.name !== rec.name || got.message !== rec.message) {
      return `the recorded run threw ${rec.name}: ${rec.message}, the replay threw ${got.name}: ${got.message}`;
    }
    return null;
  }

  private async recordedResult(): Promise<ResultView | null> {
    const st = this.target?.workflow_status;
    if (!st) return null;
    try {
      if (st.status === 'SUCCESS')
        return {
          status: st.status,
          value: toJsonSafe(await reviveValue(st.output, st.serialization, 'the recorded output')),
        };
      if (st.status === 'ERROR' && st.error)
        return {
          status: st.status,
          error: errorSummary(await reviveError(st.error, st.serialization, 'the recorded error')),
        };
    } catch (e) {
      return { status: st.status, error: errorSummary(e) };
    }
    return { status: st.status };
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
    if ((!this.batchFile || this.env[ReplayEnv.trail] === '1') && this.wf) v.trail = this.wf.operations.map(trailEntry);
    if (this.divergence) {
      const d = this.divergence;
      v.divergence = {
        functionId: d.functionId < 0 ? null : d.functionId,
        kind: d.kind,
        recorded: d.recorded,
        called: d.called,
        location: d.location,
        message: d.message,
      };
    }
    return v;
  }

  private noteDivergence(err: DBOSReplayDivergenceError): void {
    const ev: DivergenceEvent = {
      type: 'divergence',
      workflowId: err.workflowID,
      functionId: err.functionId < 0 ? null : err.functionId,
      kind: err.kind,
      recorded: err.recorded,
      called: err.called,
      location: err.location,
      message: err.message,
    };
    emit(ev);
    if (!this.divergence) {
      this.divergence = err;
      this.state.divergence = ev;
    }
  }

  private endOfRecording(gen: number, wf: WorkflowReplay, functionId: number, called: string): never {
    const message = `the recording ends here: the original run never completed step ${functionId} (${called})`;
    if (gen === this.gen && !this.finished) {
      const v = this.baseVerdict(this.divergence ? 'diverged' : 'incomplete', { status: wf.status.status }, null);
      v.incomplete = { functionId, called, message };
      this.finish(v);
    }
    // Single mode: process.exit does not return. Batch mode: the abandoned workflow code gets this error.
    throw new ReplayEndedError(message);
  }

  private failRun(gen: number, e: unknown): void {
    if (gen === this.gen) this.fail(e);
  }

  /** A replay error (bad trace, unregistered workflow, undeserializable value): verdict `error`. */
  fail(e: unknown): never | void {
    if (this.finished) return;
    const err = e instanceof Error ? e : new Error(String(e));
    const v = this.baseVerdict('error', null, null);
    v.error = { message: err.message, stack: err instanceof RecordedValueError ? undefined : err.stack };
    this.finish(v);
  }

  /** Called at process exit when the replay never finished (the program threw at import, or never launched). */
  onExit(code: number): void {
    if (this.finished) return;
    const v = this.baseVerdict('error', null, null);
    const u = this.lastUncaught;
    const why = u instanceof Error ? `${u.name}: ${u.message}` : u !== undefined ? String(u) : null;
    v.error = {
      message: !this.started
        ? `the program ${why ? `threw before calling DBOS.launch(): ${why}` : `exited (code ${code}) without calling DBOS.launch()`}`
        : `the program exited (code ${code}) before the replayed workflow finished${why ? `: ${why}` : ' (it awaited something that never settles)'}`,
      stack: u instanceof Error ? u.stack : undefined,
    };
    if (!this.started) v.launched = false;
    this.write(v);
    if (code === 0) process.exitCode = ExitCode.error;
  }

  private finish(v: Verdict): void {
    if (this.finished) return;
    this.write(v);
    if (this.batchFile) {
      this.lastVerdict = v.verdict;
      this.wf?.halt();
      this.runEnded?.();
      return;
    }
    process.exit(ExitCode[v.verdict]);
  }

  private write(v: Verdict): void {
    this.finished = true;
    emit({ type: 'end', workflowId: v.workflowId, verdict: v.verdict, summary: summaryLine(v) });
    const file = this.env[ReplayEnv.resultFile];
    if (file) {
      try {
        if (this.batchFile) appendFileSync(file, `${JSON.stringify(v)}\n`);
        else writeFileSync(file, JSON.stringify(v, null, 2));
      } catch (e) {
        process.stderr.write(`dbos-replay: cannot write the verdict to ${file}: ${(e as Error).message}\n`);
      }
    }
    process.stderr.write(`${VERDICT_LINE_PREFIX}${summaryAfterWorkflow(v)}\n`);
  }
}

function trailEntry(o: ConsumedOperation): TrailEntry {
  const failed = o.error !== null && o.error !== undefined;
  const t: TrailEntry = { functionId: o.functionId, name: o.name, outcome: failed ? 'error' : 'output' };
  // Already rendered for people (engine/values.ts operationText); null for what records no value (a child start, a send).
  const summary = failed ? o.error : o.output;
  if (typeof summary === 'string') t.summary = summary;
  if (o.childWorkflowId) t.childWorkflowId = o.childWorkflowId;
  return t;
}

/** Thrown into workflow code whose replay has ended (its recording stops there, or its verdict is written). */
export class ReplayEndedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DBOSReplayEndedError';
  }
}

/** How much of the two results a result divergence shows. */
const RESULT_CHARS = 300;

/** The verdict in one line, `workflow <id> replayed: match (…)` (the end event's summary). */
export function summaryLine(v: Verdict): string {
  return `workflow ${summaryAfterWorkflow(v)}`;
}

/** The one line without its leading `workflow ` (stderr writes it after VERDICT_LINE_PREFIX). */
function summaryAfterWorkflow(v: Verdict): string {
  const ops = `${v.operations.consumed}/${v.operations.recorded} recorded operations replayed`;
  switch (v.verdict) {
    case 'match':
      return `${v.workflowId} replayed: match (${ops})`;
    case 'diverged':
      return `${v.workflowId} DIVERGED: ${v.divergence?.message}${v.divergence?.location ? ` at ${v.divergence.location.text}` : ''} (${ops})`;
    case 'incomplete':
      return `${v.workflowId} incomplete: ${v.incomplete?.message} (${ops})`;
    default:
      return `${v.workflowId || '?'} replay error: ${v.error?.message}`;
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
