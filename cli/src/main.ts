// Entry of the dbos-replay CLI: dispatches `dbos-replay <command>` to cli/src/commands/<command>.ts.
// Runs in the CLI process (bundled to dist/cli.js). Exit codes (ExitCode): 0 ok, 1 runtime error, 2 usage error.
import { ErrorCode, HistoryError, UsageError } from '../../history/src/errors.js';
import { ExitCode } from '../../protocol/replayProtocol.js';
import { DB_OPTIONS_USAGE, scrub, terminalText, type CliIo, type Command } from './cliSupport.js';
import { dapCommand } from './commands/dap.js';
import { exportCommand } from './commands/export.js';
import { listCommand } from './commands/list.js';
import { showCommand } from './commands/show.js';
import { runCommand } from './commands/run.js';
import { checkCommand } from './commands/check.js';

/** Subcommands by name; later ones (run, check, dap) are added here. */
export const COMMANDS: Record<string, Command> = {
  list: listCommand,
  show: showCommand,
  export: exportCommand,
  run: runCommand,
  check: checkCommand,
  dap: dapCommand,
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return (
    'usage: dbos-replay <command> [options]\n\ncommands:\n' +
    Object.values(COMMANDS)
      .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
      .join('\n') +
    '\n\nThe database is --db, else DBOS_SYSTEM_DATABASE_URL, else DATABASE_URL.\n' +
    'Run `dbos-replay <command> --help` for its options.\n'
  );
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code. Never throws. Everything a command
 * prints passes terminalText (control characters escaped), except `dap`, whose stdout is the protocol.
 */
export async function main(argv: string[], raw: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const io: CliIo =
    name === dapCommand.name
      ? raw
      : {
          ...raw,
          stdout: (t) => raw.stdout(terminalText(t, true)),
          stderr: (t) => raw.stderr(terminalText(t, true)),
        };
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : ExitCode.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`dbos-replay: unknown command '${name}'.\n\n${usage()}`);
    return ExitCode.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`usage: ${command.usage}\n${command.usage.includes('--db') ? `\n${DB_OPTIONS_USAGE}\n` : ''}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof HistoryError && e.code === ErrorCode.NoDatabaseUrl)) {
      io.stderr(scrub(`dbos-replay ${name}: ${e.message}\n\nusage: ${command.usage}\n`, io));
      return ExitCode.usage;
    }
    if (e instanceof HistoryError && e.userError) {
      io.stderr(scrub(`dbos-replay ${name}: ${e.message}\n`, io));
      return ExitCode.error;
    }
    // A bug: keep the stack, but never a password.
    io.stderr(
      scrub(`dbos-replay ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`, io),
    );
    return ExitCode.error;
  }
}

/** Runs the CLI on this process's arguments and streams; the exit code lands in process.exitCode. */
export function runFromProcess(): void {
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    urls: [],
  };
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runFromProcess();
