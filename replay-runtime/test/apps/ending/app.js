// Test app for how a replayed program runs and ends: records itself with the real SDK (RECORD_URL set), or is
// replayed; APP_VARIANT=loop makes `loopAfterStep` loop forever after its first step, =exit makes `exitAfterStep` call
// process.exit(7) there. CommonJS; cli.js is its command-line entry, which needs an argument.
const { DBOS } = require('@dbos-inc/dbos-sdk');

const VARIANT = process.env.APP_VARIANT ?? 'original';

const fetchTopic = DBOS.registerStep(async function fetchTopic(topic) {
  return `news about ${topic}`;
}, { name: 'fetchTopic' });

const summarize = DBOS.registerStep(async function summarize(text) {
  return text.length;
}, { name: 'summarize' });

const loopAfterStep = DBOS.registerWorkflow(async function loopAfterStep(topic) {
  const text = await fetchTopic(topic);
  // A synchronous endless loop: it blocks the event loop, so only another thread can notice.
  if (VARIANT === 'loop') for (;;);
  return await summarize(text);
}, { name: 'loopAfterStep' });

const exitAfterStep = DBOS.registerWorkflow(async function exitAfterStep(topic) {
  const text = await fetchTopic(topic);
  if (VARIANT === 'exit') process.exit(7);
  return await summarize(text);
}, { name: 'exitAfterStep' });

const healthy = DBOS.registerWorkflow(async function healthy(topic) {
  return await summarize(await fetchTopic(topic));
}, { name: 'healthy' });

async function main(topic = 'dbos') {
  DBOS.setConfig({ name: 'replay-ending', systemDatabaseUrl: process.env.RECORD_URL });
  await DBOS.launch();
  // Only the recording run gets here; a replay ends inside launch().
  const start = { loop: loopAfterStep, exit: exitAfterStep, healthy };
  for (const run of (process.env.RECORD_RUNS ?? '').split(',').filter(Boolean)) {
    const [id, wf] = run.split(':');
    await (await DBOS.startWorkflow(start[wf], { workflowID: id })(topic)).getResult();
  }
  await DBOS.shutdown();
}

module.exports = { main };
if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
