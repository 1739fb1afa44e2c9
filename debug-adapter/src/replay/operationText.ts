// What the Debug Console and stop messages say about a replayed operation: its trail line and the step message of a
// durable call. Runs in the debug adapter process; it only displays the text the replay runtime rendered.
import type { OperationEvent } from '../../../protocol/replayProtocol';

/**
 * A recorded outcome as the runtime rendered it (replay-runtime/src/values/valueText.ts), never re-read here:
 * null (nothing recorded, as for a send) reads `null`.
 */
export function summaryText(text: string | null): string {
  return text ?? 'null';
}

function failed(op: OperationEvent): op is OperationEvent & { errorSummary: string } {
  return op.errorSummary !== null && op.errorSummary !== undefined;
}

/** What a stepped-over (or stepped-into) durable call returned, from the recording. */
export function durableCallMessage(op: OperationEvent, stepIn: boolean, note: string | undefined): string {
  const outcome = failed(op)
    ? `threw the recorded error ${op.errorSummary}`
    : op.outputSummary !== null && op.outputSummary !== undefined
      ? `returned the recorded ${op.outputSummary}`
      : 'returned';
  return stepIn
    ? `Step into #${op.functionId} ${op.name}: the step body is not executed in replay; the call ${outcome}${note ? ` (${note})` : ''}.`
    : `Stepped over #${op.functionId} ${op.name}: it ${outcome}${note ? ` (${note})` : ''}.`;
}

/** `#3 charge → {"ok":true} (12 ms recorded)`; no arrow for what records no value (a child start, a send). */
export function trailLine(op: OperationEvent): string {
  const took =
    op.startedAt !== null && op.completedAt !== null ? ` (${op.completedAt - op.startedAt} ms recorded)` : '';
  const outcome = failed(op)
    ? ` → threw ${op.errorSummary}`
    : op.outputSummary !== null && op.outputSummary !== undefined
      ? ` → ${op.outputSummary}`
      : '';
  const child = op.childWorkflowId ? ` [child ${op.childWorkflowId}]` : '';
  return `#${op.functionId} ${op.name}${outcome}${child}${took}`;
}
