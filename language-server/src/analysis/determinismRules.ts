// Flags non-deterministic code in workflow bodies (clock, randomness, env, network, timers, DB, fs) with quick fixes.
// Runs in the language server process; one pass over each workflow body of one parsed file.
import type { Range } from './dbosModel';
import type { Discovery, FoundWorkflow } from './discovery';
import { isGlobal, isImportOf, resolveIdentifier } from './scope';
import { enclosingFunction, isAsyncFunction, isFunctionExpressionLike, nodeRange, unwrap } from './syntax';
import { ts } from './typescript';
import { walkWorkflowBodies } from './workflowBodies';

export type NondeterminismKind =
  | 'dateNow'
  | 'newDate'
  | 'random'
  | 'randomUUID'
  | 'processEnv'
  | 'httpClient'
  | 'timer'
  | 'databaseClient'
  | 'fileSystemWrite';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The fix an editor applies with "Fix all" / the lightbulb default. */
  preferred: boolean;
}

export interface DeterminismFinding {
  kind: NondeterminismKind;
  /** Diagnostic code: `dbos-replay.<kind>`. */
  code: string;
  range: Range;
  message: string;
  fixes: QuickFix[];
  workflow: FoundWorkflow;
}

const REPLAY_WHY = 'Replay and recovery re-run the workflow function, so';

interface Match {
  kind: NondeterminismKind;
  node: ts.Node;
  /** What was found, for the message (`Date.now()`); undefined: the callee, as `fetch(…)`. */
  what: string | undefined;
  /** Why it differs: `reads the clock` … */
  effect: string;
  /** What differs on a re-run. */
  differs: string;
  advice: string;
  /** Suggested step name for the runStep wrap; undefined: no wrap offered (timers). */
  stepName: string | undefined;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request']);
const FS_WRITES = new Set([
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'createWriteStream',
  'unlink',
  'unlinkSync',
  'rm',
  'rmSync',
  'mkdir',
  'mkdirSync',
  'rename',
  'renameSync',
  'copyFile',
  'copyFileSync',
  'truncate',
  'truncateSync',
  'rmdir',
  'rmdirSync',
]);
const TIMERS = ['setTimeout', 'setInterval', 'setImmediate'];
const CRYPTO = ['crypto'];
const CRYPTO_RANDOM = new Set(['randomBytes', 'randomInt', 'getRandomValues', 'randomFillSync', 'randomFill']);

/** `X` when it is the module object of one of `modules` (namespace, default or whole `require`). */
function isModuleObject(e: ts.Expression, modules: readonly string[]): boolean {
  return isImportOf(unwrap(e), modules, ['*', 'default']);
}

function short(node: ts.Node, sf: ts.SourceFile): string {
  const text = node.getText(sf).replace(/\s+/g, ' ');
  return text.length > 40 ? text.slice(0, 37) + '…' : text;
}

function calleeLabel(node: ts.Node, sf: ts.SourceFile): string {
  if (ts.isCallExpression(node) || ts.isNewExpression(node))
    return `${ts.isNewExpression(node) ? 'new ' : ''}${short(node.expression, sf)}(…)`;
  return short(node, sf);
}

/** A timer call: global setTimeout/…, or imported from 'timers' / 'timers/promises'. */
function isTimerCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee) && TIMERS.includes(callee.text)) {
    return isGlobal(callee, callee.text) || isImportOf(callee, ['timers', 'timers/promises'], TIMERS);
  }
  if (ts.isPropertyAccessExpression(callee) && TIMERS.includes(callee.name.text)) {
    return isGlobal(callee, callee.name.text) || isModuleObject(callee.expression, ['timers', 'timers/promises']);
  }
  return false;
}

/** Is `e` a pg Client/Pool: `new pg.Pool()` initializer, or declared with a pg Client/Pool/PoolClient type? */
function isPgClient(e: ts.Expression): boolean {
  e = unwrap(e);
  if (!ts.isIdentifier(e)) return false;
  const b = resolveIdentifier(e);
  if (b.kind === 'import')
    return b.module === 'pg' && ['Client', 'Pool', 'PoolClient', 'pool', 'client'].includes(b.imported);
  if (b.kind !== 'local') return false;
  const d = b.declaration;
  if (!ts.isVariableDeclaration(d) && !ts.isParameter(d) && !ts.isPropertyDeclaration(d)) return false;
  if (d.type && typeMentionsPg(d.type)) return true;
  let init = d.initializer && unwrap(d.initializer);
  if (init && ts.isAwaitExpression(init)) init = unwrap(init.expression);
  if (init && ts.isNewExpression(init)) return isPgConstructor(init.expression);
  // `const c = await pool.connect()` on a pg pool.
  if (
    init &&
    ts.isCallExpression(init) &&
    ts.isPropertyAccessExpression(init.expression) &&
    init.expression.name.text === 'connect'
  ) {
    return isPgClient(init.expression.expression);
  }
  return false;
}

