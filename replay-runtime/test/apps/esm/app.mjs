// ESM test app: `import` of the SDK must land on the replay runtime through the module.register() hooks.
import { appendFileSync } from 'node:fs';
import { DBOS } from '@dbos-inc/dbos-sdk';

const double = DBOS.registerStep(async function double(x) {
  if (process.env.STEP_COUNTER_FILE) appendFileSync(process.env.STEP_COUNTER_FILE, 'double\n');
  return { x: x * 2, at: new Date(0) };
});

export const esmWorkflow = DBOS.registerWorkflow(async function esmWorkflow(x) {
  const a = await double(x);
  const b = await DBOS.runStep(() => double(a.x), { name: 'again' });
  return { a, b, id: DBOS.workflowID };
});

DBOS.setConfig({ name: 'replay-esm', systemDatabaseUrl: process.env.RECORD_URL });
await DBOS.launch();
for (const id of (process.env.RECORD_RUNS ?? '').split(',').filter(Boolean)) {
  await (await DBOS.startWorkflow(esmWorkflow, { workflowID: id })(21)).getResult();
}
await DBOS.shutdown();
