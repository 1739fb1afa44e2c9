// Ledger bookings: transactions through the 'shop-db' data source (one succeeds, one violates a CHECK and fails).
// Runs in the fixture app's process (registered at import).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { PgDataSource } from '../datasource/PgDataSource';
import { countStepRun } from './counter';
import { shopDb } from './shopDb';

export interface LedgerEntry {
  entryId: number;
  orderId: string;
  amountCents: number;
  bookedAt: Date;
}

/** registerTransaction: recorded as 'bookRefund'; the CHECK (amount_cents > 0) makes a zero refund fail. */
const bookRefund = shopDb.registerTransaction(
  async function bookRefund(orderId: string, amountCents: number): Promise<number> {
    await countStepRun('Ledger.bookRefund');
    const r = await PgDataSource.client.query<{ id: number }>(
      'INSERT INTO ledger_entries(order_id, amount_cents, kind) VALUES ($1, $2, $3) RETURNING id',
      [orderId, amountCents, 'refund'],
    );
    return r.rows[0].id;
  },
  { name: 'bookRefund' },
);

export class Ledger {
  @DBOS.workflow()
  static async settleOrder(orderId: string, amountCents: number): Promise<{ sale: LedgerEntry; refundError: string }> {
    const sale = await shopDb.runTransaction(
      async () => {
        await countStepRun('Ledger.bookSale');
        const r = await PgDataSource.client.query<{ id: number; booked_at: Date }>(
          `INSERT INTO ledger_entries(order_id, amount_cents, kind, booked_at)
           VALUES ($1, $2, 'sale', '2026-01-05T12:00:00Z') RETURNING id, booked_at`,
          [orderId, amountCents],
        );
        return { entryId: r.rows[0].id, orderId, amountCents, bookedAt: r.rows[0].booked_at };
      },
      { name: 'bookSale' },
    );
    let refundError = '';
    try {
      await bookRefund(orderId, 0);
    } catch (e) {
      refundError = (e as Error).message;
    }
    return { sale, refundError };
  }
}
