// Keeps package.json's `configurationAttributes.launch` schema in step with the adapter's ReplayLaunchArguments:
// every property on both sides, same type, and a description that starts from the interface's own doc comment.
// Runs in the test process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import type { ReplayLaunchArguments } from '../../../debug-adapter/src/launchArguments.js';

const root = path.resolve(__dirname, '..', '..', '..');
const INTERFACE_FILE = path.join(root, 'debug-adapter', 'src', 'launchArguments.ts');

/** tsc fails here when the interface gains or loses a property, before this test even runs. */
const EVERY_PROPERTY: Record<keyof ReplayLaunchArguments, true> = {
  program: true,
  modules: true,
  args: true,
  cwd: true,
  runtimeExecutable: true,
  runtimeArgs: true,
  env: true,
  stopOnEntry: true,
  skipFiles: true,
  outFiles: true,
  workflowId: true,
  traceFile: true,
  databaseUrl: true,
  sideEffects: true,
  trace: true,
};

interface Member {
  type: string;
  doc: string;
}

/** The interface's members, read from its source: name, type text and JSDoc. */
function interfaceMembers(): Map<string, Member> {
  const sf = ts.createSourceFile(INTERFACE_FILE, readFileSync(INTERFACE_FILE, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = new Map<string, Member>();
  sf.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'ReplayLaunchArguments') return;
    for (const m of node.members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      const doc = ts
        .getJSDocCommentsAndTags(m)
        .map((d) => ts.getTextOfJSDocComment((d as ts.JSDoc).comment) ?? '')
        .join(' ')
        .trim();
      out.set(m.name.getText(sf), { type: m.type.getText(sf), doc });
    }
  });
  return out;
}

function schemaType(tsType: string): string {
  if (tsType === 'string') return 'string';
  if (tsType === 'boolean') return 'boolean';
  if (tsType === 'string[]') return 'array';
  if (tsType.startsWith('Record<')) return 'object';
  if (literals(tsType)) return 'string';
  throw new Error(`no schema type for ${tsType}: extend schemaType()`);
}

/** The members of a union of string literals (`'a' | 'b'`), or undefined for any other type. */
function literals(tsType: string): string[] | undefined {
  if (!/^'[^']*'(\s*\|\s*'[^']*')*$/.test(tsType)) return undefined;
  return tsType.split('|').map((t) => t.trim().slice(1, -1));
}

/** The doc comment's first sentence, which the schema's description must contain. */
function firstSentence(doc: string): string {
  return (/^(.*?[.;])(\s|$)/.exec(doc)?.[1] ?? doc).replace(/[.;]$/, '');
}

test('every ReplayLaunchArguments property has a launch schema entry with a matching description, and vice versa', () => {
  const members = interfaceMembers();
  assert.deepEqual([...members.keys()].sort(), Object.keys(EVERY_PROPERTY).sort());
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const debuggers = pkg.contributes.debuggers as {
    type: string;
    configurationAttributes: {
      launch: {
        properties: Record<string, { type: string; description?: string; items?: { type: string }; enum?: string[] }>;
      };
    };
  }[];
  const props = debuggers.find((d) => d.type === 'dbos-replay')!.configurationAttributes.launch.properties;
  assert.deepEqual(
    Object.keys(props).sort(),
    [...members.keys()].sort(),
    'schema properties differ from ReplayLaunchArguments',
  );
  for (const [name, m] of members) {
    const p = props[name];
    assert.equal(p.type, schemaType(m.type), `"${name}": schema type ${p.type}, interface ${m.type}`);
    if (m.type === 'string[]') assert.equal(p.items?.type, 'string', `"${name}" items`);
    const union = literals(m.type);
    if (union) assert.deepEqual(p.enum, union, `"${name}": schema enum differs from the interface's ${m.type}`);
    assert.ok(m.doc, `ReplayLaunchArguments.${name} has no doc comment`);
    assert.ok(
      p.description?.includes(firstSentence(m.doc)),
      `"${name}": description ${JSON.stringify(p.description)} does not say what the interface does: ${JSON.stringify(firstSentence(m.doc))}`,
    );
  }
});

test('initial configurations and snippets use only schema properties', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const d = pkg.contributes.debuggers.find((x: { type: string }) => x.type === 'dbos-replay');
  const known = new Set([...Object.keys(d.configurationAttributes.launch.properties), 'type', 'request', 'name']);
  for (const cfg of [...d.initialConfigurations, ...d.configurationSnippets.map((s: { body: object }) => s.body)]) {
    for (const k of Object.keys(cfg)) assert.ok(known.has(k), `unknown launch property ${k}`);
    assert.equal(cfg.type, 'dbos-replay');
  }
  assert.equal(d.variables.pickWorkflow, 'dbosReplay.pickWorkflow');
});
