// Per-workflow replay context carried through the user's async calls (AsyncLocalStorage).
// Runs in the user's program (preloaded replay runtime).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WorkflowReplay } from './workflowReplay.js';

export interface ReplayContext {
  /** The workflow being replayed; undefined outside a workflow (e.g. inside withNextWorkflowID at top level). */
  wf?: WorkflowReplay;
  /** True inside a step body (never happens in replay: bodies are not run) or a transaction. */
  inStep?: boolean;
  /** ID set by DBOS.withNextWorkflowID for the next workflow started in this scope. */
  nextWorkflowId?: string;
  /** Queue set by DBOS.withWorkflowQueue. */
  queueName?: string;
}

export const contextStorage = new AsyncLocalStorage<ReplayContext>();

export function currentContext(): ReplayContext | undefined {
  return contextStorage.getStore();
}

export function currentWorkflow(): WorkflowReplay | undefined {
  const c = contextStorage.getStore();
  return c?.inStep ? undefined : c?.wf;
}
