// The extension's error catalogue: numbered codes by area and one factory per user error (what failed, the value, the fix).
// Runs in the extension host. Errors of the history reader keep their own catalogue (history/src/errors.ts).

/** Codes by area: 1xx connection, 2xx selection, 3xx workflow management, 4xx debugging. A code never changes meaning. */
export const ExtensionErrorCode = {
  NotConnected: 101,
  NoWorkflowSelected: 201,
  NoWorkflowForRuns: 202,
  CannotCancel: 301,
  CannotResume: 302,
  AdapterMissing: 401,
  NotALaunchRequest: 402,
  NoReplaySession: 403,
} as const;

export type ExtensionErrorCodeValue = (typeof ExtensionErrorCode)[keyof typeof ExtensionErrorCode];

/** A user error of the extension; shown as it is (its message carries the fix), logged with its code. */
export class ExtensionError extends Error {
  constructor(
    readonly code: ExtensionErrorCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'ExtensionError';
  }
}

export const errors = {
  notConnected: () =>
    new ExtensionError(
      ExtensionErrorCode.NotConnected,
      'Not connected to a DBOS system database. Connect in the Workflows view first.',
    ),
  noWorkflowSelected: () =>
    new ExtensionError(
      ExtensionErrorCode.NoWorkflowSelected,
      'Select a workflow in the DBOS Replay Workflows view first.',
    ),
  noWorkflowForRuns: () =>
    new ExtensionError(
      ExtensionErrorCode.NoWorkflowForRuns,
      'Show runs needs a workflow: use the "Show runs" lens above a DBOS workflow.',
    ),
  cannotCancel: (workflowId: string, status: string) =>
    new ExtensionError(
      ExtensionErrorCode.CannotCancel,
      `Workflow '${workflowId}' is ${status}: only PENDING or ENQUEUED workflows can be cancelled.`,
    ),
  cannotResume: (workflowId: string, status: string) =>
    new ExtensionError(
      ExtensionErrorCode.CannotResume,
      `Workflow '${workflowId}' is ${status}: only a cancelled, failed, stuck or enqueued workflow can be resumed.`,
    ),
  adapterMissing: (adapterPath: string) =>
    new ExtensionError(
      ExtensionErrorCode.AdapterMissing,
      `The DBOS Replay debug adapter is missing at ${adapterPath}. Reinstall the extension (or run \`npm run build\` in a checkout).`,
    ),
  notALaunchRequest: (request: unknown) =>
    new ExtensionError(
      ExtensionErrorCode.NotALaunchRequest,
      `DBOS Replay only launches ("request": "launch"), got ${JSON.stringify(request)}. Fix it in launch.json.`,
    ),
  noReplaySession: () =>
    new ExtensionError(
      ExtensionErrorCode.NoReplaySession,
      'DBOS Replay: no replay is being debugged. Start one with Replay in the Workflows view, then run to an operation.',
    ),
} as const;
