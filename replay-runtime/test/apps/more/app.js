// Test app for the replay runtime's less common durable APIs: Debouncer, dynamic schedules, workflow
// management and context statics inside a workflow. Records itself with the real SDK 5.3.0 (RECORD_URL set)
// or is replayed with the runtime preloaded (DBOS.launch() starts the replay and never returns). CommonJS.
const { appendFileSync } = require('node:fs');
const { DBOS, Debouncer } = require('@dbos-inc/dbos-sdk');

function decorate(decorator, target, key) {
  const d = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, decorator(target, key, d) ?? d);
}

/** Every step body appends its name here: the replay must leave this file untouched. */
function bodyRan(name) {
  if (process.env.STEP_COUNTER_FILE) appendFileSync(process.env.STEP_COUNTER_FILE, name + '\n');
}

function caught(e) {
  return { name: e.name, message: e.message, code: e.dbosErrorCode ?? null };
}

class More {
  static async target(x) { return `target:${x}`; }
  static async scheduled(_at, _ctx) { /* never fires: its cron is yearly */ }
  static async one() { bodyRan('one'); return 1; }

  /** 0 bounce (enqueue) + 1 start of db-1-1; 2 bounce (returns db-1-1, input replaced); 3 getResult; then throws. */
  static async debounced() {
    const d = new Debouncer({ workflow: More.target, debounceTimeoutMs: 10_000 });
    const h1 = await d.debounce('k', 300, 'first');
    const h2 = await d.debounce('k', 300, 'second');
    const out = { id1: h1.workflowID, same: h1.workflowID === h2.workflowID, result: await h2.getResult() };
    try { await d.debounce('k', 0, 'bad'); } catch (e) { out.badPeriod = e.message; }
    return out;
  }

  static async schedules() {
    const out = {};
    await DBOS.createSchedule({ scheduleName: 'yearly', workflowFn: More.scheduled, schedule: '0 0 1 1 *',
      context: { since: new Date('2024-01-02T03:04:05.678Z'), tags: new Set(['a']) } });
    const listed = await DBOS.listSchedules();
    out.listed = listed.map((s) => [s.scheduleName, s.workflowName, s.workflowClassName, s.status, s.schedule]);
    const got = await DBOS.getSchedule('yearly');
    out.ctx = { isDate: got.context.since instanceof Date, iso: got.context.since.toISOString(), isSet: got.context.tags instanceof Set };
    await DBOS.pauseSchedule('yearly');
    out.paused = (await DBOS.getSchedule('yearly')).status;
    await DBOS.resumeSchedule('yearly');
    await DBOS.updateSchedule('yearly', { schedule: '0 0 2 1 *', context: { n: 2n } });
    const upd = await DBOS.getSchedule('yearly');
    out.updated = [upd.status, upd.schedule, typeof upd.context.n];
    await DBOS.deleteSchedule('yearly');
    out.gone = await DBOS.getSchedule('yearly');
    out.errors = [];
    for (const call of [() => DBOS.applySchedules([]), () => DBOS.triggerSchedule('yearly'),
      () => DBOS.backfillSchedule('yearly', new Date(0), new Date(1))]) {
      try { await call(); out.errors.push(null); } catch (e) { out.errors.push(caught(e)); }
    }
    return out;
  }

  static async management() {
    const out = { appVersion: DBOS.applicationVersion, executor: DBOS.executorID, tracer: typeof DBOS.tracer?.startSpan('s').setAttribute('k', 1).addEvent };
    const h = await DBOS.withAuthedContext('alice', ['admin'], () => DBOS.startWorkflow(More).target('m'));
    out.started = h.workflowID;
    await DBOS.setWorkflowPriority(h.workflowID, 5);
    try { await DBOS.setWorkflowPriority(h.workflowID, -1); } catch (e) { out.badPriority = caught(e); }
    await DBOS.setWorkflowDelay(h.workflowID, { delaySeconds: 1 });
    out.queued = (await DBOS.listQueuedWorkflows({ queueName: 'no-such-queue' })).length;
    out.waitedAll = (await DBOS.waitAll([h])).map((x) => x.workflowID);
    out.first = (await DBOS.waitFirst([h])).workflowID;
    try { await DBOS.waitFirst([]); } catch (e) { out.emptyWait = e.message; }
    out.result = await h.getResult();
    out.steps = (await DBOS.listWorkflowSteps(DBOS.workflowID)).map((s) => s.name);
    out.one = await DBOS.withWorkflowTimeout(60_000, () => More.one());
    const f = await DBOS.forkWorkflow(h.workflowID, 0);
    out.forkResult = await f.getResult();
    const r = await DBOS.rewindWorkflow(f.workflowID);
    out.rewound = r.workflowID === f.workflowID;
    out.rewoundResult = await r.getResult();
    await DBOS.cancelWorkflow(f.workflowID);
    out.resumed = (await DBOS.resumeWorkflows([f.workflowID])).map((x) => x.workflowID === f.workflowID);
    await DBOS.deleteWorkflow(f.workflowID);
    out.noEvent = await DBOS.getEvent(h.workflowID, 'none', { timeoutSeconds: 0 });
    return out;
  }
}

for (const k of ['one']) decorate(DBOS.step(), More, k);
for (const k of ['target', 'scheduled', 'debounced', 'schedules', 'management']) decorate(DBOS.workflow(), More, k);

async function main() {
  DBOS.setConfig({ name: 'replay-more', systemDatabaseUrl: process.env.RECORD_URL });
  await DBOS.launch();
  // Only the recording run gets here; a replay ends inside launch().
  const runs = (process.env.RECORD_RUNS ?? '').split(',').filter(Boolean);
  for (const run of runs) {
    const [id, wf] = run.split(':');
    const h = await DBOS.startWorkflow(More, { workflowID: id })[wf]();
    try { await h.getResult(); } catch { /* recorded as ERROR */ }
  }
  await DBOS.shutdown();
}

main().catch((e) => { console.error(e); process.exit(1); });
