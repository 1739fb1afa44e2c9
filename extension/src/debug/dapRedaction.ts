// What of the DAP traffic goes into the log: every message, with database passwords replaced by ***.
// Runs in the extension host; pure (no 'vscode'), unit-tested.
import { redactUrl } from '../../../history/src/db/connection.js';

const URL_WITH_PASSWORD = /\b(postgres(?:ql)?:\/\/[^:\s/@"']*:)([^@\s"']*)@/g;

/** One log line for a DAP message: `→ request launch #2 {…}`, the launch's databaseUrl (and any URL) redacted. */
export function describeDapMessage(direction: '→' | '←', message: unknown): string {
  const m = message as {
    type?: string;
    command?: string;
    event?: string;
    seq?: number;
    arguments?: Record<string, unknown>;
  };
  let copy: unknown = message;
  if (m?.type === 'request' && m.arguments && typeof m.arguments.databaseUrl === 'string') {
    copy = { ...m, arguments: { ...m.arguments, databaseUrl: redactUrl(m.arguments.databaseUrl) } };
  }
  const json = JSON.stringify(copy).replace(URL_WITH_PASSWORD, '$1***@');
  const what =
    m?.type === 'request'
      ? `request ${m.command}`
      : m?.type === 'response'
        ? `response ${m.command}`
        : m?.type === 'event'
          ? `event ${m.event}`
          : String(m?.type);
  return `${direction} ${what} #${m?.seq ?? '?'} ${json.length > 4000 ? json.slice(0, 4000) + `… (${json.length} chars)` : json}`;
}

/** The error of a failed launch response, to show the user: the adapter names the program and its stderr. */
export function launchFailure(message: unknown): string | undefined {
  const m = message as {
    type?: string;
    command?: string;
    success?: boolean;
    message?: string;
    body?: { error?: { format?: string } };
  };
  if (m?.type !== 'response' || m.success !== false || (m.command !== 'launch' && m.command !== 'attach'))
    return undefined;
  return (m.body?.error?.format ?? m.message ?? 'the debug adapter refused the launch').replace(
    URL_WITH_PASSWORD,
    '$1***@',
  );
}