function typeMentionsPg(t: ts.TypeNode): boolean {
  if (ts.isUnionTypeNode(t)) return t.types.some(typeMentionsPg);
  if (!ts.isTypeReferenceNode(t)) return false;
  const n = t.typeName;
  if (ts.isIdentifier(n)) return isImportOf(n, ['pg'], ['Client', 'Pool', 'PoolClient']);
  return (
    ['Client', 'Pool', 'PoolClient'].includes(n.right.text) && ts.isIdentifier(n.left) && isModuleObject(n.left, ['pg'])
  );
}

function isPgConstructor(e: ts.Expression): boolean {
  e = unwrap(e);
  if (ts.isIdentifier(e)) return isImportOf(e, ['pg'], ['Client', 'Pool']);
  return (
    ts.isPropertyAccessExpression(e) && ['Client', 'Pool'].includes(e.name.text) && isModuleObject(e.expression, ['pg'])
  );
}

/** `knex` imported from 'knex', or a local initialised with `knex(config)`. */
function isKnex(e: ts.Expression): boolean {
  e = unwrap(e);
  if (!ts.isIdentifier(e)) return false;
  const b = resolveIdentifier(e);
  if (b.kind === 'import') return b.module === 'knex' && ['default', '*', 'knex', 'Knex'].includes(b.imported);
  if (b.kind === 'local' && ts.isVariableDeclaration(b.declaration) && b.declaration.initializer) {
    const init = unwrap(b.declaration.initializer);
    return ts.isCallExpression(init) && isKnexFactory(init.expression);
  }
  return false;
}

function isKnexFactory(e: ts.Expression): boolean {
  e = unwrap(e);
  return ts.isIdentifier(e) && isImportOf(e, ['knex'], ['default', '*', 'knex', 'Knex']);
}

