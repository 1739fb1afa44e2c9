// The typed error thrown into user code at a divergence; extends the SDK's own determinism error
// (DBOSUnexpectedStepError, code 26) so code that matches on it keeps working. Runs in the user's program.
import { DBOSUnexpectedStepError } from '@dbos-inc/dbos-sdk/internal/error';
import type { DivergenceKind, SourceLocation } from '../../../protocol/replayProtocol.js';

export class DBOSReplayDivergenceError extends DBOSUnexpectedStepError {
  readonly functionId: number;
  readonly kind: DivergenceKind;
  /** The recorded function_name at this function_id, or null when nothing was recorded there. */
  readonly recorded: string | null;
  /** What the code called, or null when the code made no call (recorded call never made). */
  readonly called: string | null;
  readonly location: SourceLocation | null;

  constructor(
    workflowId: string,
    functionId: number,
    kind: DivergenceKind,
    recorded: string | null,
    called: string | null,
    location: SourceLocation | null,
    message?: string,
  ) {
    super(workflowId, functionId, called ?? '(no call)', recorded ?? '(nothing)');
    this.name = 'DBOSReplayDivergenceError';
    this.functionId = functionId;
    this.kind = kind;
    this.recorded = recorded;
    this.called = called;
    this.location = location;
    if (message) this.message = message;
  }
}

/** Stops the replay at the end of an incomplete recording; never caught by the runtime's callers. */
export class DBOSReplayIncompleteError extends Error {
  constructor(
    readonly workflowId: string,
    readonly functionId: number,
    readonly called: string,
  ) {
    super(`the recording ends here: the original run never completed step ${functionId} (${called})`);
    this.name = 'DBOSReplayIncompleteError';
  }
}
