// Test app for the replay runtime: records itself with the real SDK (RECORD_URL set) or is replayed with
// the runtime preloaded (then DBOS.launch() starts the replay and never returns). CommonJS, plain JS with
// decorators applied the way tsc's experimentalDecorators output does.
const { appendFileSync } = require('node:fs');
const { DBOS, ConfiguredInstance } = require('@dbos-inc/dbos-sdk');

const VARIANT = process.env.APP_VARIANT ?? 'original';

function decorate(decorator, target, key) {
  const d = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, decorator(target, key, d) ?? d);
}

/** Every step body appends its name here: the replay must leave this file untouched. */
function bodyRan(name) {
  if (process.env.STEP_COUNTER_FILE) appendFileSync(process.env.STEP_COUNTER_FILE, name + '\n');
}

/** What the workflow code saw (types, instanceof), for the test to compare between recording and replay. */
function observe(key, value) {
  if (process.env.OBSERVE_FILE) appendFileSync(process.env.OBSERVE_FILE, JSON.stringify({ key, value }) + '\n');
}

class MyError extends Error {
  constructor(m, extra) { super(m); this.name = 'MyError'; this.extra = extra; }
}

class Basic {
  static async values(n) {
    bodyRan('values');
    return { n, d: new Date('2024-01-02T03:04:05.678Z'), big: 12345678901234567890n, m: new Map([['k', 1], [2, 'two']]),
      s: new Set([1, 'a']), u: undefined, buf: Buffer.from([1, 2, 255]) };
  }
  static async throwsMy() {
    bodyRan('throwsMy');
    throw new MyError('boom', 42);
  }
  static async pA() { bodyRan('pA'); return 'a'; }
  static async pB() { bodyRan('pB'); return 'b'; }
  static async stepA() { bodyRan('stepA'); return 'A'; }
  static async stepB() { bodyRan('stepB'); return 'B'; }
  static async stepC() { bodyRan('stepC'); return 'C'; }
  static async stepX() { bodyRan('stepX'); return 'X'; }
  static async late(i) { bodyRan('late'); return i; }
  static async lateB(i) { bodyRan('lateB'); return -i; }
  static async wait(i) {
    bodyRan('wait');
    observe(`stepIDInStep${i}`, DBOS.stepID ?? null);
    await new Promise((r) => setTimeout(r, (4 - i) * 150));
    return i;
  }

  static async child(tag) {
    return `child:${tag}`;
  }

  static async kitchen(input) {
    const out = {};
    out.values = await Basic.values(input.n);
    const v = out.values;
    observe('values', { date: v.d instanceof Date, big: typeof v.big, map: v.m instanceof Map, set: v.s instanceof Set,
      hasU: 'u' in v, u: typeof v.u, buf: Buffer.isBuffer(v.buf), bytes: [...v.buf] });
    out.registered = await registeredDate();
    out.anon = await DBOS.runStep(async () => { bodyRan('anon'); return undefined; });
    out.named = await DBOS.runStep(async () => { bodyRan('named'); return 7n; }, { name: 'namedStep' });
    try {
      await Basic.throwsMy();
    } catch (e) {
      out.caught = { name: e.name, message: e.message, extra: e.extra };
      observe('caught', { isMyError: e instanceof MyError, isError: e instanceof Error, ctor: e.constructor.name, str: String(e) });
    }
    out.now = await DBOS.now();
    out.uuid = await DBOS.randomUUID();
    await DBOS.sleep(10);
    await DBOS.sleep(0);
    await DBOS.setEvent('ev', { v: 1 });
    out.event = await DBOS.getEvent(DBOS.workflowID, 'ev', 5);
    out.noEvent = await DBOS.getEvent(DBOS.workflowID, 'nothing', 0.1);
    await DBOS.send(DBOS.workflowID, { hello: 'self' }, 'topicA');
    out.msg = await DBOS.recv('topicA', 5);
    out.noMsg = await DBOS.recv('none', 0.1);
    out.direct = await Basic.child('direct');
    const h = await DBOS.startWorkflow(Basic).child('started');
    out.startedId = h.workflowID;
    out.started = await h.getResult();
    const q = await DBOS.startWorkflow(Basic, { queueName: 'q1' }).child('queued');
    out.queued = await DBOS.getResult(q.workflowID, { timeoutSeconds: 10 });
    const st = await DBOS.getWorkflowStatus(q.workflowID);
    out.status = { id: st.workflowID, status: st.status, name: st.workflowName, output: st.output };
    const list = await DBOS.listWorkflows({ workflowIDs: [q.workflowID] });
    out.listed = list.map((w) => w.workflowID);
    await DBOS.writeStream('s1', { x: 1 });
    await DBOS.writeStream('s1', 2);
    await DBOS.closeStream('s1');
    out.stream = [];
    for await (const v of DBOS.readStream(DBOS.workflowID, 's1')) out.stream.push(v);
    out.all = await Promise.all([Basic.pA(), Basic.pB(), Basic.child('par')]);
    out.patched = await DBOS.patch('p1');
    out.deprecated = await DBOS.deprecatePatch('p2');
    out.retrieved = await DBOS.retrieveWorkflow(h.workflowID).getResult();
    return out;
  }

