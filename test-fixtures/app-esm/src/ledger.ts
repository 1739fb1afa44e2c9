// The ESM fixture's ledger: transactions through the 'esm-ledger' data source, whose module imports
// `@dbos-inc/dbos-sdk/datasource` as an ES module. Runs in the fixture app's process; registration at import only.
import { DBOS } from '@dbos-inc/dbos-sdk';
import { PgDataSource } from './datasource/PgDataSource.js';
import { bodyRuns } from './workflows.js';

/** The environment variable naming the app database; read when DBOS.launch() initializes the data source. */
export const APP_DATABASE_URL_ENV = 'DBOS_REPLAY_FIXTURE_APP_URL';

/** The app table the transactions write and read; the recorder creates it. */
export const LEDGER_TABLE = 'esm_ledger';

function appDatabaseUrl(): string {
  const url = process.env[APP_DATABASE_URL_ENV];
  if (!url) throw new Error(`${APP_DATABASE_URL_ENV} is not set: the 'esm-ledger' data source needs the app database URL at DBOS.launch()`);
  return url;
}

export const ledgerDb = new PgDataSource('esm-ledger', appDatabaseUrl);

export interface Sale {
  entryId: number;
  orderId: string;
  amountCents: number;
  bookedAt: Date;
}

/** registerTransaction: recorded as 'countSales'. */
const countSales = ledgerDb.registerTransaction(
  async function countSales(orderId: string): Promise<number> {
    bodyRuns('countSales');
    const r = await PgDataSource.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${LEDGER_TABLE} WHERE order_id = $1`, [orderId]);
    return r.rows[0].n;
  },
  { name: 'countSales' },
);

export class EsmLedger {
  /** runTransaction 'bookSale' inserts one ledger row (returns a Date), then countSales reads it back. */
  @DBOS.workflow()
  static async bookSale(orderId: string, amountCents: number): Promise<{ sale: Sale; salesForOrder: number }> {
    const sale = await ledgerDb.runTransaction(
      async () => {
        bodyRuns('bookSale');
        const r = await PgDataSource.client.query<{ id: number; booked_at: Date }>(
          `INSERT INTO ${LEDGER_TABLE}(order_id, amount_cents, booked_at) VALUES ($1, $2, '2026-02-01T10:00:00Z') RETURNING id, booked_at`,
          [orderId, amountCents],
        );
        return { entryId: r.rows[0].id, orderId, amountCents, bookedAt: r.rows[0].booked_at };
      },
      { name: 'bookSale' },
    );
    return { sale, salesForOrder: await countSales(orderId) };
  }
}
