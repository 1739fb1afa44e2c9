// The parts of a verdict: the recorded and replayed results, their comparison, the divergence, the trail, and the
// one summary line. Runs in the user's program (engine/session.ts writes the verdict).
import type { ExportedWorkflow } from '../../../protocol/traceModel.js';
import {
  sideEffectsText,
  type Divergence,
  type ResultView,
  type TrailEntry,
  type Verdict,
} from '../../../protocol/replayProtocol.js';
import { resultDifference, type DBOSReplayDivergenceError } from '../errors.js';
import { recordedText, valueText } from '../values/valueText.js';
import type { ConsumedOperation } from './events.js';
import {
  appSerializer,
  errorSummary,
  reviveError,
  reviveValue,
  sameSerialized,
  serializeLikeWorkflow,
  toJsonSafe,
} from './values.js';

/** How the replayed workflow function ended. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** How much of the two results a result divergence shows. */
const RESULT_CHARS = 300;

export function replayedResult(outcome: Outcome): ResultView {
  return outcome.ok
    ? { status: 'SUCCESS', value: toJsonSafe(outcome.value) }
    : { status: 'ERROR', error: errorSummary(outcome.error) };
}

export async function recordedResult(st: ExportedWorkflow['workflow_status'] | undefined): Promise<ResultView | null> {
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

/** How the replayed outcome differs from the recorded result of a finished run (a resultDifference line), or null. */
export async function compareResult(st: ExportedWorkflow['workflow_status'], outcome: Outcome): Promise<string | null> {
  if (st.status === 'SUCCESS') {
    if (!outcome.ok)
      return resultDifference.threwInstead(errorSummary(outcome.error).name, errorSummary(outcome.error).message);
    let replayedText: string | null;
    try {
      replayedText = await serializeLikeWorkflow(outcome.value, st.serialization);
    } catch (e) {
      return resultDifference.unserializable((e as Error).message);
    }
    return sameSerialized(replayedText, st.output)
      ? null
      : resultDifference.valueDiffers(
          valueText(outcome.value, { max: RESULT_CHARS }),
          recordedText(st.output, st.serialization, { max: RESULT_CHARS, serializer: appSerializer() }),
        );
  }
  const rec = await reviveError(
    st.error ?? 'null',
    st.serialization,
    `the recorded error of workflow ${st.workflow_uuid}`,
  );
  if (outcome.ok) return resultDifference.returnedInstead(rec.name, rec.message);
  const got = errorSummary(outcome.error);
  if (got.name !== rec.name || got.message !== rec.message) {
    return resultDifference.otherError(rec.name, rec.message, got.name, got.message);
  }
  return null;
}

/** The verdict's (and the divergence event's) view of a divergence; the workflow's result has no function_id. */
export function divergenceOf(d: DBOSReplayDivergenceError): Divergence {
  return {
    functionId: d.functionId < 0 ? null : d.functionId,
    kind: d.kind,
    recorded: d.recorded,
    called: d.called,
    location: d.location,
    message: d.message,
  };
}

/** The incomplete verdict's message when every recorded operation replayed but the recorded run never finished. */
export function unfinishedRunMessage(status: string, returned: boolean): string {
  return `the recording ends here: the original run (${status}) never completed, but every recorded operation replayed and the workflow ${returned ? 'returned' : 'threw'}`;
}

export function trailEntry(o: ConsumedOperation): TrailEntry {
  const failed = o.error !== null && o.error !== undefined;
  const t: TrailEntry = { functionId: o.functionId, name: o.name, outcome: failed ? 'error' : 'output' };
  // Already rendered for people (engine/values.ts operationText); null for what records no value (a child start, a send).
  const summary = failed ? o.error : o.output;
  if (typeof summary === 'string') t.summary = summary;
  if (o.childWorkflowId) t.childWorkflowId = o.childWorkflowId;
  return t;
}

/** The verdict in one line, `workflow <id> replayed: match (…)` (the end event's summary). */
export function summaryLine(v: Verdict): string {
  return `workflow ${summaryAfterWorkflow(v)}`;
}

/** The one line without its leading `workflow ` (stderr writes it after VERDICT_LINE_PREFIX). */
export function summaryAfterWorkflow(v: Verdict): string {
  const effects = sideEffectsText(v.sideEffects);
  const ops = `${v.operations.consumed}/${v.operations.recorded} recorded operations replayed${effects && v.verdict !== 'match' ? `; ${effects}` : ''}`;
  switch (v.verdict) {
    case 'match':
      return `${v.workflowId} replayed: match${effects ? `, ${effects}` : ''} (${ops})`;
    case 'diverged':
      return `${v.workflowId} DIVERGED: ${v.divergence?.message}${v.divergence?.location ? ` at ${v.divergence.location.text}` : ''} (${ops})`;
    case 'incomplete':
      return `${v.workflowId} incomplete: ${v.incomplete?.message} (${ops})`;
    case 'skipped':
      return `${v.workflowId} skipped: ${v.note}`;
    default:
      return `${v.workflowId || '?'} replay error: ${v.error?.message}`;
  }
}

/**
 * What a temp workflow is (the SDK's `temp_workflow-<kind>-<name>`, recorded for a step or DBOS.send called outside a
 * workflow), for the verdict's note; undefined for any other workflow. `skipped`: it is not replayed.
 */
export function tempWorkflowNote(
  st: { name: string; class_name: string | null } | undefined,
  skipped = false,
): string | undefined {
  const m = st && /^temp_workflow-([^-]*)-(.*)$/.exec(st.name);
  if (!st || !m) return undefined;
  const [, kind, name] = m;
  const what = kind === 'send' ? 'DBOS.send' : `${kind} ${st.class_name ? `${st.class_name}.` : ''}${name}`;
  if (!skipped) return `a temp workflow the SDK recorded for ${what} called outside a workflow`;
  const why = kind === 'step' ? `this program does not register ${what}` : 'the replay has no code for it';
  return `recorded by the SDK for ${what} called outside a workflow; not replayed: ${why}`;
}
