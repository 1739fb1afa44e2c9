// The state the runtime shares with the debug adapter in the debuggee (`globalThis[SHARED_GLOBAL]`): the pause config
// and gate settings the adapter writes, the gate's clock the runtime keeps, the adapter's pause function.
// Runs in the user's program.
import { newDebuggeeShared, SHARED_GLOBAL, type DebuggeeShared } from '../../../protocol/debuggeeProtocol.js';

type Global = typeof globalThis & { [SHARED_GLOBAL]?: DebuggeeShared };

/** The shared state, created here if the adapter has not (the adapter may come first, at `--inspect-brk`). */
export function debuggeeShared(): DebuggeeShared {
  const g = globalThis as Global;
  return (g[SHARED_GLOBAL] ??= newDebuggeeShared());
}
