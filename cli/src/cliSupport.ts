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
} as const satisfies ParseArgsConfig['options'];

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

/** One line, at most `max` characters. */
export function clip(s: string, max: number): string {
  const one = s.replace(/\s*\n\s*/g, ' ');
  return one.length <= max ? one : one.slice(0, max - 1) + '…';
}

/** A left-aligned text table with a header row. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
