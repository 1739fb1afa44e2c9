// Entry of the debug adapter: DAP over stdio, or a TCP server with `--port N` (one session per connection).
// Runs in the debug adapter process (`node dist/debug-adapter.js`, or `dbos-replay dap`).
import net from 'node:net';
import { log, setLogFile } from './logger';
import { ReplaySession } from './replaySession';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

const logFile = argValue('--log');
if (logFile) setLogFile(logFile);

// A stray rejection must not take the adapter (and the user's session) down: log it and keep serving.
process.on('unhandledRejection', (e) => log('dap', `unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));
process.on('uncaughtException', (e) => log('dap', `uncaught exception: ${e.stack ?? String(e)}`));

const portArg = argValue('--port');
if (portArg !== undefined) {
  const port = Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`dbos-replay dap: --port must be a TCP port number, got ${JSON.stringify(portArg)}.\n`);
    process.exit(2);
  }
  const server = net.createServer((socket) => {
    const session = new ReplaySession();
    session.setRunAsServer(true);
    session.start(socket, socket);
    socket.on('error', (e) => log('dap', `client socket error: ${e.message}`));
  });
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    process.stderr.write(
      `dbos-replay debug adapter listening on 127.0.0.1:${typeof address === 'object' && address ? address.port : port}\n`,
    );
  });
} else {
  const session = new ReplaySession();
  session.start(process.stdin, process.stdout);
}
