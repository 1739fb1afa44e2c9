// V8's half of the exception filters: whether the debuggee pauses on caught and uncaught exceptions (the replay's own
// stops, divergence and recorded step errors, are the replay channel's). Runs in the debug adapter process.
import type { CdpClient } from './cdpClient';
import type { ExceptionFilters } from './controllerTypes';

export async function setPauseOnExceptions(cdp: CdpClient, filters: ExceptionFilters): Promise<void> {
  const state = filters.caught ? 'all' : filters.uncaught ? 'uncaught' : 'none';
  await cdp.send('Debugger.setPauseOnExceptions', { state });
}
