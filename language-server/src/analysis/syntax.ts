// Small AST helpers shared by discovery and the determinism rules: ranges, static strings, DBOS references.
// Runs in the language server process.
import type { Position, Range } from 'vscode-languageserver-textdocument';
import { resolveIdentifier } from './scope';
import { ts } from './typescript';

export function position(sf: ts.SourceFile, offset: number): Position {
  const { line, character } = sf.getLineAndCharacterOfPosition(offset);
  return { line, character };
}

export function nodeRange(sf: ts.SourceFile, node: ts.Node): Range {
  return { start: position(sf, node.getStart(sf)), end: position(sf, node.getEnd()) };
}

/** Strips parentheses, `as` / `satisfies` / `!` wrappers. */
export function unwrap(expr: ts.Expression): ts.Expression {
  for (;;) {
    if (
      ts.isParenthesizedExpression(expr) ||
      ts.isAsExpression(expr) ||
      ts.isSatisfiesExpression(expr) ||
      ts.isNonNullExpression(expr) ||
      ts.isTypeAssertionExpression(expr)
    )
      expr = expr.expression;
    else return expr;
  }
}

/** The value of a string literal, or of a `const` in scope initialised with one; undefined if not static. */
export function staticString(expr: ts.Expression | undefined): string | undefined {
  if (!expr) return undefined;
  expr = unwrap(expr);
  if (ts.isStringLiteralLike(expr)) return expr.text;
  if (ts.isIdentifier(expr)) {
    const b = resolveIdentifier(expr);
    if (
      b.kind === 'local' &&
      ts.isVariableDeclaration(b.declaration) &&
      b.declaration.initializer &&
      (ts.getCombinedNodeFlags(b.declaration) & ts.NodeFlags.Const) !== 0
    ) {
      const init = unwrap(b.declaration.initializer);
      if (ts.isStringLiteralLike(init)) return init.text;
    }
  }
  return undefined;
}

/** The `key: value` property of an object literal config, if the config is a literal and has it. */
export function configProperty(config: ts.Expression | undefined, key: string): ts.PropertyAssignment | undefined {
  if (!config) return undefined;
  const obj = unwrap(config);
  if (!ts.isObjectLiteralExpression(obj)) return undefined;
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === key)
      return p;
  }
  return undefined;
}

export type ConfigValue =
  { present: false } | { present: true; value: string | undefined; node: ts.PropertyAssignment };

/** Reads `config.key` as a static string; `value` is undefined when present but not evaluable (or config is opaque). */
export function configString(config: ts.Expression | undefined, key: string): ConfigValue {
  if (!config) return { present: false };
  const obj = unwrap(config);
  if (!ts.isObjectLiteralExpression(obj)) {
    // An opaque config (a variable) may or may not set the key: treat it as absent, the common case.
    return { present: false };
  }
  const p = configProperty(obj, key);
  if (!p) return { present: false };
  return { present: true, value: staticString(p.initializer), node: p };
}

const SDK = '@dbos-inc/dbos-sdk';

function isSdkModule(module: string): boolean {
  return module === SDK || module.startsWith(SDK + '/');
}

/** True if `expr` refers to the SDK's `DBOS` class (imported, required, `sdk.DBOS`, or an unresolved global). */
export function isDbosRef(expr: ts.Expression): boolean {
  expr = unwrap(expr);
  if (ts.isIdentifier(expr)) {
    const b = resolveIdentifier(expr);
    if (b.kind === 'import') return isSdkModule(b.module) && b.imported === 'DBOS';
    return b.kind === 'global' && expr.text === 'DBOS';
  }
  if (ts.isPropertyAccessExpression(expr) && expr.name.text === 'DBOS' && ts.isIdentifier(expr.expression)) {
    const b = resolveIdentifier(expr.expression);
    return b.kind === 'import' && isSdkModule(b.module) && (b.imported === '*' || b.imported === 'default');
  }
  return false;
}

/** True if `expr` refers to the SDK's `ConfiguredInstance`. */
export function isConfiguredInstanceRef(expr: ts.Expression): boolean {
  expr = unwrap(expr);
  if (ts.isIdentifier(expr)) {
    const b = resolveIdentifier(expr);
    if (b.kind === 'import') return isSdkModule(b.module) && b.imported === 'ConfiguredInstance';
    return expr.text === 'ConfiguredInstance';
  }
  return ts.isPropertyAccessExpression(expr) && expr.name.text === 'ConfiguredInstance';
}

/** `DBOS.<method>(…)` → 'method'; undefined for any other call. */
export function dbosMethodOf(call: ts.CallExpression): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee) && isDbosRef(callee.expression)) return callee.name.text;
  return undefined;
}

/** The local name the file uses for `DBOS` (for fixes), defaulting to 'DBOS'. */
export function dbosLocalName(sf: ts.SourceFile): string {
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && isSdkModule(s.moduleSpecifier.text)) {
      const nb = s.importClause?.namedBindings;
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) if ((el.propertyName ?? el.name).text === 'DBOS') return el.name.text;
      }
    }
  }
  return 'DBOS';
}

export function isFunctionExpressionLike(n: ts.Node): n is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(n) || ts.isFunctionExpression(n);
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

/** The nearest enclosing function-like node (the function an `await` would belong to). */
export function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

export function isAsyncFunction(fn: ts.SignatureDeclaration | undefined): boolean {
  return fn !== undefined && hasModifier(fn, ts.SyntaxKind.AsyncKeyword);
}
