// Step-body run counter: every step and transaction body calls countStepRun, which bumps a row in the app database.
// Runs in the fixture app's process; a replay that (wrongly) ran a step body would change fixture_step_runs.
import pg from 'pg';

/** The one environment variable naming the app database (counters, ledger tables, the shop-db data source). */
export const APP_DATABASE_URL_ENV = 'DBOS_REPLAY_FIXTURE_APP_URL';

/** Table of step-body runs: one row per counter key, `runs` = how many times that body has executed. */
export const STEP_RUNS_TABLE = 'fixture_step_runs';

let pool: pg.Pool | undefined;

/** The app database URL, or a loud error: a step body must never run silently without its counter. */
export function appDatabaseUrl(): string {
  const url = process.env[APP_DATABASE_URL_ENV];
  if (!url) {
    throw new Error(
      `${APP_DATABASE_URL_ENV} is not set, so this step body cannot record that it ran. ` +
        `A step body executed where none should (a replay must answer steps from the recording), or set ${APP_DATABASE_URL_ENV} to the app database URL.`,
    );
  }
  return url;
}

/** Records one execution of the step (or transaction) body named `step`. Called first thing in every body. */
export async function countStepRun(step: string): Promise<void> {
  pool ??= new pg.Pool({ connectionString: appDatabaseUrl(), max: 4 });
  await pool.query(
    `INSERT INTO ${STEP_RUNS_TABLE}(step, runs) VALUES ($1, 1)
     ON CONFLICT (step) DO UPDATE SET runs = ${STEP_RUNS_TABLE}.runs + 1`,
    [step],
  );
}

/** Closes the counter's pool (recorder shutdown). */
export async function closeStepCounter(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.end();
}
