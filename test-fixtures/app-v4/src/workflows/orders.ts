// The order workflow: knex transactions, a payment step, events, sleep, DBOS.now/randomUUID, a child workflow.
// Runs in the fixture app's process; importing it only registers functions with DBOS.
import { DBOS } from '@dbos-inc/dbos-sdk';
import { KnexDataSource } from '@dbos-inc/knex-datasource';
import { appDb } from './appDb';
import { countStepRun } from './counter';
import { OrderRejectedError, OutOfStockError } from './errors';

export interface OrderRequest {
  orderId: string;
  customer: string;
  sku: string;
  amountCents: number;
  requestedAt: Date;
}

export interface OrderRow {
  order_id: string;
  customer: string;
  sku: string;
  amount_cents: number;
  created_at: Date;
}

export interface Payment {
  paymentId: string;
  amountCents: number;
  chargedAt: Date;
}

/** Values superjson must tag: every awkward type the replay runtime has to revive. */
export interface AwkwardValues {
  when: Date;
  big: bigint;
  map: Map<string | number, string | number>;
  set: Set<string | number>;
  buf: Buffer;
  nothing: undefined;
}

export interface OrderResult {
  order: OrderRow;
  payment: Payment;
  label: string;
  trackingId: string;
  checkedAt: number;
  awkward: AwkwardValues;
  stock: string;
}

export class Orders {
  /** Inserts the order row and returns it as Postgres stored it (created_at is a Date). */
  @appDb.transaction()
  static async insertOrder(req: OrderRequest): Promise<OrderRow> {
    await countStepRun('insertOrder');
    const [row] = await KnexDataSource.client<OrderRow>('orders')
      .insert({ order_id: req.orderId, customer: req.customer, sku: req.sku, amount_cents: req.amountCents })
      .returning(['order_id', 'customer', 'sku', 'amount_cents', 'created_at']);
    if (req.amountCents <= 0) throw new OrderRejectedError(req.orderId, req.amountCents);
    return row;
  }

  /** Marks stock as reserved; for sku 'sold-out' it throws after the UPDATE, so the update rolls back. */
  @appDb.transaction()
  static async reserveStock(orderId: string, sku: string): Promise<string> {
    await countStepRun('reserveStock');
    await KnexDataSource.client('orders').where({ order_id: orderId }).update({ sku: `reserved:${sku}` });
    if (sku === 'sold-out') throw new OutOfStockError(sku);
    return `reserved:${sku}`;
  }

  /** A fake payment provider call. */
  @DBOS.step()
  static async chargePayment(orderId: string, amountCents: number): Promise<Payment> {
    await countStepRun('chargePayment');
    return { paymentId: `pay-${orderId}`, amountCents, chargedAt: new Date() };
  }

  @DBOS.step()
  static async awkwardValues(): Promise<AwkwardValues> {
    await countStepRun('awkwardValues');
    return {
      when: new Date('2024-01-02T03:04:05.678Z'),
      big: 12345678901234567890n,
      map: new Map<string | number, string | number>([
        ['k', 1],
        [2, 'two'],
      ]),
      set: new Set<string | number>([1, 'a']),
      buf: Buffer.from([1, 2, 255]),
      nothing: undefined,
    };
  }

  @DBOS.step()
  static async printLabel(orderId: string): Promise<string> {
    await countStepRun('printLabel');
    return `LABEL-${orderId}`;
  }

  /** Child workflow: prints the shipping label. */
  @DBOS.workflow()
  static async shipOrder(orderId: string): Promise<string> {
    return await Orders.printLabel(orderId);
  }

  /**
   * The order workflow. Function IDs: 0 insertOrder, 1 chargePayment, 2 setEvent, 3 sleep, 4 now, 5 randomUUID,
   * 6 shipOrder (child start), 7 DBOS.getResult, 8 awkwardValues, 9 reserveStock (throws; caught only when
   * sku is 'sold-out'), 10 setEvent. A non-positive amount makes insertOrder throw: the workflow ends in ERROR at 0.
   */
  @DBOS.workflow()
  static async placeOrder(req: OrderRequest): Promise<OrderResult> {
    const order = await Orders.insertOrder(req);
    const payment = await Orders.chargePayment(req.orderId, req.amountCents);
    await DBOS.setEvent('status', 'paid');
    await DBOS.sleep(20);
    const checkedAt = await DBOS.now();
    const trackingId = await DBOS.randomUUID();
    const label = await Orders.shipOrder(req.orderId);
    const awkward = await Orders.awkwardValues();
    let stock: string;
    try {
      stock = await Orders.reserveStock(req.orderId, req.sku);
    } catch (e) {
      stock = `backordered: ${(e as Error).message}`;
    }
    await DBOS.setEvent('status', 'completed');
    return { order, payment, label, trackingId, checkedAt, awkward, stock };
  }
}
