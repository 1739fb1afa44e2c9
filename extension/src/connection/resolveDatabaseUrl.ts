// Finds the DBOS system database URL: the setting, then DBOS_SYSTEM_DATABASE_URL, then dbos-config.yaml.
// Runs in the extension host; pure (no 'vscode'), unit-tested.
import { systemUrlFromDbosConfig } from '../../../history/src/db/dbosConfig.js';

export { systemUrlFromDbosConfig };

export type UrlSource = 'setting' | 'environment' | 'dbos-config.yaml';

export interface ResolvedUrl {
  url: string;
  source: UrlSource;
}

/** First of: the setting, the environment variable, the workspace's dbos-config.yaml. */
export function resolveDatabaseUrl(input: {
  setting?: string;
  env: NodeJS.ProcessEnv;
  dbosConfigYaml?: string;
}): ResolvedUrl | undefined {
  if (input.setting?.trim()) return { url: input.setting.trim(), source: 'setting' };
  const fromEnv = input.env.DBOS_SYSTEM_DATABASE_URL?.trim();
  if (fromEnv) return { url: fromEnv, source: 'environment' };
  const fromConfig =
    input.dbosConfigYaml === undefined ? undefined : systemUrlFromDbosConfig(input.dbosConfigYaml, input.env);
  return fromConfig ? { url: fromConfig, source: 'dbos-config.yaml' } : undefined;
}

/** Host, port and database of a URL: what logs and the UI may show (never user or password). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1)) || 'postgres'}`;
  } catch {
    return '<unparseable database URL>';
  }
}

/** Key under which a typed password is kept in SecretStorage: one per user, server and database. */
export function secretKeyFor(url: string): string {
  const u = new URL(url);
  return `dbosReplay.password:${decodeURIComponent(u.username)}@${u.hostname}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1))}`;
}

/** The URL without its password, and the password it held (decoded), if any. */
export function splitPassword(url: string): { url: string; password?: string } {
  const u = new URL(url);
  if (!u.password) return { url };
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}

/** The URL with a password set. */
export function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Whether a connection error means the password is missing or wrong (so asking for one may help). */
export function isPasswordError(e: unknown): boolean {
  const err = e as { code?: string | number; message?: string; cause?: unknown };
  // 28P01 from the driver, 102 (AuthenticationFailed) from the history reader; a missing password says "password".
  if (err?.code === '28P01' || (err?.code === 102 && /password/i.test(err.message ?? ''))) return true;
  if (err?.cause && isPasswordError(err.cause)) return true;
  return /password/i.test(err?.message ?? '');
}
