// The analyses of every known file (open documents and the background workspace scan), and cross-file lookups.
// Runs in the language server process; replacing one file's analysis never touches the others.
import type { RecordedStepNamesProvider } from '../providers';
import type { FoundStep } from './discovery';
import type { FileAnalysis } from './documentAnalyzer';
import { detectRenamedSteps, type RenamedStepFinding, type ResolvedStepCall } from './renamedSteps';

export class WorkspaceIndex {
  private readonly files = new Map<string, FileAnalysis>();

  set(analysis: FileAnalysis): void {
    this.files.set(analysis.uri, analysis);
  }

  get(uri: string): FileAnalysis | undefined {
    return this.files.get(uri);
  }

  delete(uri: string): void {
    this.files.delete(uri);
  }

  get size(): number {
    return this.files.size;
  }

  /** Every workflow name known in the workspace (a recorded child start records the child's name). */
  workflowNames(): Set<string> {
    const names = new Set<string>();
    for (const f of this.files.values()) for (const w of f.workflows) names.add(w.name);
    return names;
  }

  /** Finds a named step by call-site key: in `preferUri` first, then anywhere. */
  findStep(key: string, preferUri: string): { uri: string; step: FoundStep } | undefined {
    const local = this.files.get(preferUri)?.discovery.steps.find((s) => s.key === key);
    if (local) return { uri: preferUri, step: local };
    for (const f of this.files.values()) {
      if (f.uri === preferUri) continue;
      const s = f.discovery.steps.find((st) => st.key === key);
      if (s) return { uri: f.uri, step: s };
    }
    return undefined;
  }

  /** The step calls of `uri`'s workflows, resolved to the names they record (unresolvable calls are left out). */
  resolvedStepCalls(uri: string): ResolvedStepCall[] {
    const f = this.files.get(uri);
    if (!f) return [];
    const out: ResolvedStepCall[] = [];
    for (const c of f.stepCalls) {
      const found = c.target.kind === 'inline' ? { uri, step: c.target.step } : this.findStep(c.target.key, uri);
      if (!found || !found.step.def.nameIsStatic) continue;
      out.push({
        workflow: c.workflow.def,
        name: found.step.def.name,
        range: c.range,
        nameEdit: found.step.nameEdit ? { uri: found.uri, site: found.step.nameEdit } : undefined,
      });
    }
    return out;
  }

  renamedSteps(uri: string, provider: RecordedStepNamesProvider): RenamedStepFinding[] {
    return detectRenamedSteps(this.resolvedStepCalls(uri), provider, this.workflowNames());
  }
}
