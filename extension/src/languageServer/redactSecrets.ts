// Redaction of database passwords from text bound for the log (LSP trace lines carry initializationOptions).
// Runs in the extension host; pure (no 'vscode'), unit-tested.

const URL_WITH_PASSWORD = /\b(postgres(?:ql)?:\/\/[^:\s/@"'\\]*:)([^@\s"'\\]*)@/g;
const QUERY_PASSWORD = /([?&]password=)([^&\s"'\\]*)/gi;

/**
 * `text` with the password of every postgres URL replaced by `***`, and every known secret (the connection's password,
 * in case it appears outside a URL, e.g. percent-decoded) replaced too.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(URL_WITH_PASSWORD, '$1***@').replace(QUERY_PASSWORD, '$1***');
  for (const s of secrets) {
    if (!s || s.length < 3) continue; // a 1–2 character "password" would blank out ordinary text
    out = out.split(s).join('***');
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join('***');
  }
  return out;
}
