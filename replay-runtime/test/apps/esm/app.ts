// TypeScript test app run through tsx: the same workflow as app.mjs, written in TypeScript (CommonJS).
import { DBOS } from '@dbos-inc/dbos-sdk';

const double = DBOS.registerStep(async function double(x: number) {
  return { x: x * 2, at: new Date(0) };
});

const esmWorkflow = DBOS.registerWorkflow(async function esmWorkflow(x: number) {
  const a = await double(x);
  const b = await DBOS.runStep(() => double(a.x), { name: 'again' });
  return { a, b, id: DBOS.workflowID };
});

async function main(): Promise<void> {
  DBOS.setConfig({ name: 'replay-esm', systemDatabaseUrl: process.env.RECORD_URL });
  await DBOS.launch();
  await (await DBOS.startWorkflow(esmWorkflow, { workflowID: 'never' })(21)).getResult();
}
void main();
