// Gives tests a DBOS system database recorded by the real SDK from sampleApp.ts, made once per test server.
// Runs in the test process (node --test), never in the product.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { adminUrl, scratchDatabase, withDatabase } from '../../../test-support/testDatabase.js';

export { TRICKY_IDS } from './sampleIds.js';

const APP = path.join(__dirname, 'sampleApp.ts');

function runApp(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', APP], {
      env: { ...process.env, SAMPLE_SYSTEM_DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`sampleApp exited ${code}:\n${out.slice(-3000)}`)),
    );
  });
}

let cached: Promise<string> | undefined;

/**
 * URL of the sample recording (read-only by convention: tests that modify rows copy it with
 * `scratchCopyOfSample()`). Recorded again only when sampleApp.ts changes.
 */
export function sampleRecordingUrl(): Promise<string> {
  cached ??= (async () => {
    const marker = 'dbos-replay sample ' + createHash('sha256').update(readFileSync(APP)).digest('hex');
    const name = 'dbos_replay_sample_' + marker.slice(-12);
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      // Test files may run in parallel: one of them records, the others wait on the lock.
      await admin.query('SELECT pg_advisory_lock(7311001)');
      const r = await admin.query<{ c: string | null }>(
        `SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = $1`,
        [name],
      );
      if (r.rows[0]?.c !== marker) {
        // Recorded into <name>_tpl, which nobody else connects to, so copies can be made while tests read <name>.
        for (const db of [name, `${name}_tpl`]) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${name}_tpl`);
        await runApp(withDatabase(adminUrl(), `${name}_tpl`));
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${name}_tpl`);
        await admin.query(`COMMENT ON DATABASE ${name} IS ${pg.escapeLiteral(marker)}`);
      }
      return withDatabase(adminUrl(), name);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(7311001)').catch(() => {});
      await admin.end();
    }
  })();
  return cached;
}

/** A scratch copy of the sample recording that a test may change; drop() removes it. */
export async function scratchCopyOfSample(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const url = await sampleRecordingUrl();
  return scratchDatabase(new URL(url).pathname.slice(1) + '_tpl');
}

/** Runs SQL as the admin user against a database (for deliberately corrupting a scratch copy). */
export async function adminQuery(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}