function matchCall(call: ts.CallExpression, sf: ts.SourceFile): Match | undefined {
  const callee = unwrap(call.expression);
  // The label (`fetch(…)`) is only built for a match, in toFinding: most calls match nothing.
  const label = undefined;
  if (ts.isPropertyAccessExpression(callee)) {
    const obj = callee.expression;
    const m = callee.name.text;
    if (m === 'now' && isGlobal(obj, 'Date')) {
      return {
        kind: 'dateNow',
        node: call,
        what: 'Date.now()',
        effect: 'reads the clock',
        differs: 'the time differs from the recorded run',
        advice: 'Use `await DBOS.now()`, which is recorded, or move it into a step.',
        stepName: 'now',
      };
    }
    if (m === 'random' && isGlobal(obj, 'Math')) {
      return {
        kind: 'random',
        node: call,
        what: 'Math.random()',
        effect: 'returns a new random number',
        differs: 'the value differs from the recorded run',
        advice: 'Compute it in a step (`DBOS.runStep`), whose result is recorded.',
        stepName: 'random',
      };
    }
    const isCryptoObj =
      isGlobal(obj, 'crypto') ||
      isModuleObject(obj, CRYPTO) ||
      (ts.isIdentifier(unwrap(obj)) && isImportOf(unwrap(obj), CRYPTO, ['webcrypto']));
    if (m === 'randomUUID' && isCryptoObj) return uuidMatch(call, `${short(callee, sf)}()`);
    if (CRYPTO_RANDOM.has(m) && isCryptoObj) {
      return {
        kind: 'random',
        node: call,
        what: label,
        effect: 'returns new random bytes',
        differs: 'the value differs from the recorded run',
        advice: 'Compute it in a step (`DBOS.runStep`), whose result is recorded.',
        stepName: m,
      };
    }
    if (isModuleObject(obj, ['uuid']) && ['v1', 'v4', 'v6', 'v7'].includes(m)) return uuidMatch(call, label);
    if (
      (isModuleObject(obj, ['axios', 'got']) && HTTP_METHODS.has(m)) ||
      (isModuleObject(obj, ['http', 'https']) && (m === 'request' || m === 'get')) ||
      (isModuleObject(obj, ['undici']) && ['request', 'fetch', 'stream'].includes(m))
    ) {
      return httpMatch(call, label, m);
    }
    if (TIMERS.includes(m) && isTimerCall(call)) return timerMatch(call, label);
    if (m === 'query' && isPgClient(obj)) {
      return dbMatch(call, label, 'query');
    }
    if (isModuleObject(obj, ['fs']) && FS_WRITES.has(m)) return fsMatch(call, label, m);
    // fs.promises.writeFile(…), or anything on the 'fs/promises' module.
    const o = unwrap(obj);
    if (
      (ts.isPropertyAccessExpression(o) && o.name.text === 'promises' && isModuleObject(o.expression, ['fs'])) ||
      isModuleObject(obj, ['fs/promises']) ||
      (ts.isIdentifier(o) && isImportOf(o, ['fs'], ['promises']))
    ) {
      return fsMatch(call, label, m);
    }
    return undefined;
  }
  if (ts.isIdentifier(callee)) {
    const name = callee.text;
    const b = resolveIdentifier(callee);
    if (b.kind === 'global') {
      if (name === 'fetch') return httpMatch(call, label, 'fetch');
      if (TIMERS.includes(name)) return timerMatch(call, label);
      return undefined;
    }
    if (b.kind !== 'import') {
      if (isKnex(callee)) return dbMatch(knexChain(call), label, 'query');
      return undefined;
    }
    const { module, imported } = b;
    if (module === 'crypto' && imported === 'randomUUID') return uuidMatch(call, `${name}()`);
    if (module === 'crypto' && CRYPTO_RANDOM.has(imported)) {
      return {
        kind: 'random',
        node: call,
        what: label,
        effect: 'returns new random bytes',
        differs: 'the value differs from the recorded run',
        advice: 'Compute it in a step (`DBOS.runStep`), whose result is recorded.',
        stepName: imported,
      };
    }
    if (module === 'uuid' && ['v1', 'v4', 'v6', 'v7'].includes(imported)) return uuidMatch(call, label);
    if (
      (module === 'axios' || module === 'got' || module === 'node-fetch' || module === 'cross-fetch') &&
      (imported === 'default' || imported === '*' || imported === module)
    ) {
      return httpMatch(call, label, module === 'axios' || module === 'got' ? 'httpRequest' : 'fetch');
    }
    if ((module === 'http' || module === 'https') && (imported === 'request' || imported === 'get'))
      return httpMatch(call, label, imported);
    if (module === 'undici' && ['request', 'fetch', 'stream'].includes(imported))
      return httpMatch(call, label, imported);
    if ((module === 'timers' || module === 'timers/promises') && TIMERS.includes(imported))
      return timerMatch(call, label);
    if (module === 'knex' && isKnex(callee)) return dbMatch(knexChain(call), label, 'query');
    if (module === 'fs' && FS_WRITES.has(imported)) return fsMatch(call, label, imported);
    if (module === 'fs/promises') return fsMatch(call, label, imported);
  }
  return undefined;
}

/** `db('orders').where(…).first()`: the walk meets the root `db('orders')` call; report (and wrap) the whole chain. */
function knexChain(root: ts.CallExpression): ts.Expression {
  let top: ts.Expression = root;
  for (;;) {
    const p = top.parent;
    if (
      (ts.isPropertyAccessExpression(p) || ts.isCallExpression(p) || ts.isNonNullExpression(p)) &&
      p.expression === top
    )
      top = p;
    else break;
  }
  // A chain ending in `.then` / a bare member access is still the query; stop at the last call.
  while (ts.isPropertyAccessExpression(top)) top = top.expression;
  return top;
}

function uuidMatch(call: ts.CallExpression, what: string | undefined): Match {
  return {
    kind: 'randomUUID',
    node: call,
    what,
    effect: 'generates a new UUID',
    differs: 'the id differs from the recorded run',
    advice: 'Use `await DBOS.randomUUID()`, which is recorded.',
    stepName: 'randomUUID',
  };
}

function httpMatch(call: ts.CallExpression, what: string | undefined, stepName: string): Match {
  return {
    kind: 'httpClient',
    node: call,
    what,
    effect: 'makes a network request',
    differs: 'the request is sent again and its response can differ from the recorded run',
    advice: 'Make the request in a step (`@DBOS.step()` or `DBOS.runStep`): its result is recorded and replayed.',
    stepName,
  };
}

function timerMatch(call: ts.CallExpression | ts.NewExpression, what: string | undefined): Match {
  return {
    kind: 'timer',
    node: call,
    what,
    effect: 'waits on a wall-clock timer',
    differs: 'the wait starts over and is not the recorded one',
    advice: 'Use `await DBOS.sleep(ms)`, which records its wake-up time, so recovery resumes the remaining wait.',
    stepName: undefined,
  };
}

