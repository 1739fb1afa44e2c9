// Preload entry of the replay runtime: `node --require <repo>/dist/replay-runtime.js <program>`.
// Redirects the DBOS SDK and data-source packages (CJS and ESM) to the replay, creates the session, watches I/O outside steps.
// Runs in the user's program, before its code.
import { RUNTIME_GLOBAL, type RuntimeGlobal } from '../../protocol/debuggeeProtocol.js';
import { runtimeGlobal } from './debuggee/runtimeGlobal.js';
import { debuggeeShared } from './debuggee/sharedState.js';
import { setSession } from './engine/current.js';
import { ReplaySession } from './engine/session.js';
import { installCjsRedirect } from './resolve/cjsRedirect.js';
import { installEsmRedirect } from './resolve/esmRedirect.js';
import { installSideEffectPatches } from './sideEffects/patches.js';
import { setSideEffectPolicy, sideEffectPolicy } from './sideEffects/watch.js';
import { dataSourceModules } from './sdk/dataSources.js';
import { datasourceModule, sdkModule } from './sdk/sdkModule.js';

const GUARD = Symbol.for('dbos-replay.runtime');
type Global = typeof globalThis & { [GUARD]?: unknown; [RUNTIME_GLOBAL]?: RuntimeGlobal };
const g = globalThis as Global;

if (!g[GUARD]) {
  const session = new ReplaySession(process.env);
  setSession(session);
  const modules: Record<string, Record<string, unknown>> = {
    '@dbos-inc/dbos-sdk': sdkModule,
    '@dbos-inc/dbos-sdk/datasource': datasourceModule,
    ...dataSourceModules,
  };
  g[GUARD] = { session, modules };
  // The debug adapter may have created the shared state already (at --inspect-brk); otherwise it is created now.
  debuggeeShared();
  g[RUNTIME_GLOBAL] = runtimeGlobal(session);
  installCjsRedirect(modules);
  installEsmRedirect(modules, __filename);
  // The workflow body's I/O outside steps (`allow`: not watched at all, no cost).
  const policy = sideEffectPolicy(process.env);
  if (policy !== 'allow') {
    setSideEffectPolicy(policy, (wf, effect) => session.noteSideEffect(wf, effect));
    installSideEffectPatches();
  }
  process.on('uncaughtExceptionMonitor', (err) => {
    session.lastUncaught = err;
  });
  process.on('exit', (code) => session.onExit(code));
}
