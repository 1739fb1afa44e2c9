// The fixture shop's entry point: configure DBOS, launch, then serve a tiny HTTP API for checkouts and webhooks.
// Runs as the app's main process (`npm start`); the replay runtime runs it with DBOS.launch() replaced.
import http from 'node:http';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { APP_DATABASE_URL_ENV, PAYMENT_TOPIC, Shop, type Order, type PaymentWebhook } from './workflows';
import { ensureAppSchema } from './appSchema';
import { registerShopQueues } from './queues';

async function main(): Promise<void> {
  DBOS.setConfig({
    name: 'fixture-shop',
    systemDatabaseUrl: process.env.DBOS_SYSTEM_DATABASE_URL,
    enablePatching: true,
    logLevel: process.env.LOG_LEVEL ?? 'info',
  });
  await DBOS.launch();

  // Nothing below runs in a replay.
  const appUrl = process.env[APP_DATABASE_URL_ENV];
  if (appUrl) await ensureAppSchema(appUrl);
  await registerShopQueues();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      void route(req.method ?? 'GET', req.url ?? '/', body).then(
        ([code, out]) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(out)),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
  });
  const port = Number(process.env.PORT ?? 3000);
  server.listen(port, '127.0.0.1', () => DBOS.logger.info(`fixture-shop listening on http://127.0.0.1:${port}`));
}

async function route(method: string, url: string, body: string): Promise<[number, unknown]> {
  if (method === 'POST' && url === '/checkout') {
    const order = JSON.parse(body) as Order;
    const h = await DBOS.startWorkflow(Shop.checkout, { workflowID: `checkout-${order.orderId}` })(order, 300);
    return [202, { workflowID: h.workflowID }];
  }
  const hook = /^\/webhooks\/payment\/([^/]+)$/.exec(url);
  if (method === 'POST' && hook) {
    await DBOS.send(decodeURIComponent(hook[1]), JSON.parse(body) as PaymentWebhook, PAYMENT_TOPIC);
    return [200, { ok: true }];
  }
  const status = /^\/orders\/([^/]+)\/status$/.exec(url);
  if (method === 'GET' && status) {
    return [200, { status: await DBOS.getEvent(decodeURIComponent(status[1]), 'status', 0) }];
  }
  return [404, { error: `no route ${method} ${url}` }];
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
