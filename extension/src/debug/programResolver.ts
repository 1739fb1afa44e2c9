// Which program a replay runs when the launch configuration names none: the workspace's dbos-replay launch
// configuration, else dbos-config.yaml runtimeConfig.start, else package.json (start script, main), else remembered.
// Runs in the extension host; pure (no 'vscode'), unit-tested.
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ProgramSources {
  /** The workspace folder's path. */
  folder: string;
  /** `configurations` of the folder's launch.json (and user settings' `launch`). */
  launchConfigurations: unknown[];
  dbosConfigYaml?: string;
  packageJson?: string;
  /** What the user chose the last time nothing else said (workspaceState). */
  remembered?: string;
}

export type ProgramSource =
  'launch.json' | 'dbos-config.yaml' | 'package.json start' | 'package.json main' | 'remembered';

export interface ProgramChoice {
  source: ProgramSource;
  /** Launch configuration fields to add where the configuration leaves them out (program, runtimeArgs, cwd, …). */
  fields: Record<string, unknown>;
}

/** Fields of a launch configuration that say what one replay is, never copied from the template. */
const PER_REPLAY = new Set([
  'type',
  'request',
  'name',
  'workflowId',
  'traceFile',
  'preLaunchTask',
  'postDebugTask',
  'presentation',
]);

/** The first dbos-replay launch configuration that names a program (or modules), as a template. */
function fromLaunchJson(configs: unknown[]): ProgramChoice | undefined {
  for (const c of configs) {
    if (!c || typeof c !== 'object') continue;
    const cfg = c as Record<string, unknown>;
    if (cfg.type !== 'dbos-replay' || cfg.request !== 'launch') continue;
    if (typeof cfg.program !== 'string' && !Array.isArray(cfg.modules)) continue;
    const fields = Object.fromEntries(Object.entries(cfg).filter(([k]) => !PER_REPLAY.has(k)));
    return { source: 'launch.json', fields };
  }
  return undefined;
}

/** Splits a shell command line into words, honouring simple quotes; undefined for anything fancier. */
function words(command: string): string[] | undefined {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(command); m; m = re.exec(command)) out.push(m[1] ?? m[2] ?? m[3]);
  return out.some((w) => /[|<>`$]/.test(w)) ? undefined : out;
}

/** Node options that take the next word as their value. */
const NODE_VALUE_OPTIONS = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--env-file',
  '--conditions',
  '-C',
]);

/**
 * The program of one shell command that starts Node: `node [options] file`, `tsx file`, `npx tsx file`,
 * `ts-node file`; the last `&&`/`;` part that does. Undefined when it is not one of those.
 */
export function programFromCommand(command: string, folder: string): Record<string, unknown> | undefined {
  const parts = command
    .split(/&&|;/)
    .map((p) => p.trim())
    .filter(Boolean)
    .reverse();
  for (const part of parts) {
    let w = words(part);
    if (!w) continue;
    while (w.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0])) w = w.slice(1); // FOO=bar node …
    if (w[0] === 'npx' || w[0] === 'exec') w = w.slice(1).filter((x, i) => !(i === 0 && x.startsWith('-')));
    const [cmd, ...rest] = w;
    let runtimeArgs: string[] = [];
    if (cmd === 'tsx') runtimeArgs = ['--import', 'tsx'];
    else if (cmd === 'ts-node') runtimeArgs = ['-r', 'ts-node/register'];
    else if (cmd !== 'node') continue;
    let i = 0;
    for (; i < rest.length && rest[i].startsWith('-'); i++) {
      if (rest[i] === '-e' || rest[i] === '--eval' || rest[i] === '-p') return undefined;
      if (cmd === 'node') runtimeArgs.push(rest[i]);
      if (NODE_VALUE_OPTIONS.has(rest[i]) && i + 1 < rest.length) {
        if (cmd === 'node') runtimeArgs.push(rest[i + 1]);
        i++;
      }
    }
    const file = rest[i];
    if (!file) continue;
    const fields: Record<string, unknown> = { program: path.resolve(folder, file), cwd: folder };
    if (runtimeArgs.length) fields.runtimeArgs = runtimeArgs;
    if (rest.length > i + 1) fields.args = rest.slice(i + 1);
    return fields;
  }
  return undefined;
}

function fromDbosConfig(yamlText: string, folder: string): ProgramChoice | undefined {
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch {
    return undefined;
  }
  const start = (doc as { runtimeConfig?: { start?: unknown } } | null)?.runtimeConfig?.start;
  const commands = Array.isArray(start) ? start : typeof start === 'string' ? [start] : [];
  for (const c of commands) {
    const fields = typeof c === 'string' ? programFromCommand(c, folder) : undefined;
    if (fields) return { source: 'dbos-config.yaml', fields };
  }
  return undefined;
}

function fromPackageJson(text: string, folder: string): ProgramChoice | undefined {
  let pkg: { scripts?: Record<string, unknown>; main?: unknown };
  try {
    pkg = JSON.parse(text);
  } catch {
    return undefined;
  }
  const start = pkg?.scripts?.start;
  const fields = typeof start === 'string' ? programFromCommand(start, folder) : undefined;
  if (fields) return { source: 'package.json start', fields };
  if (typeof pkg?.main === 'string' && pkg.main.trim()) {
    return { source: 'package.json main', fields: { program: path.resolve(folder, pkg.main.trim()), cwd: folder } };
  }
  return undefined;
}

/** The first source that names a program, in the documented order; undefined means: ask the user. */
export function resolveProgram(src: ProgramSources): ProgramChoice | undefined {
  return (
    fromLaunchJson(src.launchConfigurations) ??
    (src.dbosConfigYaml !== undefined ? fromDbosConfig(src.dbosConfigYaml, src.folder) : undefined) ??
    (src.packageJson !== undefined ? fromPackageJson(src.packageJson, src.folder) : undefined) ??
    (src.remembered ? { source: 'remembered', fields: { program: src.remembered, cwd: src.folder } } : undefined)
  );
}
