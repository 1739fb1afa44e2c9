// Checkout workflow of the fixture shop: reserve stock, charge, wait for the payment webhook, then fulfil or compensate.
// Runs in the fixture app's process (registered at import; nothing runs until a caller starts a workflow).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';

export interface Order {
  orderId: string;
  sku: string;
  qty: number;
  amountCents: number;
  customer: string;
}

export interface Reservation {
  reservationId: string;
  sku: string;
  qty: number;
  reservedAt: Date;
}

export interface Charge {
  paymentId: string;
  state: 'pending';
}

/** The payment provider's webhook, delivered to the workflow with DBOS.send(workflowID, hook, PAYMENT_TOPIC). */
export interface PaymentWebhook {
  paymentId: string;
  outcome: 'paid' | 'declined';
  reason?: string;
}

export type CheckoutResult =
  | { status: 'fulfilled'; orderId: string; trackingNumber: string; paymentId: string }
  | { status: 'declined' | 'payment_timeout'; orderId: string; released: string };

export const PAYMENT_TOPIC = 'payment';
export const STATUS_EVENT = 'status';

/** Env var with the payment provider's base URL (the recorder starts a fake one on 127.0.0.1). */
export const PAYMENT_PROVIDER_URL_ENV = 'FIXTURE_PAYMENT_PROVIDER_URL';

export class Inventory {
  @DBOS.step()
  static async reserve(order: Order): Promise<Reservation> {
    await countStepRun('Inventory.reserve');
    return { reservationId: `res-${order.orderId}`, sku: order.sku, qty: order.qty, reservedAt: new Date('2026-01-05T10:00:00.000Z') };
  }

  @DBOS.step()
  static async release(reservation: Reservation): Promise<string> {
    await countStepRun('Inventory.release');
    return reservation.reservationId;
  }
}

export class Payments {
  /** Calls the external payment provider over HTTP; the real outcome arrives later by webhook. */
  @DBOS.step({ retriesAllowed: true, maxAttempts: 3, intervalSeconds: 0.05 })
  static async charge(order: Order): Promise<Charge> {
    await countStepRun('Payments.charge');
    const base = process.env[PAYMENT_PROVIDER_URL_ENV];
    if (!base) throw new Error(`${PAYMENT_PROVIDER_URL_ENV} is not set: no payment provider to charge ${order.orderId}`);
    const res = await fetch(`${base}/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: order.orderId, amountCents: order.amountCents, customer: order.customer }),
    });
    if (!res.ok) throw new Error(`payment provider answered ${res.status} for ${order.orderId}`);
    return (await res.json()) as Charge;
  }
}

export class Fulfilment {
  @DBOS.step()
  static async ship(order: Order, reservation: Reservation): Promise<string> {
    await countStepRun('Fulfilment.ship');
    return `TRK-${order.orderId}-${reservation.qty}`;
  }
}

export class Shop {
  @DBOS.workflow()
  static async checkout(order: Order, webhookTimeoutSeconds: number): Promise<CheckoutResult> {
    const reservation = await Inventory.reserve(order);
    const charge = await Payments.charge(order);
    await DBOS.setEvent(STATUS_EVENT, 'awaiting_payment');
    const hook = await DBOS.recv<PaymentWebhook>(PAYMENT_TOPIC, webhookTimeoutSeconds);
    if (hook?.outcome === 'paid' && hook.paymentId === charge.paymentId) {
      const trackingNumber = await Fulfilment.ship(order, reservation);
      await DBOS.setEvent(STATUS_EVENT, 'fulfilled');
      return { status: 'fulfilled', orderId: order.orderId, trackingNumber, paymentId: charge.paymentId };
    }
    // Compensation: give the stock back.
    const released = await Inventory.release(reservation);
    const status = hook ? 'declined' : 'payment_timeout';
    await DBOS.setEvent(STATUS_EVENT, status);
    return { status, orderId: order.orderId, released };
  }
}
