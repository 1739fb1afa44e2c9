// A debuggee started ahead of use: spawned under the inspector, connected, hooked for replay and, when no user code
// can run first, pre-run to its program's first line; and the one spare kept ready for time travel's next re-run.
// Runs in the debug adapter process.
import path from 'node:path';
import type { ValidatedLaunchArguments } from '../launchArguments';
import { log } from '../logger';
import { CdpClient } from './cdpClient';
import type { PausedEvent } from './cdpTypes';
import { DbosChannel } from './dbosChannel';
import { DebuggeeProcess } from './debuggeeProcess';
import type { LaunchPlan } from './launchPlan';
import { urlRegexForPath, urlToPath } from './sourceMaps';
import { installGate } from './travelGate';

/** A debuggee waiting at its first line, connected, with the Runtime and Debugger domains on (and the replay hook). */
export interface WarmDebuggee {
  debuggee: DebuggeeProcess;
  cdp: CdpClient;
  /** The scripts parsed before the controller took it (the hook's among them; the preloads' and the program's if pre-run). */
  scripts: Map<string, { url: string; sourceMapURL?: string }>;
  /** Pre-run: paused at the first line of the program, its preloads (the replay runtime, tsx) already loaded. */
  prerunPause?: PausedEvent;
}

/**
 * Whether a standby debuggee may run its preloads ahead of time: only ours (the runtime, tsx) run before the program,
 * so no user code (and no user breakpoint) is passed. A user's own --require/--import, or NODE_OPTIONS, rule it out.
 */
export function canPrerun(args: ValidatedLaunchArguments): boolean {
  const preloadFlag = /^(?:-r|--require|--import|--loader|--experimental-loader)(?:=|$)/;
  const nodeOptions = [args.env.NODE_OPTIONS, process.env.NODE_OPTIONS]
    .filter((o): o is string => typeof o === 'string')
    .join(' ');
  return (
    !!args.program &&
    path.basename(args.runtimeExecutable).replace(/\.exe$/i, '') === 'node' &&
    !args.runtimeArgs.some((a) => preloadFlag.test(a)) &&
    !/(?:^|\s)(?:-r|--require|--import|--loader)/.test(nodeOptions)
  );
}

/** Runs a standby debuggee up to the first line of its program (see canPrerun); undefined if it went anywhere else. */
async function prerunToProgram(
  cdp: CdpClient,
  program: string,
  scripts: WarmDebuggee['scripts'],
): Promise<PausedEvent | undefined> {
  const entry = await cdp.send('Debugger.setBreakpointByUrl', {
    urlRegex: urlRegexForPath(program),
    lineNumber: 0,
    columnNumber: 0,
  });
  let listener: { dispose(): void } | undefined;
  try {
    return await new Promise<PausedEvent | undefined>((resolve) => {
      let pauses = 0;
      const timer = setTimeout(() => resolve(undefined), 10000);
      timer.unref();
      cdp.onClose(() => resolve(undefined));
      listener = cdp.on('Debugger.paused', (e) => {
        const top = e.callFrames[0];
        const url = top ? top.url || scripts.get(top.location.scriptId)?.url || '' : '';
        if (url && urlToPath(url) === program) {
          clearTimeout(timer);
          resolve(e);
        } else if (++pauses > 20) {
          clearTimeout(timer);
          resolve(undefined);
        } else {
          // Node's break on the first line of a preload: not the program yet.
          void cdp.send('Debugger.resume', {}).catch(() => resolve(undefined));
        }
      });
      cdp.send('Runtime.runIfWaitingForDebugger', {}).catch(() => resolve(undefined));
    });
  } finally {
    listener?.dispose();
    await cdp.send('Debugger.removeBreakpoint', { breakpointId: entry.breakpointId }).catch(() => undefined);
  }
}

