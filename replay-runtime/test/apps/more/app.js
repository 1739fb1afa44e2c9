// Test app for the replay runtime's less common durable APIs: the Debouncer inside a workflow. Records itself
// with the real SDK 5.3.0 (RECORD_URL set) or is replayed with the runtime preloaded (DBOS.launch() starts the replay and never returns). CommonJS.
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

class More {
  static async target(x) { return `target:${x}`; }

  /** 0 bounce (enqueue) + 1 start of db-1-1; 2 bounce (returns db-1-1, input replaced); 3 getResult; then throws. */
  static async debounced() {
    const d = new Debouncer({ workflow: More.target, debounceTimeoutMs: 10_000 });
    const h1 = await d.debounce('k', 300, 'first');
    const h2 = await d.debounce('k', 300, 'second');
    const out = { id1: h1.workflowID, same: h1.workflowID === h2.workflowID, result: await h2.getResult() };
    try { await d.debounce('k', 0, 'bad'); } catch (e) { out.badPeriod = e.message; }
    return out;
  }
}

for (const k of ['target', 'debounced']) decorate(DBOS.workflow(), More, k);

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
