// The launch configuration of a dbos-replay debug session: its typed shape, defaults and validation.
// Runs in the debug adapter process. Every error names the argument and says how to fix it.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SIDE_EFFECT_POLICY, SIDE_EFFECT_POLICIES, type SideEffectPolicy } from '../../protocol/replayProtocol';
import { AdapterError, errors } from './errors';

/** What a `dbos-replay` launch configuration may contain (keep in sync with package.json `configurationAttributes`). */
export interface ReplayLaunchArguments {
  /** Entry file of the program to debug (TypeScript run through a runtime such as tsx, or compiled JavaScript). */
  program?: string;
  /** Modules to load for workflow registration when there is no single entry program. */
  modules?: string[];
  /** Command-line arguments passed to the program. */
  args?: string[];
  /** Working directory of the program; defaults to the program's directory. */
  cwd?: string;
  /** Executable that runs the program; defaults to `node`. */
  runtimeExecutable?: string;
  /** Arguments for the runtime executable, before the program (e.g. `["--import", "tsx"]`). */
  runtimeArgs?: string[];
  /** Extra environment variables for the program; `null` removes one. */
  env?: Record<string, string | null>;
  /** Stop at the first line of the workflow function when replaying (of the program otherwise). */
  stopOnEntry?: boolean;
  /** Globs of files whose frames are hidden from stepping and de-emphasized in stacks (`<node_internals>/**` for Node's own code). */
  skipFiles?: string[];
  /** Globs of compiled JavaScript files whose source maps are read before the program runs (`!` excludes). */
  outFiles?: string[];
  /** Recorded workflow to replay (DBOS). */
  workflowId?: string;
  /** A trace file exported by `dbos-replay export`, instead of reading the database. */
  traceFile?: string;
  /** System database to read the recording from; defaults to DBOS_SYSTEM_DATABASE_URL, then dbos-config.yaml. */
  databaseUrl?: string;
  /** What the workflow body's I/O outside a step does in the replay: warn (run it, list it in the Debug Console), block (throw an error into the workflow at the call) or allow (run it silently); default warn. */
  sideEffects?: 'warn' | 'block' | 'allow';
  /** Log the DAP traffic to the adapter log. */
  trace?: boolean;
}

/** Launch arguments after validation: absolute paths and defaults filled in. */
export interface ValidatedLaunchArguments {
  program: string | undefined;
  modules: string[];
  args: string[];
  cwd: string;
  runtimeExecutable: string;
  runtimeArgs: string[];
  env: Record<string, string | null>;
  stopOnEntry: boolean;
  skipFiles: string[];
  outFiles: string[];
  workflowId: string | undefined;
  traceFile: string | undefined;
  databaseUrl: string | undefined;
  sideEffects: SideEffectPolicy;
}

export const DEFAULT_SKIP_FILES = ['<node_internals>/**', '**/node_modules/**'];

