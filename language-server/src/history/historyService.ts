// Owns the language server's view of recorded history: the database connection, the two cached providers, and the
// refresh schedule (an unref'ed timer, and on demand). Runs in the language server process; never blocks analysis.
import { HistoryConnection, isConnectionProblem, type HistoryLog } from './historyConnection';
import { HistoryRecordedStepNamesProvider, type StepNamesSource } from './historyRecordedStepNamesProvider';
import { HistoryRunCountsProvider } from './historyRunCountsProvider';
import type { RefreshHistoryResult } from '../../../protocol/languageServerProtocol';
import type { HistoryReader } from '../../../history/src/reader/historyReader.js';

export interface HistoryServiceOptions {
  /** Time between background refreshes, ms (default 60 s). Stretched to 50× the last count query's duration. */
  refreshIntervalMs?: number;
  /** statement_timeout of the count and step-name queries, ms (default 5000). */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const DEFAULT_REFRESH_MS = 60_000;
/** A count query that took d ms waits at least 50·d before the next: the database spends ≤ 2% on it. */
const LOAD_FACTOR = 50;

export class HistoryService implements StepNamesSource {
  readonly runCounts = new HistoryRunCountsProvider();
  readonly stepNames: HistoryRecordedStepNamesProvider;
  private readonly connection: HistoryConnection;
  private inflight: { epoch: number; promise: Promise<RefreshHistoryResult> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    log: HistoryLog,
    private readonly options: HistoryServiceOptions = {},
  ) {
    this.connection = new HistoryConnection(log, { connectTimeoutMs: options.connectTimeoutMs });
    this.stepNames = new HistoryRecordedStepNamesProvider(this.runCounts, this, {
      statementTimeoutMs: options.statementTimeoutMs,
    });
  }

  /** Sets the database (none for undefined/''); on a change the caches are emptied and a refresh starts. */
  configure(url: string | null | undefined, schema?: string | null): void {
    if (this.disposed || !this.connection.configure(url, schema)) return;
    this.runCounts.clear();
    this.stepNames.clear();
    this.schedule(0);
  }

  /** Reads the counts now (joining a refresh already running for the same database) and the changed step names. */
  refresh(): Promise<RefreshHistoryResult> {
    const epoch = this.connection.epoch;
    if (this.inflight?.epoch === epoch) return this.inflight.promise;
    const promise = this.doRefresh(epoch).finally(() => {
      if (this.inflight?.promise === promise) this.inflight = undefined;
    });
    this.inflight = { epoch, promise };
    return promise;
  }

  private async doRefresh(epoch: number): Promise<RefreshHistoryResult> {
    const target = this.connection.target;
    if (!this.connection.configured)
      return { connected: false, workflows: 0, error: 'No DBOS system database is configured.' };
    const t0 = performance.now();
    let took = 0;
    try {
      const reader = await this.connection.reader();
      const install = await this.runCounts.read(reader, { statementTimeoutMs: this.options.statementTimeoutMs });
      took = performance.now() - t0;
      if (epoch !== this.connection.epoch)
        return { connected: false, target, workflows: 0, error: 'The database changed during the refresh.' };
      this.connection.succeeded(reader);
      install();
      this.stepNames.countsRefreshed();
      await this.stepNames.idle();
      return { connected: true, target, workflows: this.runCounts.groups };
    } catch (e) {
      if (epoch !== this.connection.epoch)
        return { connected: false, target, workflows: 0, error: 'The database changed during the refresh.' };
      const error = this.connection.failed(e);
      // No usable database: its counts no longer apply. A timed-out query keeps the last counts.
      if (isConnectionProblem(e)) {
        this.runCounts.clear();
        this.stepNames.clear();
      }
      return { connected: false, target, workflows: 0, error };
    } finally {
      if (epoch === this.connection.epoch) {
        const base = this.options.refreshIntervalMs ?? DEFAULT_REFRESH_MS;
        this.schedule(Math.max(base, took * LOAD_FACTOR));
      }
    }
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.connection.configured) return;
    // Unref'ed: a pending refresh never keeps the server process alive.
    this.timer = setTimeout(() => void this.refresh(), ms);
    this.timer.unref();
  }

  // StepNamesSource
  async readerForStepNames(): Promise<{ reader: HistoryReader; epoch: number }> {
    const epoch = this.connection.epoch;
    return { reader: await this.connection.reader(), epoch };
  }

  isCurrent(epoch: number): boolean {
    return !this.disposed && epoch === this.connection.epoch;
  }

  failed(e: unknown): void {
    this.connection.failed(e);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.connection.dispose();
  }
}
