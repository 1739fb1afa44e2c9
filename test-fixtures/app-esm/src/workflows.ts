// The ESM fixture's workflows: a checkout (decorators, class steps, events, messages) and a quote
// (registerWorkflow, registerStep, runStep). Runs in the fixture app's process; registration at import only.
import { DBOS } from '@dbos-inc/dbos-sdk';

export interface Order {
  orderId: string;
  sku: string;
  qty: number;
  amountCents: number;
}

export const PAYMENT_TOPIC = 'payment';

/** Step bodies run only while the recorder runs them: a replay that runs one fails loudly. */
export function bodyRuns(step: string): void {
  if (process.env.ESM_FIXTURE_RECORDING !== '1') throw new Error(`step body ${step} ran outside the recorder`);
}

export class Stock {
  @DBOS.step()
  static async reserve(order: Order): Promise<{ reservationId: string; reservedAt: Date }> {
    bodyRuns('Stock.reserve');
    return { reservationId: `res-${order.orderId}`, reservedAt: new Date('2026-02-01T09:00:00.000Z') };
  }

  @DBOS.step()
  static async release(reservationId: string): Promise<string> {
    bodyRuns('Stock.release');
    return reservationId;
  }
}

export class Billing {
  @DBOS.step({ retriesAllowed: true, maxAttempts: 2, intervalSeconds: 0.01 })
  static async charge(order: Order): Promise<{ paymentId: string; amountCents: bigint }> {
    bodyRuns('Billing.charge');
    return { paymentId: `pay-${order.orderId}`, amountCents: BigInt(order.amountCents) };
  }
}

export class EsmShop {
  @DBOS.workflow()
  static async checkout(order: Order): Promise<{ status: string; orderId: string; paymentId?: string }> {
    const reservation = await Stock.reserve(order);
    const payment = await Billing.charge(order);
    await DBOS.setEvent('status', 'awaiting_payment');
    const outcome = await DBOS.recv<string>(PAYMENT_TOPIC, 5);
    if (outcome === 'paid') {
      await DBOS.setEvent('status', 'paid');
      return { status: 'paid', orderId: order.orderId, paymentId: payment.paymentId };
    }
    await Stock.release(reservation.reservationId);
    await DBOS.setEvent('status', 'declined');
    return { status: 'declined', orderId: order.orderId };
  }
}

const priceOf = DBOS.registerStep(async function priceOf(sku: string): Promise<number> {
  bodyRuns('priceOf');
  return sku.length * 100;
});

export const quoteWorkflow = DBOS.registerWorkflow(async function quote(skus: string[]): Promise<{ total: number; quotedAt: number; id: string }> {
  let total = 0;
  for (const sku of skus) total += await priceOf(sku);
  const rounded = await DBOS.runStep(async () => { bodyRuns('round'); return Math.round(total / 100) * 100; }, { name: 'round' });
  const quotedAt = await DBOS.now();
  return { total: rounded, quotedAt, id: DBOS.workflowID ?? '' };
}, { name: 'quote' });
