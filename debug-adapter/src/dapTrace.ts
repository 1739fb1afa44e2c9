// What of the DAP traffic a `trace: true` launch writes to the adapter log, and the last scrub of every outgoing text:
// database passwords replaced by ***. Runs in the debug adapter process.
import { scrubSecrets } from '../../history/src/db/connection';

/** A password in any postgres URL: `postgresql://user:secret@host` → `postgresql://user:***@host`. */
const URL_WITH_PASSWORD = /\b(postgres(?:ql)?:\/\/[^:\s/@"']*:)([^@\s"']*)@/g;
const MAX_LOGGED_CHARS = 4000;
/** Database URLs a client sent (every session of this process): their passwords are scrubbed from every text. */
const knownUrls = new Set<string>();

export function rememberSecretUrl(url: unknown): void {
  if (typeof url === 'string' && url) knownUrls.add(url);
}

/** The text with every URL password and every form of the known URLs' passwords replaced by ***. */
export function redactSecrets(text: string): string {
  let out = text.replace(URL_WITH_PASSWORD, '$1***@');
  for (const url of knownUrls) out = scrubSecrets(out, url);
  return out;
}

/** One adapter log line for a DAP message: `→ request launch #2 {…}` (the log scrubs passwords). */
export function describeDapMessage(direction: '→' | '←', message: unknown): string {
  const m = message as { type?: string; command?: string; event?: string; seq?: number };
  const what = m?.type === 'event' ? `event ${m.event}` : `${m?.type} ${m?.command}`;
  let json = redactSecrets(JSON.stringify(message) ?? String(message));
  if (json.length > MAX_LOGGED_CHARS) json = `${json.slice(0, MAX_LOGGED_CHARS)}… (${json.length} chars)`;
  return `${direction} ${what} #${m?.seq ?? '?'} ${json}`;
}
