// RunCountsProvider on the connected database: recorded/failed counts per (name, class), cached, refreshed in the
// background by HistoryService. Runs in the language server process; getCounts never waits on the database.
import type { HistoryReader } from '../../../history/src/reader/historyReader.js';
import { workflowRunCounts } from '../../../history/src/reader/workflowStats.js';
import { historyKey, Listeners, type Disposable, type RunCounts, type RunCountsProvider } from '../providers';

export interface RunCountsReadOptions {
  statementTimeoutMs?: number;
}

export class HistoryRunCountsProvider implements RunCountsProvider {
  private counts = new Map<string, RunCounts>();
  /** Whether `counts` holds a complete answer (then a missing key means "no runs"). */
  private complete = false;
  private loaded = false;
  private readonly listeners = new Listeners();

  /** Cached counts; {0, 0} for a workflow without runs once the counts are loaded; undefined before. */
  getCounts(name: string, className: string): RunCounts | undefined {
    const c = this.counts.get(historyKey(name, className));
    if (c) return c;
    return this.loaded && this.complete ? { recorded: 0, failed: 0 } : undefined;
  }

  /** Recorded runs of (name, class) when known: 0 means a query for its step names would find nothing. */
  recordedRuns(name: string, className: string): number | undefined {
    return this.getCounts(name, className)?.recorded;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  get groups(): number {
    return this.counts.size;
  }

  onDidChange(listener: () => void): Disposable {
    return this.listeners.add(listener);
  }

  /**
   * Reads the counts and returns a function that installs them (so the caller can drop an answer read under a database
   * that was replaced meanwhile). The install fires onDidChange only when a count changed.
   */
  async read(reader: HistoryReader, options: RunCountsReadOptions = {}): Promise<() => void> {
    const { counts, truncated } = await workflowRunCounts(reader.pool, reader.schemaInfo, {
      statementTimeoutMs: options.statementTimeoutMs,
      target: reader.target,
    });
    const next = new Map<string, RunCounts>();
    for (const c of counts) next.set(historyKey(c.name, c.className), { recorded: c.recorded, failed: c.failed });
    return () => {
      const changed = !this.loaded || this.complete === truncated || !sameCounts(this.counts, next);
      this.counts = next;
      this.complete = !truncated;
      this.loaded = true;
      if (changed) this.listeners.fire();
    };
  }

  /** Forgets every count (database changed or gone): lenses show none. */
  clear(): void {
    const had = this.loaded;
    this.counts = new Map();
    this.loaded = false;
    this.complete = false;
    if (had) this.listeners.fire();
  }
}

function sameCounts(a: Map<string, RunCounts>, b: Map<string, RunCounts>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.recorded !== v.recorded || w.failed !== v.failed) return false;
  }
  return true;
}
