// A lightweight per-file binder: resolves an identifier to an import, a local declaration or a global, by scope.
// Runs in the language server process; works on one parsed file, so it needs neither a Program nor node_modules.
import { ts } from './typescript';

/** What an identifier refers to. Module names are normalised (`node:crypto` → `crypto`). */
export type Binding =
  | {
      kind: 'import';
      module: string;
      /** 'default', '*' (namespace / whole `require`) or the exported name */ imported: string;
      declaration: ts.Node;
    }
  | { kind: 'local'; declaration: ts.Node }
  | { kind: 'global' };

export function normaliseModule(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

/** Rules ask about the same identifier several times (`crypto.`? `fs.`? `axios.`?): resolve each node once. */
const resolved = new WeakMap<ts.Identifier, Binding>();

/** Resolves `id` by walking the enclosing scopes outward, as JavaScript would (hoisting included). */
export function resolveIdentifier(id: ts.Identifier): Binding {
  let b = resolved.get(id);
  if (!b) {
    b = resolveUncached(id);
    resolved.set(id, b);
  }
  return b;
}

function resolveUncached(id: ts.Identifier): Binding {
  const name = id.text;
  for (let node: ts.Node | undefined = id.parent; node; node = node.parent) {
    const found = declarationIn(node, name, id);
    if (found) return found;
  }
  return { kind: 'global' };
}

/** The `require('m')` module name of an initializer, if it is one. */
function requiredModule(init: ts.Expression | undefined): string | undefined {
  if (init && ts.isAwaitExpression(init)) init = init.expression;
  if (
    init &&
    ts.isCallExpression(init) &&
    ts.isIdentifier(init.expression) &&
    init.expression.text === 'require' &&
    init.arguments.length === 1 &&
    ts.isStringLiteralLike(init.arguments[0])
  ) {
    return normaliseModule(init.arguments[0].text);
  }
  return undefined;
}

function declarationIn(scope: ts.Node, name: string, from: ts.Identifier): Binding | undefined {
  if (
    ts.isSourceFile(scope) ||
    ts.isBlock(scope) ||
    ts.isModuleBlock(scope) ||
    ts.isCaseClause(scope) ||
    ts.isDefaultClause(scope)
  ) {
    return inStatements(scope.statements, name);
  }
  if (ts.isFunctionLike(scope)) {
    for (const p of scope.parameters) {
      const d = bindingDeclares(p.name, name);
      if (d) return { kind: 'local', declaration: d };
    }
    if ((ts.isFunctionExpression(scope) || ts.isClassExpression(scope)) && scope.name?.text === name) {
      return { kind: 'local', declaration: scope };
    }
    return undefined;
  }
  if (ts.isClassExpression(scope) && scope.name?.text === name) return { kind: 'local', declaration: scope };
  if (
    (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) &&
    scope.initializer &&
    ts.isVariableDeclarationList(scope.initializer)
  ) {
    for (const d of scope.initializer.declarations) {
      const b = bindingDeclares(d.name, name);
      if (b) return { kind: 'local', declaration: b };
    }
  }
  if (ts.isCatchClause(scope) && scope.variableDeclaration && scope.variableDeclaration !== from.parent) {
    const b = bindingDeclares(scope.variableDeclaration.name, name);
    if (b) return { kind: 'local', declaration: b };
  }
  return undefined;
}

function inStatements(statements: ts.NodeArray<ts.Statement>, name: string): Binding | undefined {
  for (const s of statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.importClause) {
      const module = normaliseModule(s.moduleSpecifier.text);
      const clause = s.importClause;
      if (clause.name?.text === name) return { kind: 'import', module, imported: 'default', declaration: clause };
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb) && nb.name.text === name)
        return { kind: 'import', module, imported: '*', declaration: nb };
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          if (el.name.text === name)
            return { kind: 'import', module, imported: (el.propertyName ?? el.name).text, declaration: el };
        }
      }
    } else if (ts.isImportEqualsDeclaration(s) && s.name.text === name) {
      const ref = s.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        return { kind: 'import', module: normaliseModule(ref.expression.text), imported: '*', declaration: s };
      }
      return { kind: 'local', declaration: s };
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        const b = bindingDeclares(d.name, name);
        if (!b) continue;
        const module = requiredModule(d.initializer);
        if (module !== undefined) {
          if (ts.isIdentifier(d.name)) return { kind: 'import', module, imported: '*', declaration: d };
          if (ts.isBindingElement(b)) {
            const prop = b.propertyName && ts.isIdentifier(b.propertyName) ? b.propertyName.text : name;
            return { kind: 'import', module, imported: prop, declaration: b };
          }
        }
        return { kind: 'local', declaration: b };
      }
    } else if (
      (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) &&
      s.name?.text === name
    ) {
      return { kind: 'local', declaration: s };
    }
  }
  return undefined;
}

/** The VariableDeclaration / Parameter / BindingElement that declares `name` inside a binding name, if any. */
function bindingDeclares(b: ts.BindingName, name: string): ts.Node | undefined {
  if (ts.isIdentifier(b)) return b.text === name ? b.parent : undefined;
  for (const el of b.elements) {
    if (ts.isOmittedExpression(el)) continue;
    const d = bindingDeclares(el.name, name);
    if (d) return d;
  }
  return undefined;
}

/** True if `expr` is an identifier imported from one of `modules` under `imported` ('*' matches default too). */
export function isImportOf(expr: ts.Expression, modules: readonly string[], imported: readonly string[]): boolean {
  if (!ts.isIdentifier(expr)) return false;
  const b = resolveIdentifier(expr);
  return b.kind === 'import' && modules.includes(b.module) && imported.includes(b.imported);
}

/** True if `expr` is the unshadowed global `name` (e.g. `Date`, `Math`, `globalThis.Date`). */
export function isGlobal(expr: ts.Expression, name: string): boolean {
  if (ts.isIdentifier(expr)) return expr.text === name && resolveIdentifier(expr).kind === 'global';
  if (ts.isPropertyAccessExpression(expr) && expr.name.text === name && ts.isIdentifier(expr.expression)) {
    return (
      ['globalThis', 'global', 'window'].includes(expr.expression.text) &&
      resolveIdentifier(expr.expression).kind === 'global'
    );
  }
  return false;
}