export function validateLaunchArguments(raw: unknown): ValidatedLaunchArguments {
  if (typeof raw !== 'object' || raw === null)
    throw argError('The launch request has no arguments. Add a "program" to launch.json.');
  const a = raw as Record<string, unknown>;
  const program = optionalString(a, 'program');
  const modules = optionalStringArray(a, 'modules') ?? [];
  if (!program && modules.length === 0) {
    throw argError(
      'Set "program" (the file to debug, e.g. "${workspaceFolder}/src/main.ts") or "modules" in launch.json.',
    );
  }
  const cwdArg = optionalString(a, 'cwd');
  if (cwdArg !== undefined && !path.isAbsolute(cwdArg))
    throw argError(`"cwd" must be an absolute path, got ${JSON.stringify(cwdArg)}. Use "\${workspaceFolder}/…".`);
  if (cwdArg !== undefined && !isDirectory(cwdArg))
    throw argError(`"cwd" ${JSON.stringify(cwdArg)} is not a directory. Fix "cwd" in launch.json.`);
  const baseDir = cwdArg ?? (program && path.isAbsolute(program) ? path.dirname(program) : process.cwd());
  const programPath = program ? path.resolve(baseDir, program) : undefined;
  if (programPath && !existsSync(programPath)) {
    throw errors.programNotFound(programPath);
  }
  const cwd = cwdArg ?? (programPath ? path.dirname(programPath) : process.cwd());
  const env = optionalRecord(a, 'env') ?? {};
  const outFilesArg = optionalStringArray(a, 'outFiles');
  const outFiles = (outFilesArg ?? defaultOutFiles(programPath)).map((g) => absoluteGlob(g, cwd));
  return {
    program: programPath,
    modules: modules.map((m) => path.resolve(cwd, m)),
    args: optionalStringArray(a, 'args') ?? [],
    cwd,
    runtimeExecutable: optionalString(a, 'runtimeExecutable') ?? 'node',
    runtimeArgs: optionalStringArray(a, 'runtimeArgs') ?? [],
    env,
    stopOnEntry: optionalBoolean(a, 'stopOnEntry') ?? false,
    skipFiles: (optionalStringArray(a, 'skipFiles') ?? DEFAULT_SKIP_FILES).map((g) =>
      g.startsWith('<node_internals>') ? g : absoluteGlob(g, cwd),
    ),
    outFiles,
    workflowId: optionalString(a, 'workflowId'),
    traceFile: optionalString(a, 'traceFile'),
    databaseUrl: optionalString(a, 'databaseUrl'),
    sideEffects: sideEffectPolicy(a),
  };
}

/** Compiled JS next to a JS program is read up front; a TypeScript program run through tsx needs none. */
function defaultOutFiles(programPath: string | undefined): string[] {
  if (!programPath || !/\.[cm]?js$/.test(programPath)) return [];
  return [`${path.dirname(programPath)}/**/*.{js,mjs,cjs}`, '!**/node_modules/**'];
}

function absoluteGlob(glob: string, cwd: string): string {
  const negated = glob.startsWith('!');
  const body = negated ? glob.slice(1) : glob;
  const abs = path.isAbsolute(body) || body.startsWith('**') ? body : path.join(cwd, body);
  return `${negated ? '!' : ''}${abs}`;
}

function argError(message: string): AdapterError {
  return errors.launchArgument(message);
}

function optionalString(a: Record<string, unknown>, name: string): string | undefined {
  const v = a[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string')
    throw argError(`"${name}" must be a string, got ${JSON.stringify(v)}. Fix "${name}" in launch.json.`);
  return v;
}

function sideEffectPolicy(a: Record<string, unknown>): SideEffectPolicy {
  const v = optionalString(a, 'sideEffects');
  if (v === undefined) return DEFAULT_SIDE_EFFECT_POLICY;
  if (!(SIDE_EFFECT_POLICIES as readonly string[]).includes(v))
    throw argError(
      `"sideEffects" must be one of ${SIDE_EFFECT_POLICIES.map((p) => `"${p}"`).join(', ')}, got ${JSON.stringify(v)}. Fix "sideEffects" in launch.json.`,
    );
  return v as SideEffectPolicy;
}

function optionalBoolean(a: Record<string, unknown>, name: string): boolean | undefined {
  const v = a[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean')
    throw argError(`"${name}" must be true or false, got ${JSON.stringify(v)}. Fix "${name}" in launch.json.`);
  return v;
}

function optionalStringArray(a: Record<string, unknown>, name: string): string[] | undefined {
  const v = a[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw argError(`"${name}" must be an array of strings, got ${JSON.stringify(v)}. Fix "${name}" in launch.json.`);
  }
  return v as string[];
}

function optionalRecord(a: Record<string, unknown>, name: string): Record<string, string | null> | undefined {
  const v = a[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => x !== null && typeof x !== 'string')) {
    throw argError(
      `"${name}" must be an object of string values (or null to unset), got ${JSON.stringify(v)}. Fix "${name}" in launch.json.`,
    );
  }
  return v as Record<string, string | null>;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
