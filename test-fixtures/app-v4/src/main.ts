// The app as a user would run it: configure DBOS 4.26 and the knex data source, launch, then serve HTTP.
// Runs in the fixture app's process (`npm start`); the recorder (record.ts) does not use it.
import { createServer } from 'node:http';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { Orders, sendReceipt, strictFraudCheck, type OrderRequest } from './workflows';

async function main(): Promise<void> {
  // 4.26 reads the system database from `systemDatabaseUrl`; the app database (knex data source) from
  // FIXTURE_APP_DATABASE_URL, when knex first connects at launch.
  DBOS.setConfig({
    name: 'fixture-app-v4',
    systemDatabaseUrl: process.env.DBOS_SYSTEM_DATABASE_URL,
    applicationVersion: 'fixture-v4',
  });
  await DBOS.launch();

  const port = Number(process.env.PORT ?? 3004);
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const [, resource, id, action] = url.pathname.split('/');
      try {
        if (req.method === 'POST' && resource === 'orders' && id && !action) {
          const order: OrderRequest = {
            orderId: id,
            customer: url.searchParams.get('customer') ?? 'anonymous',
            sku: url.searchParams.get('sku') ?? 'widget',
            amountCents: Number(url.searchParams.get('amount') ?? 1000),
            requestedAt: new Date(),
          };
          const handle = await DBOS.startWorkflow(Orders.placeOrder, { workflowID: id })(order);
          return send(res, 202, { workflowID: handle.workflowID });
        }
        if (req.method === 'POST' && resource === 'orders' && id && action === 'receipt') {
          return send(res, 200, await sendReceipt(id));
        }
        if (req.method === 'POST' && resource === 'orders' && id && action === 'review') {
          return send(res, 200, await strictFraudCheck.review(id, Number(url.searchParams.get('amount') ?? 1000)));
        }
        if (req.method === 'GET' && resource === 'orders' && id) {
          return send(res, 200, {
            status: (await DBOS.getWorkflowStatus(id))?.status ?? null,
            event: await DBOS.getEvent(id, 'status', 0),
          });
        }
        send(res, 404, { error: `No route ${req.method} ${url.pathname}` });
      } catch (e) {
        send(res, 500, { error: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
  server.listen(port, () => DBOS.logger.info(`fixture-app-v4 listening on http://localhost:${port}`));

  const stop = () => server.close(() => void DBOS.shutdown().then(() => process.exit(0)));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function send(res: import('node:http').ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
