// Keeps the architecture's import boundaries (house style: "enforce the boundaries"), parsed with the TypeScript
// compiler API rather than a lint rule, since the project runs no linter. Runs in the test process.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

interface ImportSite {
  file: string;
  line1: number;
  specifier: string;
  /** Repo-relative target for a relative specifier, else undefined (a package). */
  target?: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function importsOf(file: string): ImportSite[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    const specifier = spec.text;
    const target = specifier.startsWith('.')
      ? path
          .relative(ROOT, path.resolve(path.dirname(file), specifier))
          .split(path.sep)
          .join('/')
      : undefined;
    sites.push({
      file: path.relative(ROOT, file).split(path.sep).join('/'),
      line1: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      specifier,
      target,
      typeOnly,
    });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, Boolean(node.importClause?.isTypeOnly));
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, true);
    else if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

/** Product code of a part (tests excluded: they may reach across to check contracts). protocol/ has no src/ folder. */
function productImports(part: string): ImportSite[] {
  return sourceFiles(path.join(ROOT, part, part === 'protocol' ? '' : 'src'))
    .filter((f) => !/\.test\.ts$/.test(f) && !f.includes(`${path.sep}testing${path.sep}`))
    .flatMap(importsOf);
}

function where(s: ImportSite): string {
  return `${s.file}:${s.line1} imports '${s.specifier}'`;
}

const PARTS = ['history', 'replay-runtime', 'debug-adapter', 'language-server', 'cli', 'launcher', 'protocol'];

test('only extension/ imports vscode', () => {
  const offenders = PARTS.flatMap(productImports).filter((s) => s.specifier === 'vscode' && !s.typeOnly);
  assert.deepEqual(offenders.map(where), []);
});

test('no other part imports from extension/', () => {
  const offenders = PARTS.flatMap(productImports).filter((s) => s.target?.startsWith('extension/'));
  assert.deepEqual(offenders.map(where), []);
});

test('code preloaded into the user program (replay-runtime/src) imports only protocol/ from elsewhere', () => {
  const offenders = productImports('replay-runtime')
    .filter(
      (s) => s.target !== undefined && !s.target.startsWith('replay-runtime/') && !s.target.startsWith('node_modules/'),
    )
    .filter((s) => !s.target!.startsWith('protocol/'));
  assert.deepEqual(offenders.map(where), []);
});

test('history/ (the shared read side) imports neither the replay runtime, the CLI nor the launcher', () => {
  const offenders = productImports('history').filter((s) =>
    ['replay-runtime/', 'cli/', 'launcher/'].some((p) => s.target?.startsWith(p)),
  );
  assert.deepEqual(offenders.map(where), []);
});

test('protocol/ imports nothing outside protocol/ (every side can bundle it)', () => {
  const offenders = productImports('protocol').filter((s) =>
    s.target === undefined ? !s.typeOnly : !s.target.startsWith('protocol/'),
  );
  assert.deepEqual(offenders.map(where), []);
});

test("cli/ imports only history/, launcher/, protocol/ and the runtime's value renderer", () => {
  const allowed = ['cli/', 'history/', 'launcher/', 'protocol/', 'replay-runtime/src/values/'];
  const offenders = productImports('cli').filter(
    (s) => s.target !== undefined && !allowed.some((p) => s.target!.startsWith(p)),
  );
  assert.deepEqual(offenders.map(where), []);
});

test('the debug adapter does not import the CLI', () => {
  assert.deepEqual(
    productImports('debug-adapter')
      .filter((s) => s.target?.startsWith('cli/'))
      .map(where),
    [],
  );
});

test('launcher/ imports only history/ and protocol/', () => {
  const offenders = productImports('launcher').filter(
    (s) => s.target !== undefined && !['launcher/', 'history/', 'protocol/'].some((p) => s.target!.startsWith(p)),
  );
  assert.deepEqual(offenders.map(where), []);
});

test('the language server and the debug adapter do not import each other', () => {
  const offenders = [
    ...productImports('language-server').filter((s) => s.target?.startsWith('debug-adapter/')),
    ...productImports('debug-adapter').filter((s) => s.target?.startsWith('language-server/')),
  ];
  assert.deepEqual(offenders.map(where), []);
});

test('the boundary checks see real imports (a check that finds nothing proves nothing)', () => {
  const runtime = productImports('replay-runtime');
  assert.ok(runtime.some((s) => s.target?.startsWith('protocol/traceModel')));
  assert.ok(productImports('extension').some((s) => s.specifier === 'vscode'));
  assert.ok(productImports('debug-adapter').some((s) => s.target?.startsWith('history/src/')));
  assert.ok(runtime.some((s) => s.target?.startsWith('protocol/')));
  assert.ok(productImports('launcher').some((s) => s.target?.startsWith('protocol/')));
  assert.ok(productImports('cli').some((s) => s.target?.startsWith('launcher/')));
  assert.ok(productImports('history').length > 0);
});
