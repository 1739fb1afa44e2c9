// Cancels, resumes and forks workflows through the SDK's own client (DBOSClient), one short-lived client per action.
// Runs in the extension host. These are the only writes the extension makes; each is confirmed by the user first.
import type { WorkflowAction } from './workflowActions.js';
import { errors } from '../errors.js';

export class WorkflowManager {
  constructor(private readonly urlWithPassword: () => Promise<string | undefined>) {}

  /** Runs the action; resolves to the new workflow's ID for a fork. Throws with the SDK's message on failure. */
  async run(action: WorkflowAction): Promise<string | undefined> {
    const url = await this.urlWithPassword();
    if (!url) throw errors.notConnected();
    // Loaded on first use: the SDK is large and most sessions never manage a workflow.
    const { DBOSClient } = await import('@dbos-inc/dbos-sdk');
    const client = await DBOSClient.create({ systemDatabaseUrl: url, systemDatabasePoolSize: 2 });
    try {
      switch (action.kind) {
        case 'cancel':
          await client.cancelWorkflow(action.workflowId);
          return undefined;
        case 'resume':
          await client.resumeWorkflow(action.workflowId);
          return undefined;
        case 'fork':
          return await client.forkWorkflow(action.workflowId, action.startStep);
      }
    } finally {
      await client.destroy();
    }
  }
}
