// Test helpers to reach the Postgres the harness started and the fixture recordings on it.
// Runs in the test process (node --test), never in the product.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) {
    throw new Error(
      `${name} is not set: run tests through \`npm test\`, which starts Postgres and records the fixtures.`,
    );
  }
  return v;
}

/** URL of a maintenance database on the test server, with CREATE DATABASE rights. */
export function adminUrl(): string {
  return requireEnv('DBOS_REPLAY_TEST_ADMIN_URL');
}

/** The system (or app) database URL of a recorded fixture app, e.g. fixtureUrl('v5', 'sys'). */
export function fixtureUrl(app: 'v5' | 'v4' | 'esm', db: 'sys' | 'app' = 'sys'): string {
  return requireEnv(`DBOS_REPLAY_FX_${app.toUpperCase()}_${db.toUpperCase()}_URL`);
}

/** Replaces the database name in a server URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/** A database of its own for one test, empty or copied from a template; drop() removes it. */
export async function scratchDatabase(
  template?: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE "${template.replace(/"/g, '""')}"` : ''}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(adminUrl(), name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * The step-body counters of a recorded fixture app (`fixture_step_runs` in its app database): a replay that ran a
 * step or transaction body would change them.
 */
export async function fixtureStepRuns(app: 'v5' | 'v4'): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: fixtureUrl(app, 'app') });
  await c.connect();
  try {
    const { rows } = await c.query<{ step: string; runs: number }>(
      'SELECT step, runs FROM fixture_step_runs ORDER BY step',
    );
    return Object.fromEntries(rows.map((r) => [r.step, Number(r.runs)]));
  } finally {
    await c.end();
  }
}

/** Drops (if present) and creates a database of a fixed name on the test server; returns its URL. */
export async function recreateDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    const ident = '"' + name.replace(/"/g, '""') + '"';
    await admin.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${ident}`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl(), name);
}
