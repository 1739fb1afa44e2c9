// Shared pieces of the dbos-replay subcommands: the command contract, --db resolution, argument parsing, tables.
// Runs in the CLI process.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { scrubSecrets } from '../../history/src/db/connection.js';
import { errors, UsageError } from '../../history/src/errors.js';

/** Where a command writes; tests and the demo read stdout, messages go to stderr. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Database URLs seen in this run: their passwords are scrubbed from anything printed. */
  urls: string[];
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code (0 ok); throws HistoryError / UsageError for failures. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** The options every database command takes. */
export const DB_OPTIONS = {
  db: { type: 'string' },
  schema: { type: 'string' },
  'statement-timeout': { type: 'string' },
  'lock-timeout': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** What `--help` of a database command adds about DB_OPTIONS. */
export const DB_OPTIONS_USAGE = `Database options: --db URL (else DBOS_SYSTEM_DATABASE_URL, else DATABASE_URL), --schema S (default dbos),
  --statement-timeout SECONDS: how long one query may run (default 30; 2 for a list page; 0 = no limit),
  --lock-timeout SECONDS: how long a query waits for a table another transaction locked (default 5, or half the
  statement timeout; 0 = wait forever).`;

/** Seconds (decimals allowed, 0 = none) as whole milliseconds; anything else is a usage error. */
function secondsOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n) || n > 86_400) {
    throw new UsageError(`--${option} '${value}' is not a number of seconds from 0 (no limit) to 86400.`);
  }
  return Math.round(n * 1000);
}

/** HistoryReader options from DB_OPTIONS values: schema and timeouts. */
export function readerOptions(values: { schema?: string; 'statement-timeout'?: string; 'lock-timeout'?: string }): {
  schema?: string;
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
} {
  const o: { schema?: string; statementTimeoutMs?: number; lockTimeoutMs?: number } = {};
  if (values.schema !== undefined) o.schema = values.schema;
  const st = secondsOption(values['statement-timeout'], 'statement-timeout');
  if (st !== undefined) o.statementTimeoutMs = st;
  const lt = secondsOption(values['lock-timeout'], 'lock-timeout');
  if (lt !== undefined) o.lockTimeoutMs = lt;
  return o;
}

/** parseArgs with its errors turned into UsageErrors. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** --db, then DBOS_SYSTEM_DATABASE_URL, then DATABASE_URL. */
export function resolveDbUrl(db: string | undefined, io: CliIo): string {
  const url = db || io.env.DBOS_SYSTEM_DATABASE_URL || io.env.DATABASE_URL;
  if (!url) {
    throw errors.noDatabaseUrl(
      'No database to read: pass --db postgresql://user:password@host:5432/<app name>_dbos_sys, ' +
        'or set DBOS_SYSTEM_DATABASE_URL (or DATABASE_URL) to the DBOS system database.',
    );
  }
  io.urls.push(url);
  return url;
}

/** Removes every password of the run's URLs from text about to be printed. */
export function scrub(text: string, io: CliIo): string {
  return io.urls.reduce((t, u) => scrubSecrets(t, u), text);
}

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** A time option: ISO date/time, epoch milliseconds, or a duration ago (`30m`, `2h`, `7d`). */
export function parseTime(value: string, option: string, now = Date.now()): number {
  const v = value.trim();
  if (/^\d{10,}$/.test(v)) return Number(v);
  const rel = RELATIVE.exec(v);
  if (rel) return Math.round(now - Number(rel[1]) * UNIT_MS[rel[2]]);
  const t = Date.parse(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v) && Number.isFinite(t)) return t;
  throw new UsageError(
    `--${option} '${value}' is not a time: use an ISO date (2026-01-31 or 2026-01-31T12:00:00Z), ` +
      'epoch milliseconds, or a duration ago such as 30m, 2h, 7d.',
  );
}

/** Workflow statuses the SDK writes (dbos.workflow_status.status). */
export const STATUSES = [
  'PENDING',
  'SUCCESS',
  'ERROR',
  'CANCELLED',
  'ENQUEUED',
  'DELAYED',
  'MAX_RECOVERY_ATTEMPTS_EXCEEDED',
];

/** `--status S[,S]`: statuses, upper-cased; anything else is a usage error naming the allowed ones. */
export function parseStatusOption(value: string): string[] {
  const wanted = value
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = wanted.filter((s) => !STATUSES.includes(s));
  if (bad.length || wanted.length === 0) {
    throw new UsageError(
      `--status '${value}' is not a status: use one or more of ${STATUSES.join(', ')} (comma separated).`,
    );
  }
  return wanted;
}

export function parseIntOption(
  value: string | undefined,
  option: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${option} '${value}' is not a whole number from ${min} to ${max}.`);
  }
  return n;
}

export function iso(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '-' : new Date(ms).toISOString();
}

/**
 * C0 controls, DEL, C1 controls and the bidirectional overrides: a terminal acts on them (ESC starts an escape
 * sequence that can clear the screen or retitle the window, BEL rings, U+202E reverses the text that follows).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_LAYOUT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text as it may reach a terminal: every control character (above) becomes its `\u001b` escape. With `multiLine`
 * (whole outputs) a newline and a tab stay; without (a table cell, an ID in a header) they are escaped too, so a value
 * cannot break the layout. Every text printer of the CLI goes through this (main() wraps the CLI's stdout and stderr
 * with it); in `--json` output, control characters only occur inside strings, where the escape is the same JSON value.
 */
export function terminalText(s: string, multiLine = false): string {
  return s.replace(
    multiLine ? CONTROL : CONTROL_OR_LAYOUT,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** One line, at most `max` characters. */
export function clip(s: string, max: number): string {
  const one = terminalText(s.replace(/\s*\n\s*/g, ' '));
  return one.length <= max ? one : one.slice(0, max - 1) + '…';
}

/** A left-aligned text table with a header row. */
export function formatTable(header: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map((c) => terminalText(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
