// Compares the step names a workflow's code records now with the names recorded for that workflow's runs.
// Runs in the language server process; pure logic, fed by a RecordedStepNamesProvider.
import type { RecordedStepNamesProvider } from '../providers';
import type { NameEditSite, Range, WorkflowDefinition } from './dbosModel';

/** A step call in a workflow body with the name the code records for it. */
export interface ResolvedStepCall {
  workflow: WorkflowDefinition;
  name: string;
  range: Range;
  /** Where to edit to make the step record another name (may be in the step's own file). */
  nameEdit: { uri: string; site: NameEditSite } | undefined;
}

export interface RenamedStepFinding {
  workflow: WorkflowDefinition;
  range: Range;
  codeName: string;
  /** The recorded name this one most likely replaced (exactly one unmatched on each side), if any. */
  renamedFrom: string | undefined;
  message: string;
  nameEdit: ResolvedStepCall['nameEdit'];
}

/** Names the SDK records for its own operations (DBOS.sleep, DBOS.getResult, getStatus…), never user steps. */
function isInternal(name: string): boolean {
  return name.startsWith('DBOS.') || name === 'getStatus';
}

/**
 * For each workflow with recordings: a step call whose name is absent from every recorded run is flagged. On replay
 * and recovery the SDK checks operation_outputs.function_name at each function ID, so old runs diverge there.
 * When exactly one code name and one recorded name are unmatched, it is reported as a rename of that name.
 * `workflowNames` are names of known workflows: a recorded child-workflow start records the child's name, not a step.
 */
export function detectRenamedSteps(
  calls: readonly ResolvedStepCall[],
  provider: RecordedStepNamesProvider,
  workflowNames: ReadonlySet<string>,
): RenamedStepFinding[] {
  const byWorkflow = new Map<WorkflowDefinition, ResolvedStepCall[]>();
  for (const c of calls) {
    const list = byWorkflow.get(c.workflow) ?? [];
    list.push(c);
    byWorkflow.set(c.workflow, list);
  }
  const findings: RenamedStepFinding[] = [];
  for (const [wf, wfCalls] of byWorkflow) {
    const recorded = provider.getRecordedStepNames(wf.name, wf.className);
    if (!recorded || recorded.size === 0) continue;
    const codeNames = new Set(wfCalls.map((c) => c.name));
    const unmatchedCode = [...codeNames].filter((n) => !recorded.has(n));
    if (unmatchedCode.length === 0) continue;
    const unmatchedRecorded = [...recorded]
      .filter((n) => !codeNames.has(n) && !isInternal(n) && !workflowNames.has(n))
      .sort();
    const renamedFrom = unmatchedCode.length === 1 && unmatchedRecorded.length === 1 ? unmatchedRecorded[0] : undefined;
    const label = wf.className ? `${wf.className}.${wf.name}` : wf.name;
    for (const c of wfCalls) {
      if (recorded.has(c.name)) continue;
      const why =
        'On replay and recovery DBOS compares the recorded function_name at each step, so those runs would diverge here.';
      const message =
        renamedFrom !== undefined
          ? `Step '${c.name}' was probably renamed from '${renamedFrom}': recorded runs of workflow '${label}' have '${renamedFrom}', not '${c.name}'. ${why} Keep the recorded name with { name: '${renamedFrom}' }, or guard the change with DBOS.patch().`
          : `Step name '${c.name}' appears in no recorded run of workflow '${label}'` +
            (unmatchedRecorded.length
              ? ` (recorded names missing from the code: ${unmatchedRecorded.map((n) => `'${n}'`).join(', ')})`
              : '') +
            `. If it was renamed or added, ${why.charAt(0).toLowerCase()}${why.slice(1)} Guard the change with DBOS.patch().`;
      findings.push({ workflow: wf, range: c.range, codeName: c.name, renamedFrom, message, nameEdit: c.nameEdit });
    }
  }
  return findings;
}
