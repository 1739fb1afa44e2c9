// The one replay session of this process (set by the preload). Runs in the user's program.
import type { ReplaySession } from './session.js';

let session: ReplaySession | undefined;

export function setSession(s: ReplaySession): void {
  session = s;
}

export function getSession(): ReplaySession {
  if (!session)
    throw new Error(
      'dbos-replay: the replay runtime is not initialized (load it with node --require <dist>/replay-runtime.js)',
    );
  return session;
}
