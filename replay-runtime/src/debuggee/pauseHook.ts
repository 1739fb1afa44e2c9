// Stops the program at a replay event: the runtime's pause policy decides, then the adapter's injected pause function
// runs its `debugger` statement (outside this blackboxed bundle), synchronously inside the user's durable call, so the
// user's call site is on the stack. Runs in the user's program.
import type { ReplayEvent } from '../../../protocol/replayProtocol.js';
import { gateEvent } from './gate.js';
import { pauseReasons } from './pausePolicy.js';
import { debuggeeShared } from './sharedState.js';

/** Called after each event reached the adapter; `subject` is a live value it may inspect while paused. */
export function pauseIfWanted(event: ReplayEvent, subject?: unknown): void {
  const shared = debuggeeShared();
  if (typeof shared.pause !== 'function') return;
  const ops = gateEvent(shared.gate, event);
  const reasons = pauseReasons(shared.config, event, { target: shared.gate.target, ops });
  if (reasons.length === 0) return;
  if (reasons.some((r) => r.kind === 'gateTarget')) shared.gate.reached = true;
  shared.subject = subject;
  shared.pause(event);
}
