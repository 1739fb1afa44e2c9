// The language server's lens commands' argument ({ name, className, uri }) as a Workflows view filter.
// Runs in the extension host; pure (no 'vscode'), unit-tested.
import type { WorkflowCommandArgs } from '../../../protocol/languageServerProtocol.js';
import type { WorkflowFilter, WorkflowSummary } from '../history/workflowHistory.js';

/**
 * The view's filter: the reader's WorkflowFilter plus `classless`, workflows recorded without a class (class_name NULL,
 * the lens's `className: ''`), which the reader's `className = $1` cannot express; those rows are picked client-side.
 */
export interface ViewFilter extends WorkflowFilter {
  classless?: boolean;
}

export function isWorkflowCommandArgs(v: unknown): v is WorkflowCommandArgs {
  const a = v as Partial<WorkflowCommandArgs> | undefined;
  return (
    !!a && typeof a === 'object' && typeof a.name === 'string' && typeof a.className === 'string' && !('kind' in a)
  );
}

/** The runs of the lens's workflow: its name, and its class (or no class at all for a free function). */
export function filterForWorkflow(args: WorkflowCommandArgs): ViewFilter {
  return args.className ? { name: args.name, className: args.className } : { name: args.name, classless: true };
}

/** What the reader is asked (classless removed) and which of its rows to keep. */
export function splitViewFilter(f: ViewFilter): { query: WorkflowFilter; keep: (s: WorkflowSummary) => boolean } {
  const { classless, ...query } = f;
  return { query, keep: classless ? (s) => s.className === null || s.className === '' : () => true };
}

/** `Shop.checkout` or `checkout`: how the lens's workflow is named in titles. */
export function workflowLabel(args: Pick<WorkflowCommandArgs, 'name' | 'className'>): string {
  return args.className ? `${args.className}.${args.name}` : args.name;
}