function dbMatch(call: ts.Expression, what: string | undefined, stepName: string): Match {
  return {
    kind: 'databaseClient',
    node: call,
    what,
    effect: 'talks to a database directly',
    differs: 'the query runs again and its result can differ from the recorded run',
    advice:
      'Query in a data-source transaction (`ds.runTransaction`, `@ds.transaction()`) or a step: its result is recorded.',
    stepName,
  };
}

function fsMatch(call: ts.CallExpression, what: string | undefined, stepName: string): Match {
  return {
    kind: 'fileSystemWrite',
    node: call,
    what,
    effect: 'touches the file system',
    differs: 'the effect happens again and its outcome can differ from the recorded run',
    advice: 'Do file I/O in a step (`DBOS.runStep`), whose result is recorded.',
    stepName,
  };
}

function matchNew(n: ts.NewExpression, sf: ts.SourceFile): Match | undefined {
  const ctor = unwrap(n.expression);
  if (isGlobal(ctor, 'Date') && (!n.arguments || n.arguments.length === 0)) {
    return {
      kind: 'newDate',
      node: n,
      what: short(n, sf),
      effect: 'reads the clock',
      differs: 'the date differs from the recorded run',
      advice: 'Use `new Date(await DBOS.now())`: DBOS.now() is recorded.',
      stepName: 'currentDate',
    };
  }
  if (isGlobal(ctor, 'Promise') && n.arguments?.length === 1) {
    const exec = unwrap(n.arguments[0]);
    if (isFunctionExpressionLike(exec) && containsTimer(exec.body)) {
      return {
        ...timerMatch(n, 'new Promise(… setTimeout …)'),
        advice: 'Use `await DBOS.sleep(ms)`, which records its wake-up time, so recovery resumes the remaining wait.',
      };
    }
  }
  if (isPgConstructor(ctor)) return dbMatch(n, calleeLabel(n, sf), 'query');
  return undefined;
}

function containsTimer(body: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && isTimerCall(node)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** `process.env`, `process.env.X`, `process.env['X']` (a read, not an assignment target). */
function matchProcessEnv(pa: ts.PropertyAccessExpression, sf: ts.SourceFile): Match | undefined {
  if (pa.name.text !== 'env') return undefined;
  const obj = unwrap(pa.expression);
  if (!(isGlobal(obj, 'process') || isModuleObject(obj, ['process']))) return undefined;
  let node: ts.Expression = pa;
  const p = pa.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === pa) node = p;
  const q = node.parent;
  if (
    ts.isBinaryExpression(q) &&
    q.left === node &&
    q.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    q.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  )
    return undefined;
  if (ts.isDeleteExpression(q)) return undefined;
  let varName: string | undefined;
  if (ts.isPropertyAccessExpression(node) && node !== pa) varName = node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression))
    varName = node.argumentExpression.text;
  return {
    kind: 'processEnv',
    node,
    what: short(node, sf),
    effect: 'reads the process environment',
    differs: 'a recovery on another machine or after a config change sees a different value than the recorded run',
    advice: 'Read it in a step (`DBOS.runStep`) so the value is recorded, or read configuration outside the workflow.',
    stepName: varName ? `readEnv_${varName}` : 'readEnv',
  };
}

/** Runs every rule over every workflow body of the file. */
export function findNondeterminism(sf: ts.SourceFile, d: Discovery, dbos: string): DeterminismFinding[] {
  const findings: DeterminismFinding[] = [];
  const covered = new Set<ts.Node>();
  walkWorkflowBodies(d, (node, wf) => {
    if (covered.has(node)) return false;
    let m: Match | undefined;
    if (ts.isCallExpression(node)) m = matchCall(node, sf);
    else if (ts.isNewExpression(node)) m = matchNew(node, sf);
    else if (ts.isPropertyAccessExpression(node)) m = matchProcessEnv(node, sf);
    if (!m) return;
    findings.push(toFinding(m, wf, sf, dbos));
    // A flagged new Promise(… setTimeout …) is one finding, not two.
    if (m.node !== node) covered.add(m.node);
    return m.kind === 'timer' && ts.isNewExpression(node) ? false : undefined;
  });
  return findings;
}

function toFinding(m: Match, wf: FoundWorkflow, sf: ts.SourceFile, dbos: string): DeterminismFinding {
  const wfLabel = wf.def.className ? `${wf.def.className}.${wf.def.name}` : wf.def.name;
  const what = m.what ?? calleeLabel(m.node, sf);
  const message = `${what} in workflow '${wfLabel}' ${m.effect}. ${REPLAY_WHY} ${m.differs}. ${m.advice}`;
  return {
    kind: m.kind,
    code: `dbos-replay.${m.kind}`,
    range: nodeRange(sf, m.node),
    message,
    fixes: fixesFor(m, sf, dbos),
    workflow: wf,
  };
}

