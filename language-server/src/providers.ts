// Seams to the recorded history: run counts for CodeLens and recorded step names for renamed-step detection.
// Runs in the language server process. The database-backed ones are in history/; the no-op defaults leave the features
// quiet when no database is configured.

export interface Disposable {
  dispose(): void;
}

export interface RunCounts {
  recorded: number;
  failed: number;
}

/**
 * Counts of recorded runs per workflow, keyed like workflow_status: (name, className), className '' for free functions.
 * `getCounts` is called on every CodeLens request, so it must answer from a cache, synchronously; undefined means
 * "not known (yet)" and the lens shows no counts. Fire `onDidChange` after a refresh: the server asks the client to
 * re-request CodeLens (workspace/codeLens/refresh).
 */
export interface RunCountsProvider {
  getCounts(name: string, className: string): RunCounts | undefined;
  onDidChange?(listener: () => void): Disposable;
}

/**
 * The distinct operation_outputs.function_name values recorded for runs of one workflow (name, className),
 * from a cache; undefined when unknown or there are no recordings. Same refresh contract as RunCountsProvider.
 */
export interface RecordedStepNamesProvider {
  getRecordedStepNames(workflowName: string, className: string): ReadonlySet<string> | undefined;
  onDidChange?(listener: () => void): Disposable;
}

export const noRunCounts: RunCountsProvider = { getCounts: () => undefined };
export const noRecordedStepNames: RecordedStepNamesProvider = { getRecordedStepNames: () => undefined };

/** A set of change listeners. */
export class Listeners {
  private readonly listeners = new Set<() => void>();

  add(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** An in-memory provider (tests, and the shape the history-backed one fills from its cache). */
export class InMemoryHistory implements RunCountsProvider, RecordedStepNamesProvider {
  private readonly counts = new Map<string, RunCounts>();
  private readonly stepNames = new Map<string, Set<string>>();
  private readonly listeners = new Listeners();

  setCounts(name: string, className: string, counts: RunCounts): void {
    this.counts.set(historyKey(name, className), counts);
    this.fire();
  }

  setRecordedStepNames(name: string, className: string, names: Iterable<string>): void {
    this.stepNames.set(historyKey(name, className), new Set(names));
    this.fire();
  }

  getCounts(name: string, className: string): RunCounts | undefined {
    return this.counts.get(historyKey(name, className));
  }

  getRecordedStepNames(name: string, className: string): ReadonlySet<string> | undefined {
    return this.stepNames.get(historyKey(name, className));
  }

  onDidChange(listener: () => void): Disposable {
    return this.listeners.add(listener);
  }

  private fire(): void {
    this.listeners.fire();
  }
}

/** Cache key of a workflow (name, className). */
export function historyKey(name: string, className: string): string {
  return `${className}\u0000${name}`;
}
