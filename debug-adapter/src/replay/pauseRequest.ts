// A pause request that holds: V8 drops a request taken by skipped (blackboxed) code that returns to the event loop
// without reaching user code, so it is sent again until the program really stops. Runs in the debug adapter process.
import { log } from '../logger';
import type { CdpClient } from './cdpClient';

/** Sends Debugger.pause, then again every half second (20 times at most) while `wanted()` says it is still due. */
export async function requestPause(cdp: CdpClient, wanted: () => boolean): Promise<void> {
  await cdp.send('Debugger.pause', {});
  let tries = 0;
  const retry = setInterval(() => {
    if (!wanted() || cdp.isClosed || ++tries > 20) {
      clearInterval(retry);
      return;
    }
    log('replay', 'pause not taken yet, asking again');
    cdp.send('Debugger.pause', {}).catch(() => clearInterval(retry));
  }, 500);
  retry.unref();
}
