// Finds DBOS workflows, steps and data-source transactions in one parsed file, with the names the SDK records.
// Runs in the language server process; naming rules follow dbos-recording.md §3.2 and §7 (SDK 4.x and 5.x).
import type { NameEditSite, StepDefinition, WorkflowDefinition } from './dbosModel';
import { resolveIdentifier } from './scope';
import {
  configString,
  dbosMethodOf,
  hasModifier,
  isConfiguredInstanceRef,
  isDbosRef,
  isFunctionExpressionLike,
  nodeRange,
  position,
  staticString,
  unwrap,
} from './syntax';
import { ts } from './typescript';

/** A workflow plus the AST it came from (the determinism rules walk `body`). */
export interface FoundWorkflow {
  def: WorkflowDefinition;
  fn: ts.SignatureDeclaration | undefined;
  body: ts.Node | undefined;
}

/** A step definition plus how to look it up from a call site and how to rename what it records. */
export interface FoundStep {
  def: StepDefinition;
  /** Lookup key from call sites: `Class.method` for decorated methods, the variable name for registerStep results. */
  key: string | undefined;
  nameEdit: NameEditSite | undefined;
  /** The decorated method or the registerStep/runStep/… call. */
  node: ts.Node;
}

export interface Discovery {
  workflows: FoundWorkflow[];
  steps: FoundStep[];
  /** Functions passed to runStep/registerStep/runTransaction/registerTransaction: durable, never flagged. */
  durableCallbacks: Set<ts.Node>;
}

/** The function a registration call receives, and the `fn.name` JavaScript will give it. */
interface ResolvedFunction {
  name: string;
  nameIsStatic: boolean;
  fn: ts.SignatureDeclaration | undefined;
  localName: string | undefined;
}

const DECORATOR_KINDS: Record<string, 'workflow' | 'step' | 'transaction'> = {
  workflow: 'workflow',
  step: 'step',
  transaction: 'transaction',
  storedProcedure: 'transaction',
};

export function discover(sf: ts.SourceFile): Discovery {
  const out: Discovery = { workflows: [], steps: [], durableCallbacks: new Set() };

  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) visitClass(sf, node, out);
    else if (ts.isCallExpression(node)) visitCall(sf, node, out);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function className(cls: ts.ClassLikeDeclaration): string {
  for (const d of ts.getDecorators(cls) ?? []) {
    const e = d.expression;
    if (
      ts.isCallExpression(e) &&
      ts.isPropertyAccessExpression(e.expression) &&
      e.expression.name.text === 'className' &&
      isDbosRef(e.expression.expression)
    ) {
      const alias = staticString(e.arguments[0]);
      if (alias !== undefined) return alias;
    }
  }
  return declaredClassName(cls);
}

export function declaredClassName(cls: ts.ClassLikeDeclaration): string {
  if (cls.name) return cls.name.text;
  if (ts.isVariableDeclaration(cls.parent) && ts.isIdentifier(cls.parent.name)) return cls.parent.name.text;
  return '';
}

function extendsConfiguredInstance(cls: ts.ClassLikeDeclaration): boolean {
  for (const h of cls.heritageClauses ?? []) {
    if (h.token === ts.SyntaxKind.ExtendsKeyword && h.types.some((t) => isConfiguredInstanceRef(t.expression)))
      return true;
  }
  return false;
}

