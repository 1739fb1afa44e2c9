// A fake payment provider: a tiny HTTP server on 127.0.0.1 that accepts charges and answers "pending".
// Runs in the recorder's (or main's) process, never inside workflow code.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePaymentProvider {
  url: string;
  close(): Promise<void>;
}

/** Starts the provider on an ephemeral port. POST /charges {orderId} answers {paymentId: 'pay_<orderId>', state: 'pending'}. */
export async function startFakePaymentProvider(): Promise<FakePaymentProvider> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/charges') {
        res.writeHead(404).end();
        return;
      }
      const { orderId } = JSON.parse(body) as { orderId: string };
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ paymentId: `pay_${orderId}`, state: 'pending' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
