// Reads the system database URL a DBOS app's dbos-config.yaml names, the way the SDK's CLI does.
// Shared code: used by the extension host and the debug adapter.
import { parse as parseYaml } from 'yaml';

/** Replaces `${VAR}` the way DBOS reads its config file; an unset variable becomes an empty string. */
function substituteEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => env[name] ?? '');
}

/**
 * The system database URL a dbos-config.yaml names: `system_database_url`, else the SDK's default derived
 * from `database_url` (same server, database `<name>_dbos_sys`). Undefined when it names neither.
 */
export function systemUrlFromDbosConfig(yamlText: string, env: NodeJS.ProcessEnv): string | undefined {
  let doc: unknown;
  try {
    doc = parseYaml(substituteEnv(yamlText, env));
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object') return undefined;
  const cfg = doc as Record<string, unknown>;
  const sys = cfg.system_database_url;
  if (typeof sys === 'string' && sys.trim()) return sys.trim();
  const app = cfg.database_url;
  if (typeof app === 'string' && app.trim()) {
    try {
      const u = new URL(app.trim());
      u.pathname = '/' + `${decodeURIComponent(u.pathname.slice(1)) || 'postgres'}_dbos_sys`;
      return u.toString();
    } catch {
      return undefined;
    }
  }
  return undefined;
}
