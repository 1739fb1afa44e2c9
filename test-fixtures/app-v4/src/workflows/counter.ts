// Counts how often each step or transaction *body* really runs, in fixture_step_runs of the app database.
// Runs in the fixture app's process (recorder or main); a replay that answers steps from history must leave the counts alone.
import { Pool } from 'pg';

/** Env var naming the app database that holds fixture_step_runs (the harness sets it for `npm run record`). */
export const APP_DATABASE_URL_ENV = 'FIXTURE_APP_DATABASE_URL';

/** Table of body-run counts: one row per step/transaction name. The recorder creates it. */
export const STEP_RUNS_DDL =
  'CREATE TABLE IF NOT EXISTS fixture_step_runs (step text PRIMARY KEY, runs int NOT NULL DEFAULT 0)';

export function appDatabaseUrl(): string {
  const url = process.env[APP_DATABASE_URL_ENV];
  if (!url) {
    throw new Error(
      `${APP_DATABASE_URL_ENV} is not set: the v4 fixture needs the app database URL (knex data source and fixture_step_runs). ` +
        `Set it, e.g. ${APP_DATABASE_URL_ENV}=postgresql://postgres:dbos@localhost:5432/fixture_app_v4`,
    );
  }
  return url;
}

let pool: Pool | undefined;

/**
 * Adds one to the run count of `step`. Uses its own autocommit connection, not the caller's transaction,
 * so a knex transaction that throws (and rolls back) still leaves proof that its body ran.
 */
export async function countStepRun(step: string): Promise<void> {
  pool ??= new Pool({ connectionString: appDatabaseUrl(), max: 2 });
  await pool.query(
    'INSERT INTO fixture_step_runs (step, runs) VALUES ($1, 1) ON CONFLICT (step) DO UPDATE SET runs = fixture_step_runs.runs + 1',
    [step],
  );
}

/** Closes the counter's pool, if one was opened, so the process can exit. */
export async function closeStepCounter(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.end();
}
