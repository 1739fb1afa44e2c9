// The one replay session of this process (set by the preload). Runs in the user's program.
import { errors } from '../errors.js';
import type { ReplaySession } from './session.js';

let session: ReplaySession | undefined;

export function setSession(s: ReplaySession): void {
  session = s;
}

export function getSession(): ReplaySession {
  if (!session) throw errors.runtimeNotLoaded();
  return session;
}
