// Opens a connection, asking for a password while the server refuses one; keeps only a password that worked.
// Runs in the extension host; pure (no 'vscode'): the prompts and secret storage come in as functions.
import { isPasswordError, withPassword } from './resolveDatabaseUrl.js';

export interface PasswordPrompting<H> {
  /** Opens the connection to a URL (with the password set when there is one); rejects with the driver's error. */
  open(url: string): Promise<H>;
  /** The password kept in secret storage for this URL, if any. */
  stored(): Promise<string | undefined>;
  store(password: string): Promise<void>;
  forget(): Promise<void>;
  /** Asks the user; undefined when they cancel. `refused` says the last password did not work. */
  ask(refused: boolean): Promise<string | undefined>;
  /** False once a newer connect started: stop and drop what was opened. */
  stillWanted(): boolean;
}

export type OpenOutcome<H> =
  | { kind: 'opened'; handle: H; password: string | undefined; typed: boolean }
  | { kind: 'failed'; error: unknown }
  | { kind: 'superseded' };

/**
 * `url` has no password; `inUrl` is one the configured URL carried. A stored password that is refused is
 * forgotten; a typed one is stored only after the server accepted it.
 */
export async function openWithPassword<H>(
  url: string,
  inUrl: string | undefined,
  interactive: boolean,
  deps: PasswordPrompting<H>,
): Promise<OpenOutcome<H>> {
  let password = inUrl ?? (await deps.stored());
  let typed = false;
  for (;;) {
    try {
      const handle = await deps.open(password === undefined ? url : withPassword(url, password));
      if (!deps.stillWanted()) {
        await (handle as { close?: () => Promise<void> }).close?.();
        return { kind: 'superseded' };
      }
      if (typed && password !== undefined) await deps.store(password);
      return { kind: 'opened', handle, password, typed };
    } catch (error) {
      if (!deps.stillWanted()) return { kind: 'superseded' };
      if (!isPasswordError(error)) return { kind: 'failed', error };
      if (password !== undefined && !typed && inUrl === undefined) await deps.forget();
      if (!interactive) return { kind: 'failed', error };
      const answer = await deps.ask(password !== undefined);
      if (answer === undefined || !deps.stillWanted())
        return answer === undefined ? { kind: 'failed', error } : { kind: 'superseded' };
      password = answer;
      typed = true;
    }
  }
}
