// RecordedStepNamesProvider on the connected database: the step names recorded for a workflow, fetched lazily for the
// workflows open documents ask about, one bounded query at a time. Runs in the language server process.
import type { HistoryReader } from '../../../history/src/reader/historyReader.js';
import { recordedStepNames } from '../../../history/src/reader/workflowStats.js';
import { historyKey, Listeners, type Disposable, type RecordedStepNamesProvider } from '../providers';
import type { HistoryRunCountsProvider } from './historyRunCountsProvider';

interface Entry {
  names: ReadonlySet<string>;
  /** The workflow's recorded run count when the names were read; a new count means new runs, so read again. */
  recordedRuns: number | undefined;
}

/** How the provider reaches the database; HistoryService implements it. */
export interface StepNamesSource {
  /** The reader and the epoch it belongs to; rejects when there is no usable database. */
  readerForStepNames(): Promise<{ reader: HistoryReader; epoch: number }>;
  /** Whether `epoch` is still the configured database's. */
  isCurrent(epoch: number): boolean;
  /** Reports a failed read (logged once). */
  failed(e: unknown): void;
}

export class HistoryRecordedStepNamesProvider implements RecordedStepNamesProvider {
  private cache = new Map<string, Entry>();
  private readonly pending = new Map<string, { name: string; className: string }>();
  private readonly failedKeys = new Set<string>();
  private draining: Promise<void> | undefined;
  private readonly listeners = new Listeners();

  constructor(
    private readonly counts: HistoryRunCountsProvider,
    private readonly source: StepNamesSource,
    private readonly options: { statementTimeoutMs?: number; runs?: number } = {},
  ) {}

  /** Cached names, or undefined while unknown; a miss schedules a read and fires onDidChange when it lands. */
  getRecordedStepNames(workflowName: string, className: string): ReadonlySet<string> | undefined {
    const key = historyKey(workflowName, className);
    const hit = this.cache.get(key);
    if (hit) return hit.names;
    // Before the counts load there is no database to ask yet (their arrival republishes, and asks again); when they say
    // there are no runs there is nothing to read; a read that failed is retried after the next refresh, not per keystroke.
    if (!this.counts.isLoaded || this.counts.recordedRuns(workflowName, className) === 0 || this.failedKeys.has(key))
      return undefined;
    this.request(key, workflowName, className);
    return undefined;
  }

  onDidChange(listener: () => void): Disposable {
    return this.listeners.add(listener);
  }

  /** After the counts were refreshed: reads again the workflows whose run count changed. */
  countsRefreshed(): void {
    this.failedKeys.clear();
    for (const [key, entry] of this.cache) {
      const [className, name] = key.split('\u0000');
      const now = this.counts.recordedRuns(name, className);
      if (now !== entry.recordedRuns) this.request(key, name, className);
    }
  }

  /** Resolves when no read is pending (tests, refresh requests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  clear(): void {
    const had = this.cache.size > 0;
    this.cache = new Map();
    this.pending.clear();
    this.failedKeys.clear();
    if (had) this.listeners.fire();
  }

  private request(key: string, name: string, className: string): void {
    this.pending.set(key, { name, className });
    if (!this.draining) {
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
        // Asked for more while the last read was finishing.
        if (this.pending.size > 0) this.draining = this.drain().finally(() => (this.draining = undefined));
      });
    }
  }

  /** Reads pending workflows one at a time (one connection, short queries), then fires once if anything changed. */
  private async drain(): Promise<void> {
    await Promise.resolve(); // let the analysis that asked finish first
    let changed = false;
    let current: string | undefined;
    try {
      while (this.pending.size > 0) {
        const { reader, epoch } = await this.source.readerForStepNames();
        const [key, wf] = this.pending.entries().next().value as [string, { name: string; className: string }];
        this.pending.delete(key);
        current = key;
        const recordedRuns = this.counts.recordedRuns(wf.name, wf.className);
        if (recordedRuns === 0) continue;
        const { names } = await recordedStepNames(reader.pool, reader.schemaInfo, wf.name, wf.className, {
          statementTimeoutMs: this.options.statementTimeoutMs,
          runs: this.options.runs,
          target: reader.target,
        });
        if (!this.source.isCurrent(epoch)) return;
        const old = this.cache.get(key);
        const next = new Set(names);
        if (!old || old.names.size !== next.size || [...next].some((n) => !old.names.has(n))) changed = true;
        this.cache.set(key, { names: next, recordedRuns });
      }
    } catch (e) {
      // Unreachable, not DBOS or a timeout: these keys are read again after the next counts refresh.
      if (current !== undefined) this.failedKeys.add(current);
      for (const k of this.pending.keys()) this.failedKeys.add(k);
      this.pending.clear();
      this.source.failed(e);
    } finally {
      if (changed) this.listeners.fire();
    }
  }
}
