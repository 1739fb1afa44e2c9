// Readies a started debuggee before it runs: blackboxing, the replay channel, the instrumentation breakpoint that
// lets breakpoints bind before each script runs, exception filters, stopOnEntry's breakpoint, the outFiles source maps
// and the time travel gate; and picks its replay channel. Runs in the debug adapter process.
import type { ValidatedLaunchArguments } from '../launchArguments';
import type { BreakpointManager } from './breakpoints';
import type { CdpClient } from './cdpClient';
import type { ExceptionFilters } from './controllerTypes';
import { DbosChannel, type FunctionBreakpointSpec } from './dbosChannel';
import type { LaunchPlan } from './launchPlan';
import { setPauseOnExceptions } from './pauseOnExceptions';
import type { SkipFiles } from './skipFiles';
import { urlRegexForPath, type SourceMapStore } from './sourceMaps';
import type { InForce, TravelDriver } from './travelDriver';

export interface DebuggeeSetup extends InForce {
  args: ValidatedLaunchArguments;
  skipFiles: SkipFiles;
  breakpoints: BreakpointManager;
  sourceMaps: SourceMapStore;
  travel: TravelDriver;
  /** Plain Node stopOnEntry: break at the program's first line. */
  programEntry: boolean;
  /** A time travel re-run is the same program: the maps read for the first run serve every re-run. */
  reuseMaps: boolean;
}

/**
 * The replay channel for `plan`: the current one while the same trace is replayed (restart, time travel), a new one
 * with the user's settings for another, none for plain Node.
 */
export async function replayChannel(
  current: DbosChannel | undefined,
  plan: LaunchPlan,
  settings: {
    filters: ExceptionFilters;
    functionBreakpoints: FunctionBreakpointSpec[];
    trail(line: string): void;
    warn(line: string): void;
  },
): Promise<DbosChannel | undefined> {
  if (plan.replay && current?.plan === plan.replay) return current;
  current?.dispose();
  if (!plan.replay) return undefined;
  const dbos = new DbosChannel(plan.replay);
  dbos.onTrail(settings.trail);
  dbos.onWarning(settings.warn);
  await dbos.setFilters(settings.filters);
  await dbos.setFunctionBreakpoints(settings.functionBreakpoints);
  return dbos;
}

/** Resolves once all is in place, with the CDP breakpoint at the program's first line (when `programEntry`). */
export async function readyDebuggee(cdp: CdpClient, s: DebuggeeSetup): Promise<string | undefined> {
  const { args, dbos, breakpoints, sourceMaps } = s;
  const blackbox = [...s.skipFiles.blackboxPatterns(), ...(dbos?.blackboxPatterns() ?? [])];
  const program = args.program;
  // The program waits for run(): these are independent, so they go out together (CDP answers in order).
  const [, , , , , entry] = await Promise.all([
    cdp.send('Debugger.setBlackboxPatterns', { patterns: blackbox }).catch(() => undefined),
    dbos?.attach(cdp),
    cdp.send('Debugger.setInstrumentationBreakpoint', { instrumentation: 'beforeScriptWithSourceMapExecution' }),
    cdp.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true }),
    setPauseOnExceptions(cdp, s.filters),
    s.programEntry && program
      ? cdp.send('Debugger.setBreakpointByUrl', { urlRegex: urlRegexForPath(program), lineNumber: 0, columnNumber: 0 })
      : undefined,
    breakpoints
      .attach(cdp)
      .then(() => sourceMaps.outFilesMaps(args.outFiles, s.reuseMaps))
      .then(async (maps) => {
        for (const map of maps) await breakpoints.addSourceMap(map);
      }),
    dbos ? s.travel.prepare(cdp, s) : undefined,
  ]);
  return entry?.breakpointId;
}
