// Runs a Node script as a child process and collects what it printed, for tests and benchmarks of CLIs.
// Runs in the test (or benchmark) process.
import { spawn } from 'node:child_process';

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both, in the order they arrived. */
  out: string;
}

/** `node <args>` in `cwd`; `env` adds to this process's environment, and an undefined value removes that variable. */
export function runNode(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<NodeRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let out = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      out += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      out += d;
    });
    child.on('error', reject);
    // 'close', not 'exit': the output streams are complete by then.
    child.on('close', (code) => resolve({ code, stdout, stderr, out }));
  });
}
