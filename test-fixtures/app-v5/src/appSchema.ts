// The shop's own tables in the app database: the step-run counters and the ledger written by the data source.
// Runs in the recorder's (or main's) process before launch; workflow code never creates tables.
import pg from 'pg';
import { STEP_RUNS_TABLE } from './workflows/counter';

export async function ensureAppSchema(appDatabaseUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: appDatabaseUrl });
  await c.connect();
  try {
    await c.query(`CREATE TABLE IF NOT EXISTS ${STEP_RUNS_TABLE} (step TEXT PRIMARY KEY, runs INTEGER NOT NULL)`);
    await c.query(`CREATE TABLE IF NOT EXISTS ledger_entries (
      id SERIAL PRIMARY KEY,
      order_id TEXT NOT NULL,
      amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
      kind TEXT NOT NULL,
      booked_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
  } finally {
    await c.end();
  }
}
