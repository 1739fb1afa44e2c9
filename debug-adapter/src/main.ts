// Entry of the debug adapter: DAP over stdio, or a TCP server with `--port N` (one session per connection).
// Runs in the debug adapter process (`node dist/debug-adapter.js`, or `dbos-replay dap`).
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { DapFrameReader } from './dapFrameReader';
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

/** Runs a session over a client's streams; frames are read by our reader, so a malformed one is skipped, not fatal. */
function serve(session: ReplaySession, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void {
  // The library reads nothing itself: it only learns from this stream that the client went away.
  const closed = new PassThrough();
  session.start(closed, output);
  const reader = new DapFrameReader(
    (message) => session.receive(message),
    (why) => session.reportBadFrame(why),
  );
  input.on('data', (chunk: Buffer) => reader.push(chunk));
  input.on('end', () => closed.destroy());
  input.on('close', () => closed.destroy());
  input.on('error', (e: Error) => {
    log('dap', `client stream error: ${e.message}`);
    closed.destroy();
  });
}

// A signalled adapter leaves through 'exit', whose handler kills its debuggees (the watchdog covers SIGKILL).
process.on('SIGTERM', () => process.exit(143));
process.on('SIGHUP', () => process.exit(129));

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
    serve(session, socket, socket);
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
  serve(session, process.stdin, process.stdout);
}
