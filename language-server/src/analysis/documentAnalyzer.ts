// Analyses one document: parse (TypeScript compiler API), discover durable functions, run determinism rules.
// Runs in the language server process; results are cached per (uri, version), so only a changed file is reparsed.
import type { StepDefinition, WorkflowDefinition } from './dbosModel';
import { declaredClassName, discover, type Discovery, type FoundStep, type FoundWorkflow } from './discovery';
import { findNondeterminism, type DeterminismFinding } from './determinismRules';
import { resolveIdentifier } from './scope';
import { dbosLocalName, nodeRange, unwrap } from './syntax';
import { ts } from './typescript';
import { walkWorkflowBodies } from './workflowBodies';

/** A durable call in a workflow body: an inline step, or a reference to resolve by key (here or in another file). */
export interface StepCallSite {
  workflow: FoundWorkflow;
  range: ReturnType<typeof nodeRange>;
  target: { kind: 'inline'; step: FoundStep } | { kind: 'ref'; key: string };
}

export interface FileAnalysis {
  uri: string;
  version: number;
  workflows: WorkflowDefinition[];
  steps: StepDefinition[];
  findings: DeterminismFinding[];
  /** Internal: AST-backed discovery, for lookups and step-call resolution. */
  discovery: Discovery;
  stepCalls: StepCallSite[];
  /** Milliseconds spent parsing + analysing (for the benchmark and logs). */
  millis: number;
}

export function scriptKindFor(uri: string): ts.ScriptKind {
  const lower = uri.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function isAnalysable(uri: string): boolean {
  return /\.(?:[cm]?[jt]s|[jt]sx)$/i.test(uri) && !/\.d\.[cm]?ts$/i.test(uri);
}

export function analyzeDocument(uri: string, text: string, version: number): FileAnalysis {
  const t0 = performance.now();
  // setParentNodes: the scope resolver walks parents.
  const sf = ts.createSourceFile(uri, text, ts.ScriptTarget.Latest, true, scriptKindFor(uri));
  const discovery = discover(sf);
  const findings = discovery.workflows.length ? findNondeterminism(sf, discovery, dbosLocalName(sf)) : [];
  const stepCalls = discovery.workflows.length ? collectStepCalls(sf, discovery) : [];
  return {
    uri,
    version,
    discovery,
    findings,
    stepCalls,
    workflows: discovery.workflows.map((w) => w.def),
    steps: discovery.steps.map((s) => s.def),
    millis: performance.now() - t0,
  };
}

/** The key a call site uses for a named step: `Class.method` or a registered step's variable name. */
function refKey(call: ts.CallExpression): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) {
    const b = resolveIdentifier(callee);
    return b.kind === 'import' && b.imported !== 'default' && b.imported !== '*' ? b.imported : callee.text;
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const obj = unwrap(callee.expression);
  const method = callee.name.text;
  if (obj.kind === ts.SyntaxKind.ThisKeyword) {
    for (let n: ts.Node | undefined = call.parent; n; n = n.parent) {
      if (ts.isClassLike(n)) return `${declaredClassName(n)}.${method}`;
    }
    return undefined;
  }
  if (ts.isIdentifier(obj)) {
    const b = resolveIdentifier(obj);
    if (b.kind === 'import')
      return `${b.imported !== 'default' && b.imported !== '*' ? b.imported : obj.text}.${method}`;
    if (b.kind === 'local' && ts.isClassLike(b.declaration)) return `${declaredClassName(b.declaration)}.${method}`;
    // An instance of a ConfiguredInstance class (`strictFraudCheck.score()`) cannot be typed without a checker.
    return `${obj.text}.${method}`;
  }
  return undefined;
}

function collectStepCalls(sf: ts.SourceFile, d: Discovery): StepCallSite[] {
  const inline = new Map<ts.Node, FoundStep>();
  for (const s of d.steps) if (s.def.form === 'runStep' || s.def.form === 'runTransaction') inline.set(s.node, s);
  const out: StepCallSite[] = [];
  walkWorkflowBodies(d, (node, wf) => {
    if (!ts.isCallExpression(node)) return;
    const step = inline.get(node);
    if (step) {
      out.push({ workflow: wf, range: nodeRange(sf, node), target: { kind: 'inline', step } });
      return;
    }
    const key = refKey(node);
    if (key) out.push({ workflow: wf, range: nodeRange(sf, node), target: { kind: 'ref', key } });
  });
  return out;
}
