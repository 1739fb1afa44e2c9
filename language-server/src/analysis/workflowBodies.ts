// Walks the code a workflow function runs directly: its body, minus steps, transactions and nested classes.
// Runs in the language server process; shared by the determinism rules and the step-call collector.
import type { Discovery, FoundWorkflow } from './discovery';
import { ts } from './typescript';

/**
 * Calls `visit` for every node in each workflow body, pre-order. Functions handed to runStep / registerStep /
 * runTransaction / registerTransaction are durable (recorded once, answered from history on replay), so their
 * bodies are skipped; so are nested classes. Closures (`items.map(x => …)`) still run in the workflow: walked.
 * `visit` returning false skips the node's children.
 */
export function walkWorkflowBodies(d: Discovery, visit: (node: ts.Node, wf: FoundWorkflow) => boolean | void): void {
  for (const wf of d.workflows) {
    if (!wf.body) continue;
    const walk = (node: ts.Node): void => {
      if (d.durableCallbacks.has(node) || ts.isClassLike(node)) return;
      if (visit(node, wf) === false) return;
      ts.forEachChild(node, walk);
    };
    walk(wf.body);
  }
}
