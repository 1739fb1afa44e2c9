// The knex data source for the app database (orders table) and its DDL; constructing it only registers it.
// Runs in the fixture app's process; the connection URL is read when knex first connects, at DBOS.launch().
import { KnexDataSource } from '@dbos-inc/knex-datasource';
import type { Knex } from 'knex';
import { appDatabaseUrl } from './counter';

/** Knex config for the app database; `connection` is a provider, so importing this module needs no env. */
export const appDbConfig: Knex.Config = {
  client: 'pg',
  connection: () => ({ connectionString: appDatabaseUrl() }),
  pool: { min: 0, max: 4 },
};

/** Data source name as recorded nowhere in the system DB (4.26 records only the function name). */
export const appDb = new KnexDataSource('app-db', appDbConfig);

/** App tables, created by the recorder (main.ts expects a migrated database). */
export const ORDERS_DDL = `CREATE TABLE IF NOT EXISTS orders (
  order_id text PRIMARY KEY,
  customer text NOT NULL,
  sku text NOT NULL,
  amount_cents int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`;