/** Classifies a method decorator: `@DBOS.workflow()`, `@DBOS.step()`, `@ds.transaction()`. */
function decoratorKind(
  d: ts.Decorator,
): { kind: 'workflow' | 'step' | 'transaction'; call: ts.CallExpression | undefined } | undefined {
  const call = ts.isCallExpression(d.expression) ? d.expression : undefined;
  const callee = unwrap(call ? call.expression : d.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const kind = DECORATOR_KINDS[callee.name.text];
  if (!kind) return undefined;
  // Workflows and steps belong to DBOS; transactions come from any data source (`@appDb.transaction()`) or DBOS (4.x).
  if (kind !== 'transaction' && !isDbosRef(callee.expression)) return undefined;
  return { kind, call };
}

/** Where to make a call or decorator record `name`: the existing name literal, or a new `{ name }` config. */
function nameEditFor(sf: ts.SourceFile, call: ts.CallExpression, configIndex: number): NameEditSite | undefined {
  const config = call.arguments[configIndex];
  if (config) {
    const obj = unwrap(config);
    if (!ts.isObjectLiteralExpression(obj)) return undefined;
    const p = configString(obj, 'name');
    if (p.present)
      return ts.isStringLiteralLike(p.node.initializer)
        ? { kind: 'replaceLiteral', range: nodeRange(sf, p.node.initializer) }
        : undefined;
    const open = obj.getStart(sf) + 1;
    return {
      kind: 'insertConfig',
      position: position(sf, open),
      prefix: ' name: ',
      suffix: obj.properties.length ? ',' : ' ',
    };
  }
  if (call.arguments.length !== configIndex) return undefined;
  // No config yet: `f()` → `f({ name })`, `runStep(fn)` → `runStep(fn, { name })`.
  const at = configIndex === 0 ? call.arguments.pos : call.arguments[configIndex - 1].getEnd();
  return {
    kind: 'insertConfig',
    position: position(sf, at),
    prefix: (configIndex === 0 ? '' : ', ') + '{ name: ',
    suffix: ' }',
  };
}

function visitClass(sf: ts.SourceFile, cls: ts.ClassLikeDeclaration, out: Discovery): void {
  let resolvedClassName: string | undefined;
  const configurableClass = extendsConfiguredInstance(cls);
  for (const member of cls.members) {
    if (!ts.isMethodDeclaration(member) || !ts.canHaveDecorators(member)) continue;
    const methodName = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : undefined;
    if (methodName === undefined) continue;
    for (const d of ts.getDecorators(member) ?? []) {
      const k = decoratorKind(d);
      if (!k) continue;
      const cfg = k.call?.arguments[0];
      const configured = configString(cfg, 'name');
      const name = configured.present ? (configured.value ?? methodName) : methodName;
      const nameIsStatic = !configured.present || configured.value !== undefined;
      const isStatic = hasModifier(member, ts.SyntaxKind.StaticKeyword);
      const range = nodeRange(sf, member);
      const bodyRange = member.body ? nodeRange(sf, member.body) : undefined;
      if (k.kind === 'workflow') {
        resolvedClassName ??= className(cls);
        out.workflows.push({
          def: {
            name,
            className: resolvedClassName,
            configurable: !isStatic && configurableClass,
            range,
            bodyRange,
            form: 'decorator',
            nameIsStatic,
          },
          fn: member,
          body: member.body,
        });
      } else {
        const declared = declaredClassName(cls);
        out.steps.push({
          def: {
            name,
            kind: k.kind,
            className: declared,
            localName: methodName,
            form: 'decorator',
            range,
            bodyRange,
            nameIsStatic,
          },
          key: `${declared}.${methodName}`,
          nameEdit: k.call ? nameEditFor(sf, k.call, 0) : undefined,
          node: member,
        });
      }
    }
  }
}

/** Resolves the function argument of a registration call, with JavaScript's `fn.name` for it. */
export function resolveFunction(arg: ts.Expression | undefined): ResolvedFunction {
  if (!arg) return { name: '', nameIsStatic: false, fn: undefined, localName: undefined };
  const e = unwrap(arg);
  if (isFunctionExpressionLike(e)) {
    // An inline arrow or anonymous function expression has fn.name === ''.
    return {
      name: ts.isFunctionExpression(e) && e.name ? e.name.text : '',
      nameIsStatic: true,
      fn: e,
      localName: undefined,
    };
  }
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    if (b.kind === 'local') {
      const decl = b.declaration;
      if (ts.isFunctionDeclaration(decl))
        return { name: decl.name?.text ?? e.text, nameIsStatic: true, fn: decl, localName: e.text };
      if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && decl.initializer) {
        const init = unwrap(decl.initializer);
        if (isFunctionExpressionLike(init)) {
          // `const x = () => …` is named 'x' by the language; `const x = function named() …` keeps 'named'.
          const name = ts.isFunctionExpression(init) && init.name ? init.name.text : decl.name.text;
          return { name, nameIsStatic: true, fn: init, localName: e.text };
        }
      }
    }
    // Imported or opaque: fn.name is most likely the identifier (true for `export function x`).
    return {
      name: b.kind === 'import' && b.imported !== 'default' && b.imported !== '*' ? b.imported : e.text,
      nameIsStatic: false,
      fn: undefined,
      localName: e.text,
    };
  }
  if (ts.isPropertyAccessExpression(e))
    return { name: e.name.text, nameIsStatic: false, fn: undefined, localName: e.name.text };
  return { name: '', nameIsStatic: false, fn: undefined, localName: undefined };
}

