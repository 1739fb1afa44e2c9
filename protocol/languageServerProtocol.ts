// The language server's contract with its client: initialization options, settings, custom messages, lens commands.
// Shared by the language server process and the extension host (imports nothing, so either side can bundle it).

/** `initialize` params.initializationOptions. Both optional: without a URL the server runs with no history. */
export interface InitializationOptions {
  /** DBOS system database URL, password included if it has one (the server keeps it in memory, never logs it). */
  databaseUrl?: string | null;
  /** DBOS system schema, default `dbos`. */
  schema?: string | null;
}

/** The settings section the server reads from `workspace/didChangeConfiguration` (push) or `workspace/configuration`. */
export const SETTINGS_SECTION = 'dbosReplay';

/** `settings.dbosReplay` in didChangeConfiguration; same meaning as InitializationOptions. */
export interface ServerSettings {
  databaseUrl?: string | null;
  schema?: string | null;
}

/** Custom requests and notifications (client → server). */
export const CustomRequests = {
  /** Re-reads counts and recorded step names now; answers when done (lenses refresh through codeLens/refresh). */
  refreshHistory: 'dbosReplay/refreshHistory',
} as const;

export type RefreshHistoryParams = Record<string, never> | null | undefined;

export interface RefreshHistoryResult {
  /** Whether a database is configured and was read. */
  connected: boolean;
  /** `host:port/db` of the configured database (no user, no password), when one is configured. */
  target?: string;
  /** (name, class) groups with recorded runs. */
  workflows: number;
  /** Why there are no counts (unreachable, not a DBOS database, timeout…), when `connected` is false. */
  error?: string;
}

/** Command ids the lenses carry; the extension registers them (`dbosReplay.<verbNoun>`). */
export const Commands = {
  replayWorkflow: 'dbosReplay.replayWorkflow',
  showRuns: 'dbosReplay.showRuns',
} as const;

/** The single argument of both lens commands. */
export interface WorkflowCommandArgs {
  /** Workflow name as workflow_status.name records it. */
  name: string;
  /** workflow_status.class_name, '' for free functions (NULL in the database). */
  className: string;
  /** Document the lens is in. */
  uri: string;
}
