// The language server's connection to the DBOS system database: one read-only HistoryReader, opened lazily, replaced
// when the URL changes, dropped when the server is unreachable. Runs in the language server process; never logs a password.
import { describeDatabase } from '../../../history/src/db/connection.js';
import { ErrorCode, errors, HistoryError } from '../../../history/src/errors.js';
import { HistoryReader } from '../../../history/src/reader/historyReader.js';

export interface HistoryLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface HistoryConnectionOptions {
  /** How long to wait for a connection, ms (default 5000). */
  connectTimeoutMs?: number;
}

/** Whether an error means "no usable database here" (connection or schema) rather than one failed query. */
export function isConnectionProblem(e: unknown): boolean {
  return !(e instanceof HistoryError) || e.code < 300 || e.code === ErrorCode.Internal;
}

/** The URL without its password (and without a `password=` parameter), to compare URLs by target and user. */
function withoutPassword(url: string): string | undefined {
  try {
    const u = new URL(url);
    u.password = '';
    u.searchParams.delete('password');
    return u.toString();
  } catch {
    return undefined;
  }
}

export class HistoryConnection {
  private url: string | undefined;
  private schema = 'dbos';
  private opening: Promise<HistoryReader> | undefined;
  private generation = 0;
  /** The last problem logged, so a dead database is reported once, not on every refresh. */
  private lastProblem: string | undefined;
  private connectedLogged = false;

  constructor(
    private readonly log: HistoryLog,
    private readonly options: HistoryConnectionOptions = {},
  ) {}

  get configured(): boolean {
    return this.url !== undefined;
  }

  /** `host:port/db` of the configured database: what messages name (no user, no password). */
  get target(): string | undefined {
    return this.url === undefined ? undefined : describeDatabase(this.url);
  }

  /** Changes whenever the configured database changes; answers read under an older one are dropped. */
  get epoch(): number {
    return this.generation;
  }

  /**
   * Sets the database (undefined or '' for none). A URL without a password that names the same user and target as
   * the current one keeps the current password (the settings hold the URL without it; the extension may have sent
   * the full one). Returns whether the database changed.
   */
  configure(url: string | null | undefined, schema: string | null | undefined): boolean {
    let next = url ? url.trim() || undefined : undefined;
    const nextSchema = schema?.trim() || 'dbos';
    if (next !== undefined && this.url !== undefined && next !== this.url && withoutPassword(this.url) === next)
      next = this.url;
    if (next === this.url && nextSchema === this.schema) return false;
    this.close();
    this.url = next;
    this.schema = nextSchema;
    this.generation++;
    this.lastProblem = undefined;
    this.connectedLogged = false;
    if (next === undefined) this.log.info('[history] no database configured: CodeLens shows no run counts');
    else this.log.info(`[history] database ${describeDatabase(next)} (schema ${nextSchema})`);
    return true;
  }

  /** The reader, connecting on first use; rejects with a HistoryError (unreachable, not DBOS, …). */
  reader(): Promise<HistoryReader> {
    if (this.url === undefined) {
      return Promise.reject(errors.noDatabaseUrl('No DBOS system database is configured.'));
    }
    if (!this.opening) {
      const opening = HistoryReader.connect(this.url, {
        schema: this.schema,
        connectTimeoutMs: this.options.connectTimeoutMs ?? 5000,
        maxConnections: 2,
      });
      this.opening = opening;
      // A failed connect is forgotten, so the next refresh tries again.
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    }
    return this.opening;
  }

  /** Logs a successful read once per database (and again after a problem). */
  succeeded(reader: HistoryReader): void {
    if (this.connectedLogged && this.lastProblem === undefined) return;
    const info = reader.schemaInfo;
    this.log.info(
      `[history] reading run counts from ${reader.target} (DBOS schema ${info.schema}, migration ${info.migrationVersion})` +
        (this.lastProblem ? ' again' : ''),
    );
    if (reader.warning) this.log.warn(`[history] ${reader.warning}`);
    this.connectedLogged = true;
    this.lastProblem = undefined;
  }

  /**
   * Logs a failure once per distinct message and returns the message. A connection or schema problem drops the reader,
   * so the next refresh reconnects.
   */
  failed(e: unknown): string {
    const message =
      e instanceof HistoryError
        ? e.message
        : `Internal error reading the history: ${String((e as Error)?.message ?? e)}`;
    if (isConnectionProblem(e)) this.close();
    if (message !== this.lastProblem) {
      this.lastProblem = message;
      this.log.warn(`[history] ${message} CodeLens shows no run counts until this is fixed.`);
    }
    return message;
  }

  private close(): void {
    const opening = this.opening;
    this.opening = undefined;
    if (opening)
      void opening.then(
        (r) => r.close(),
        () => {},
      );
  }

  dispose(): void {
    this.close();
    this.url = undefined;
    this.generation++;
  }
}
