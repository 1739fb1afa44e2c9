// What the runtime exposes to the debug adapter once loaded (`globalThis[RUNTIME_GLOBAL]`): the replay state, and the
// calls the adapter makes with JSON arguments (a gated breakpoint's pass, the Workflow scope, revival notes).
// Runs in the user's program.
import type { RuntimeGlobal } from '../../../protocol/debuggeeProtocol.js';
import type { ReplaySession } from '../engine/session.js';
import { gateHit } from './gate.js';
import { debuggeeShared } from './sharedState.js';
import { revivalNotes, workflowView } from './workflowView.js';

/** Reads `session.state` at each call: batch mode gives every run a fresh one. */
export function runtimeGlobal(session: ReplaySession): RuntimeGlobal {
  return {
    get state() {
      return session.state;
    },
    session,
    gateHit: (id, cond) => gateHit(debuggeeShared().gate, id, cond),
    workflowView: () => workflowView(session.state),
    revivalNotes: (functionIds) => revivalNotes(session.state, functionIds),
  };
}