/** `await X` in place of `node`, parenthesised where `await` would bind wrongly (`(await DBOS.now()).toFixed()`). */
function awaitReplacement(node: ts.Node, inner: string, sf: ts.SourceFile): TextEdit {
  let target = node;
  while (ts.isParenthesizedExpression(target.parent)) target = target.parent;
  if (ts.isAwaitExpression(target.parent)) return { range: nodeRange(sf, target.parent), newText: `await ${inner}` };
  const p = target.parent;
  const needsParens =
    ((ts.isPropertyAccessExpression(p) ||
      ts.isElementAccessExpression(p) ||
      ts.isCallExpression(p) ||
      ts.isTaggedTemplateExpression(p)) &&
      (p as { expression?: ts.Node }).expression === target &&
      target === node) ||
    (ts.isTaggedTemplateExpression(p) && p.tag === target) ||
    (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken && p.left === target);
  return { range: nodeRange(sf, target), newText: needsParens ? `(await ${inner})` : `await ${inner}` };
}

function containsAwait(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n)) return;
    if (ts.isAwaitExpression(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function fixesFor(m: Match, sf: ts.SourceFile, dbos: string): QuickFix[] {
  const fixes: QuickFix[] = [];
  const canAwait = isAsyncFunction(enclosingFunction(m.node));
  if (m.kind === 'dateNow' && canAwait) {
    fixes.push({
      title: `Replace with \`await ${dbos}.now()\``,
      edits: [awaitReplacement(m.node, `${dbos}.now()`, sf)],
      preferred: true,
    });
  }
  if (m.kind === 'newDate' && canAwait) {
    fixes.push({
      title: `Replace with \`new Date(await ${dbos}.now())\``,
      edits: [{ range: nodeRange(sf, m.node), newText: `new Date(await ${dbos}.now())` }],
      preferred: true,
    });
  }
  if (
    m.kind === 'randomUUID' &&
    canAwait &&
    m.stepName === 'randomUUID' &&
    ts.isCallExpression(m.node) &&
    m.node.arguments.length === 0
  ) {
    fixes.push({
      title: `Replace with \`await ${dbos}.randomUUID()\``,
      edits: [awaitReplacement(m.node, `${dbos}.randomUUID()`, sf)],
      preferred: true,
    });
  }
  if (m.kind === 'timer' && ts.isNewExpression(m.node)) {
    const ms = sleepDuration(m.node, sf);
    if (ms !== undefined) {
      fixes.push({
        title: `Replace with \`${dbos}.sleep(${ms})\``,
        edits: [{ range: nodeRange(sf, m.node), newText: `${dbos}.sleep(${ms})` }],
        preferred: true,
      });
    }
  }
  if (m.stepName !== undefined && canAwait) {
    const exprText = m.node.getText(sf);
    const arrow = containsAwait(m.node) ? 'async () =>' : '() =>';
    fixes.push({
      title: `Wrap in \`${dbos}.runStep(…, { name: '${m.stepName}' })\``,
      edits: [awaitReplacement(m.node, `${dbos}.runStep(${arrow} ${exprText}, { name: '${m.stepName}' })`, sf)],
      preferred: fixes.length === 0,
    });
  }
  return fixes;
}

/** `new Promise(r => setTimeout(r, X))` → the text of X ('0' when absent); undefined for any other shape. */
function sleepDuration(n: ts.NewExpression, sf: ts.SourceFile): string | undefined {
  const exec = unwrap(n.arguments![0]);
  if (!isFunctionExpressionLike(exec) || exec.parameters.length !== 1 || !ts.isIdentifier(exec.parameters[0].name))
    return undefined;
  const resolve = exec.parameters[0].name.text;
  let body: ts.Node = exec.body;
  if (ts.isBlock(body)) {
    if (body.statements.length !== 1 || !ts.isExpressionStatement(body.statements[0])) return undefined;
    body = body.statements[0].expression;
  }
  if (!ts.isCallExpression(body) || !isTimerCall(body)) return undefined;
  const callee = unwrap(body.expression);
  const timerName = ts.isIdentifier(callee)
    ? callee.text
    : ts.isPropertyAccessExpression(callee)
      ? callee.name.text
      : '';
  if (timerName !== 'setTimeout') return undefined;
  const [cb, ms, ...rest] = body.arguments;
  if (rest.length || !cb || !ts.isIdentifier(cb) || cb.text !== resolve) return undefined;
  return ms ? ms.getText(sf) : '0';
}
