// A view of the extension's LogOutputChannel for the language client: lines tagged, database passwords redacted.
// Runs in the extension host.
import * as vscode from 'vscode';
import { redactSecrets } from './redactSecrets.js';

/**
 * The language client logs the server's window/logMessage lines and, when the channel is at Trace level, every LSP
 * message, including `initialize` and `workspace/didChangeConfiguration`, whose database URL carries the password.
 * Everything passes through redactSecrets before it reaches the one DBOS Replay channel.
 */
export function redactingLogChannel(
  log: vscode.LogOutputChannel,
  secrets: () => (string | undefined)[],
): vscode.LogOutputChannel {
  const line = (message: string | Error, args: unknown[]): string => {
    const text = [
      message instanceof Error ? (message.stack ?? message.message) : message,
      ...args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : safeJson(a))),
    ].join(' ');
    return redactSecrets(`[language server] ${text}`, secrets());
  };
  return {
    get name() {
      return log.name;
    },
    get logLevel() {
      return log.logLevel;
    },
    onDidChangeLogLevel: log.onDidChangeLogLevel,
    trace: (m: string, ...a: unknown[]) => log.trace(line(m, a)),
    debug: (m: string, ...a: unknown[]) => log.debug(line(m, a)),
    info: (m: string, ...a: unknown[]) => log.info(line(m, a)),
    warn: (m: string, ...a: unknown[]) => log.warn(line(m, a)),
    error: (m: string | Error, ...a: unknown[]) => log.error(line(m, a)),
    append: (v: string) => log.append(redactSecrets(v, secrets())),
    appendLine: (v: string) => log.appendLine(line(v, [])),
    replace: (v: string) => log.replace(redactSecrets(v, secrets())),
    clear: () => log.clear(),
    show: (a?: unknown, b?: boolean) => (typeof a === 'boolean' ? log.show(a) : log.show(b)),
    hide: () => log.hide(),
    // The channel belongs to the extension (context.subscriptions), not to the client.
    dispose: () => {},
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