  static async sequence() {
    const r = [];
    r.push(await Basic.stepA());
    if (VARIANT === 'hang') await new Promise(() => undefined);
    if (VARIANT === 'insert') r.push(await Basic.stepX());
    if (VARIANT === 'rename') r.push(await Basic.stepX());
    else r.push(await Basic.stepB());
    if (VARIANT !== 'remove') r.push(await Basic.stepC());
    if (VARIANT === 'extra') r.push(await Basic.stepX());
    return r.join('');
  }

  static async failing() {
    await Basic.stepA();
    await Basic.throwsMy();
  }

  /** §9.1: each branch takes its step's ID after a durable sleep; branch 3 wakes first, so late(3) gets the lowest ID. */
  static async lateAfterSleep() {
    observe('stepIDInWorkflow', DBOS.stepID ?? null);
    return Promise.all([1, 2, 3].map(async (i) => {
      await DBOS.sleep((4 - i) * 150);
      return Basic.late(i);
    }));
  }

  /** §9.1 with steps: the waits finish 3, 2, 1; branch 2 calls another step, so a wrong order is a renamed divergence. */
  static async lateAfterStep() {
    return Promise.all([1, 2, 3].map(async (i) => {
      await Basic.wait(i);
      return i === 2 ? Basic.lateB(i) : Basic.late(i);
    }));
  }

  static async crashes() {
    await Basic.stepA();
    await Basic.stepB();
    await DBOS.runStep(async () => { bodyRan('crash'); if (process.env.CRASH_NOW) process.exit(0); return 1; }, { name: 'crash' });
    return 'never';
  }
}

for (const k of ['values', 'throwsMy', 'pA', 'pB', 'stepA', 'stepB', 'stepC', 'stepX', 'late', 'lateB', 'wait']) decorate(DBOS.step(), Basic, k);
for (const k of ['child', 'kitchen', 'sequence', 'failing', 'crashes', 'lateAfterSleep', 'lateAfterStep']) decorate(DBOS.workflow(), Basic, k);

const registeredDate = DBOS.registerStep(async function registeredDate() {
  bodyRan('registeredDate');
  return new Date('2024-01-02T03:04:05.678Z');
});

class Inst extends ConfiguredInstance {
  constructor(name, factor) { super(name); this.factor = factor; }
  /** The SDK calls this at launch (it may write); the replay never does. */
  async initialize() { bodyRan('initialize'); }
  async mul(x) { bodyRan('mul'); return x * this.factor; }
  async run(x) { return await this.mul(x); }
}
decorate(DBOS.step(), Inst.prototype, 'mul');
decorate(DBOS.workflow(), Inst.prototype, 'run');
const instA = new Inst('instA', 3);

const freeWorkflow = DBOS.registerWorkflow(async function freeWorkflow(a, b) {
  return { sum: a + b, at: await DBOS.now() };
}, { name: 'freeWorkflow' });

async function main() {
  DBOS.setConfig({ name: 'replay-basic', systemDatabaseUrl: process.env.RECORD_URL, enablePatching: true });
  await DBOS.launch();
  // Only the recording run gets here; a replay ends inside launch().
  await DBOS.registerQueue('q1');
  const runs = (process.env.RECORD_RUNS ?? '').split(',').filter(Boolean);
  for (const run of runs) {
    const [id, wf] = run.split(':');
    const start = {
      kitchen: () => DBOS.startWorkflow(Basic, { workflowID: id }).kitchen({ n: 5 }),
      sequence: () => DBOS.startWorkflow(Basic, { workflowID: id }).sequence(),
      failing: () => DBOS.startWorkflow(Basic, { workflowID: id }).failing(),
      crashes: () => DBOS.startWorkflow(Basic, { workflowID: id }).crashes(),
      inst: () => DBOS.startWorkflow(instA, { workflowID: id }).run(4),
      free: () => DBOS.startWorkflow(freeWorkflow, { workflowID: id })(1, 2),
      lateSleep: () => DBOS.startWorkflow(Basic, { workflowID: id }).lateAfterSleep(),
      lateStep: () => DBOS.startWorkflow(Basic, { workflowID: id }).lateAfterStep(),
    }[wf];
    const h = await start();
    try { await h.getResult(); } catch { /* recorded as ERROR */ }
  }
  await DBOS.shutdown();
}

main().catch((e) => { console.error(e); process.exit(1); });
