// `dbos-replay dap [--port N]`: runs the debug adapter (DAP over stdio, or a TCP server on 127.0.0.1:N).
// Runs in the CLI process, which becomes the adapter process (the adapter bundle is loaded in-process).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../../history/src/errors.js';
import { parse, parseIntOption, type CliIo, type Command } from '../cliSupport.js';

/** The adapter bundle: next to dist/cli.js, or the checkout's dist/ when run from sources. */
function adapterBundle(): string {
  const candidates = [
    path.join(__dirname, 'debug-adapter.js'),
    path.resolve(__dirname, '..', '..', '..', 'dist', 'debug-adapter.js'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new UsageError(
      `the debug adapter bundle is missing (looked for ${candidates.join(', ')}): build dbos-replay first (npm run build).`,
    );
  return found;
}

export const dapCommand: Command = {
  name: 'dap',
  summary: 'run the debug adapter (Debug Adapter Protocol over stdio, or on a TCP port)',
  usage: `dbos-replay dap [--port N] [--log FILE]
  Speaks DAP on stdin/stdout, or listens on 127.0.0.1:N (0 picks a free port, printed on stderr).
  Launch configurations take "workflowId" (+ "databaseUrl") or "traceFile", and "program".`,
  async run(args: string[], _io: CliIo): Promise<number> {
    const { values } = parse(args, { port: { type: 'string' }, log: { type: 'string' } }, false);
    parseIntOption(values.port, 'port', 0, 65535);
    const bundle = adapterBundle();
    // The adapter reads --port and --log from process.argv, which already holds them; it serves until its streams close.
    // A path found at run time (next to this bundle): loaded as it is, never bundled into the CLI.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(bundle);
    return new Promise<number>(() => undefined);
  },
};