function functionBody(fn: ts.SignatureDeclaration | undefined): ts.Node | undefined {
  if (!fn) return undefined;
  return (fn as ts.FunctionLikeDeclaration).body;
}

/** The statement a registration call forms, for the CodeLens (`const x = DBOS.registerWorkflow(…)`). */
function registrationSite(call: ts.CallExpression): ts.Node {
  let n: ts.Node = call;
  while (
    n.parent &&
    (ts.isParenthesizedExpression(n.parent) || ts.isAwaitExpression(n.parent) || ts.isAsExpression(n.parent))
  )
    n = n.parent;
  const p = n.parent;
  if (p && ts.isExpressionStatement(p)) return p;
  if (
    p &&
    ts.isVariableDeclaration(p) &&
    ts.isVariableDeclarationList(p.parent) &&
    p.parent.declarations.length === 1 &&
    ts.isVariableStatement(p.parent.parent)
  )
    return p.parent.parent;
  return call;
}

function assignedName(call: ts.CallExpression): string | undefined {
  const p = call.parent;
  return p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) ? p.name.text : undefined;
}

function visitCall(sf: ts.SourceFile, call: ts.CallExpression, out: Discovery): void {
  const dbosMethod = dbosMethodOf(call);
  const callee = unwrap(call.expression);
  const method = dbosMethod ?? (ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined);
  const form =
    dbosMethod === 'registerWorkflow'
      ? 'registerWorkflow'
      : dbosMethod === 'registerStep'
        ? 'registerStep'
        : dbosMethod === 'runStep'
          ? 'runStep'
          : method === 'registerTransaction'
            ? 'registerTransaction'
            : method === 'runTransaction'
              ? 'runTransaction'
              : undefined;
  if (!form) return;
  const f = resolveFunction(call.arguments[0]);
  const cfg = call.arguments[1];
  const configured = configString(cfg, 'name');
  const name = configured.present ? (configured.value ?? f.name) : f.name;
  const nameIsStatic = configured.present ? configured.value !== undefined : f.nameIsStatic;
  const site = registrationSite(call);
  const body = functionBody(f.fn);
  if (f.fn && form !== 'registerWorkflow') out.durableCallbacks.add(f.fn);

  if (form === 'registerWorkflow') {
    const cls = configString(cfg, 'className');
    let className = cls.present ? (cls.value ?? '') : '';
    const ctor = configStringNode(cfg, 'ctorOrProto');
    if (!cls.present && ctor) className = classNameOfCtor(ctor) ?? '';
    out.workflows.push({
      def: {
        name,
        className,
        configurable: false,
        range: nodeRange(sf, site),
        bodyRange: body ? nodeRange(sf, body) : undefined,
        form: 'registerWorkflow',
        nameIsStatic,
      },
      fn: f.fn,
      body,
    });
    return;
  }
  const kind = form === 'registerTransaction' || form === 'runTransaction' ? 'transaction' : 'step';
  const registered = form === 'registerStep' || form === 'registerTransaction';
  out.steps.push({
    def: {
      name,
      kind,
      className: '',
      localName: registered ? assignedName(call) : undefined,
      form,
      range: nodeRange(sf, registered ? site : call),
      bodyRange: body ? nodeRange(sf, body) : undefined,
      nameIsStatic,
    },
    key: registered ? assignedName(call) : undefined,
    nameEdit: nameEditFor(sf, call, 1),
    node: call,
  });
}

function configStringNode(cfg: ts.Expression | undefined, key: string): ts.Expression | undefined {
  if (!cfg) return undefined;
  const obj = unwrap(cfg);
  if (!ts.isObjectLiteralExpression(obj)) return undefined;
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name;
  }
  return undefined;
}

/** `ctorOrProto: Foo` or `Foo.prototype` → Foo's registered class name (its `@DBOS.className` alias if local). */
function classNameOfCtor(e: ts.Expression): string | undefined {
  e = unwrap(e);
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'prototype') e = unwrap(e.expression);
  if (!ts.isIdentifier(e)) return undefined;
  const b = resolveIdentifier(e);
  if (b.kind === 'local' && (ts.isClassDeclaration(b.declaration) || ts.isClassExpression(b.declaration)))
    return className(b.declaration);
  return e.text;
}
