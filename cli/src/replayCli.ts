// Shared pieces of `dbos-replay run` and `check` (cli/src/commands/): program options, verdict printing.
// Runs in the CLI process.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, HistoryError, UsageError } from '../../history/src/errors.js';
import type { ProgramOptions } from '../../launcher/src/runReplay.js';
import {
  ReplayEnv,
  SIDE_EFFECT_POLICIES,
  sideEffectLine,
  sideEffectsText,
  type SideEffectPolicy,
  type TrailEntry,
  type Verdict,
} from '../../protocol/replayProtocol.js';

export const PROGRAM_OPTIONS = {
  program: { type: 'string' },
  modules: { type: 'string' },
  timeout: { type: 'string' },
  trail: { type: 'boolean' },
  'side-effects': { type: 'string' },
} as const;

/** Each replayed workflow's time limit when --timeout is not given (seconds). */
export const DEFAULT_TIMEOUT_S = 30;

/** The command's own arguments, and those after the first `--` (the program's). */
export function splitProgramArgs(args: string[]): [own: string[], program: string[]] {
  const i = args.indexOf('--');
  return i < 0 ? [args, []] : [args.slice(0, i), args.slice(i + 1)];
}

/** --program <entry.js|.ts> or --modules a.js,b.js (registration only; the runtime launches), and the program's args. */
export function programOptions(
  values: { program?: string; modules?: string; timeout?: string; trail?: boolean; 'side-effects'?: string },
  command: string,
  programArgs: string[] = [],
): ProgramOptions {
  if (!values.program && !values.modules) {
    throw new UsageError(
      `${command} needs --program <entry> (.js, .mjs or .ts through tsx), or --modules a.js,b.js ` +
        '(modules that register the workflows, when the entry point should not run).',
    );
  }
  if (values.program && values.modules) throw new UsageError('give --program or --modules, not both.');
  const timeoutS = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout);
  if (values.timeout?.trim() === '' || !Number.isFinite(timeoutS) || timeoutS < 0)
    throw new UsageError(
      `--timeout '${values.timeout}' is not a number of seconds: give each workflow's limit, e.g. --timeout 60 (0: no limit).`,
    );
  const o: ProgramOptions = { cwd: process.cwd() };
  if (timeoutS > 0) o.timeoutMs = Math.round(timeoutS * 1000);
  if (programArgs.length) o.args = programArgs;
  if (values.trail) o.trail = true;
  const policy = values['side-effects'];
  if (policy !== undefined) {
    if (!(SIDE_EFFECT_POLICIES as readonly string[]).includes(policy))
      throw new UsageError(
        `--side-effects '${policy}' is not a policy: use warn (run and list I/O outside steps, the default), ` +
          'block (throw an error into the workflow at the call) or allow (run it silently).',
      );
    o.env = { [ReplayEnv.sideEffects]: policy as SideEffectPolicy };
  }
  if (values.program) o.program = values.program;
  else
    o.modules = values
      .modules!.split(',')
      .map((m) => m.trim())
      .filter(Boolean);
  for (const f of o.program ? [o.program] : o.modules!) mustExist(f, o.program ? '--program' : '--modules', o.cwd!);
  return o;
}

/** Checked before the program starts: a missing entry is one line, not Node's MODULE_NOT_FOUND stack. */
function mustExist(file: string, option: string, cwd: string): void {
  const abs = path.resolve(cwd, file);
  if (existsSync(abs) && statSync(abs).isFile()) return;
  throw new HistoryError(
    ErrorCode.Usage,
    `${option} ${file}: no such file (${abs}). Give the path of ` +
      (option === '--program'
        ? "the app's entry file (.js, .mjs or .ts) relative to the current directory, e.g. --program dist/main.js."
        : 'each module that registers workflows, relative to the current directory, e.g. --modules dist/workflows.js.'),
  );
}

/** The JSON object of one verdict (the shape `run --json` prints and `check --json` lists). */
export function verdictJson(v: Verdict): Record<string, unknown> {
  const out: Record<string, unknown> = {
    workflowId: v.workflowId,
    workflowName: v.workflowName ?? null,
    verdict: v.verdict,
    recordedResult: v.recordedResult,
    replayedResult: v.replayedResult,
    operations: v.operations,
  };
  if (v.divergence) out.divergence = v.divergence;
  if (v.incomplete) out.incomplete = v.incomplete;
  if (v.error) {
    const e: Record<string, unknown> = { message: v.error.message };
    if (v.error.exitCode !== undefined) e.exitCode = v.error.exitCode;
    if (v.error.stderr) e.stderr = v.error.stderr;
    out.error = e;
  }
  if (v.timeout) out.timeout = v.timeout;
  if (v.note) out.note = v.note;
  if (v.trail) out.trail = v.trail;
  if (v.sideEffects) out.sideEffects = v.sideEffects;
  return out;
}

/** `, 2 side effects outside steps` after a verdict, or ''. */
export function sideEffectsSuffix(v: Verdict): string {
  const t = sideEffectsText(v.sideEffects);
  return t ? `, ${t}` : '';
}

/** One line per side effect outside a step: `⚠ http http.request GET http://… at app.mjs:14:17`. */
export function sideEffectLines(v: Verdict): string[] {
  return (v.sideEffects ?? []).map((e) => `⚠ ${sideEffectLine(e)}`);
}

/** One trail line: `#1    charge → {"paymentId":"pay_A-1001",…}`, `✗` and `Name: message` for a recorded error. */
export function trailLine(t: TrailEntry): string {
  const head = `#${String(t.functionId).padEnd(4)} ${t.name || "''"}`;
  const child = t.childWorkflowId ? `  [child ${t.childWorkflowId}]` : '';
  if (t.outcome === 'error') return `${head} ✗ ${t.summary ?? 'error'}  (recorded error)${child}`;
  return `${head}${t.summary !== undefined ? ` → ${t.summary}` : ''}${child}`;
}

export function verdictLine(v: Verdict): string {
  const ops = `${v.operations.consumed}/${v.operations.recorded} operations`;
  switch (v.verdict) {
    case 'match':
      return `match       ${v.workflowId}  ${v.workflowName ?? ''}  (${ops})${sideEffectsSuffix(v)}${v.note ? `: ${v.note}` : ''}`;
    case 'skipped':
      return `skipped     ${v.workflowId}  ${v.workflowName ?? ''}  ${v.note ?? ''}`;
    case 'diverged': {
      const d = v.divergence!;
      const at = d.functionId === null ? 'at the result' : `at step ${d.functionId}`;
      return (
        `DIVERGED    ${v.workflowId}  ${v.workflowName ?? ''}  ${at}: recorded ${d.recorded ?? '-'}, called ${d.called ?? '-'}` +
        `${d.location ? ` (${d.location.text})` : ''}${d.kind === 'result' ? `: ${d.message}` : ''}`
      );
    }
    case 'incomplete':
      return `incomplete  ${v.workflowId}  ${v.workflowName ?? ''}  ${v.incomplete?.message ?? ''} (${ops})`;
    case 'timeout':
      return `TIMEOUT     ${v.workflowId}  ${v.workflowName ?? ''}  ${v.timeout?.message ?? ''} (${ops})`;
    default:
      return `ERROR       ${v.workflowId}  ${v.workflowName ?? ''}  ${v.error?.message ?? ''}`;
  }
}
