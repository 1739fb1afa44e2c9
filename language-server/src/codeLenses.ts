// Builds the CodeLens above each workflow: "Replay ▸ (N recorded · M failed)" and "Show runs".
// Runs in the language server process; counts come from the RunCountsProvider cache, never from a query here.
import type { CodeLens } from 'vscode-languageserver';
import type { WorkflowDefinition } from './analysis/dbosModel';
import { Commands, type WorkflowCommandArgs } from '../../protocol/languageServerProtocol';
import type { RunCountsProvider } from './providers';

export { Commands, type WorkflowCommandArgs };

export function replayLensTitle(wf: WorkflowDefinition, counts: RunCountsProvider): string {
  const c = counts.getCounts(wf.name, wf.className);
  return c ? `Replay ▸ (${c.recorded} recorded · ${c.failed} failed)` : 'Replay ▸';
}

export function workflowCodeLenses(
  uri: string,
  workflows: readonly WorkflowDefinition[],
  counts: RunCountsProvider,
): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const wf of workflows) {
    const at = { start: wf.range.start, end: wf.range.start };
    const args: WorkflowCommandArgs = { name: wf.name, className: wf.className, uri };
    lenses.push({
      range: at,
      command: { title: replayLensTitle(wf, counts), command: Commands.replayWorkflow, arguments: [args] },
    });
    lenses.push({ range: at, command: { title: 'Show runs', command: Commands.showRuns, arguments: [args] } });
  }
  return lenses;
}
