// What cancel, resume and fork do, in the words the confirmations use: the only writes the extension makes.
// Runs in the extension host; pure (no 'vscode'), unit-tested.

export type WorkflowAction =
  | { kind: 'cancel'; workflowId: string; name: string; status: string }
  | { kind: 'resume'; workflowId: string; name: string; status: string }
  | { kind: 'fork'; workflowId: string; name: string; startStep: number; stepName?: string };

/** The modal confirmation: a question, what it will do in detail, and the button that does it. */
export function confirmation(a: WorkflowAction, target: string): { message: string; detail: string; button: string } {
  switch (a.kind) {
    case 'cancel':
      return {
        message: `Cancel workflow '${a.workflowId}' (${a.name}, ${a.status})?`,
        detail:
          `This writes to the DBOS system database at ${target}: the workflow's status becomes CANCELLED and its executor ` +
          'stops it before its next step. Its recorded steps stay; Resume can start it again.',
        button: 'Cancel Workflow',
      };
    case 'resume':
      return {
        message: `Resume workflow '${a.workflowId}' (${a.name}, ${a.status})?`,
        detail:
          `This writes to the DBOS system database at ${target}: the workflow is enqueued again and continues after its last ` +
          "recorded step, in whichever of your app's executors picks it up (one must be running). Steps already recorded are not run again.",
        button: 'Resume Workflow',
      };
    case 'fork':
      return {
        message: `Fork workflow '${a.workflowId}' (${a.name}) from step ${a.startStep}${a.stepName ? ` (${a.stepName})` : ''}?`,
        detail:
          `This writes to the DBOS system database at ${target}: a new workflow with a new ID starts, reusing the recorded ` +
          `results of steps before ${a.startStep} and running step ${a.startStep} onwards again in your app's executors (one must be running). ` +
          'The original workflow is not changed.',
        button: 'Fork Workflow',
      };
  }
}

/** Statuses the SDK can act on, so menus and commands offer only what will work. */
export function canCancel(status: string): boolean {
  return status === 'PENDING' || status === 'ENQUEUED';
}

export function canResume(status: string): boolean {
  return status === 'CANCELLED' || status === 'MAX_RECOVERY_ATTEMPTS_EXCEEDED' || status === 'ENQUEUED';
}