export async function startDebuggee(
  args: ValidatedLaunchArguments,
  plan: LaunchPlan,
  prerun = false,
  signal?: AbortSignal,
): Promise<WarmDebuggee> {
  const replay = plan.replay;
  // A replay starts as the replay launcher built it (preload, entry, environment); plain debugging as launch.json says.
  // Each debuggee gets its own hand-off file, written now: its runtime removes it as soon as it has read it.
  const env: Record<string, string | undefined> = replay
    ? { ...replay.env, ...(await replay.nextHandoff()) }
    : { ...process.env };
  if (!replay) for (const [k, v] of Object.entries(args.env)) env[k] = v === null ? undefined : v;
  const programArgs = replay
    ? [replay.entry, ...args.args]
    : args.program
      ? [args.program, ...args.args]
      : ['-e', args.modules.map((m) => `require(${JSON.stringify(m)});`).join('\n'), ...args.args];
  const debuggee = await DebuggeeProcess.start({
    runtimeExecutable: args.runtimeExecutable,
    runtimeArgs: args.runtimeArgs,
    preload: replay?.preload ?? [],
    programArgs,
    cwd: args.cwd,
    env,
    signal,
  });
  // Aborted once the inspector is up: kill it; the CDP calls below then fail and the catch ends the rest.
  const abort = () => debuggee.kill('SIGKILL');
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const cdp = await CdpClient.connect(debuggee.inspectorUrl);
    // Only Node's own scripts and the hook are parsed before the program runs; their URLs are all the controller needs.
    const scripts: WarmDebuggee['scripts'] = new Map();
    const listening = cdp.on('Debugger.scriptParsed', (e) =>
      scripts.set(e.scriptId, { url: e.url, sourceMapURL: e.sourceMapURL }),
    );
    await cdp.send('Runtime.enable', {});
    await cdp.send('Debugger.enable', {});
    if (plan.replay) {
      await installGate(cdp);
      await DbosChannel.installHook(cdp);
    }
    let prerunPause: PausedEvent | undefined;
    if (prerun && args.program) {
      prerunPause = await prerunToProgram(cdp, args.program, scripts);
      if (!prerunPause) throw new Error(`the standby debuggee did not stop at the first line of ${args.program}`);
    }
    listening.dispose();
    if (signal?.aborted) throw new Error('the standby debuggee was disposed while starting');
    return { debuggee, cdp, scripts, prerunPause };
  } catch (e) {
    debuggee.kill('SIGKILL');
    throw e;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** The spare debuggee: one at a time, made for one set of launch arguments and plan. */
export class StandbyDebuggee {
  private pending:
    | {
        args: ValidatedLaunchArguments;
        plan: LaunchPlan;
        ready: Promise<WarmDebuggee | undefined>;
        abort: AbortController;
      }
    | undefined;

  /** Starts one unless one is on its way. */
  start(args: ValidatedLaunchArguments, plan: LaunchPlan): void {
    if (this.pending) return;
    const abort = new AbortController();
    this.pending = {
      args,
      plan,
      abort,
      ready: startDebuggee(args, plan, canPrerun(args), abort.signal).catch((e: unknown) => {
        log('replay', `standby debuggee failed: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }),
    };
  }

  /** The spare if it was made for these arguments and plan and is still alive; any other one is ended. */
  async take(args: ValidatedLaunchArguments, plan: LaunchPlan): Promise<WarmDebuggee | undefined> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return undefined;
    const warm = await pending.ready;
    if (!warm) return undefined;
    if (pending.args !== args || pending.plan !== plan || warm.debuggee.exited || warm.cdp.isClosed) {
      warm.cdp.dispose();
      warm.debuggee.dispose();
      return undefined;
    }
    return warm;
  }

  /** Ends the spare, a starting one at once (its process is killed, not left to finish starting). */
  dispose(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.abort.abort();
    void pending?.ready.then((w) => {
      w?.cdp.dispose();
      w?.debuggee.dispose();
    });
  }
}
