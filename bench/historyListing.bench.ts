// Benchmark of the workflow listing at 1,000,000 workflow_status rows: medians, plans, and the ratio to DBOS's debugger query.
// Runs as a script (node scripts/with-postgres.mjs --no-fixtures -- npx tsx bench/historyListing.bench.ts); prints, never asserts.
import { DBOS } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import {
  buildListQuery,
  decodeCursor,
  listWorkflows,
  readTableFacts,
  type TableFacts,
} from '../history/src/reader/listWorkflows.js';
import { errorCodeName, HistoryError } from '../history/src/errors.js';
import type { SchemaInfo, WorkflowFilter } from '../history/src/reader/readerTypes.js';
import { SEED_DAY_MS, SEED_RARE_NAME, SEED_T0, seedWorkflows } from './seedWorkflows.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const ANCHOR_RUNS = Number(process.env.BENCH_ANCHOR_RUNS ?? 7);
const DEEP_PAGE = 1000;
const LIMIT = 50;
const DB_NAME = 'dbos_replay_bench';
const SCHEMA: SchemaInfo = { schema: 'dbos', migrationVersion: 123, generation: 'v5', hasPayloadTables: true };

const log = (m: string) => process.stderr.write(m + '\n');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function adminUrl(): string {
  const u = process.env.DBOS_REPLAY_TEST_ADMIN_URL;
  if (!u)
    throw new Error(
      'DBOS_REPLAY_TEST_ADMIN_URL is not set: run through node scripts/with-postgres.mjs --no-fixtures -- npx tsx bench/historyListing.bench.ts',
    );
  return u;
}

async function createBenchDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl());
  u.pathname = '/' + DB_NAME;
  return u.toString();
}

interface PlanSummary {
  indexes: string;
  scanned: number;
  removed: number;
  buffers: number;
  execMs: number;
  sortMem: string;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the exact page query, reduced to: which index, rows read/filtered out, buffers. */
async function explain(client: pg.PoolClient, text: string, values: unknown[]): Promise<PlanSummary> {
  const r = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, values);
  const root = r.rows[0]['QUERY PLAN'][0];
  const idx: string[] = [];
  let scanned = 0;
  let removed = 0;
  let sortMem = '';
  const walk = (n: Record<string, unknown>) => {
    const type = n['Node Type'] as string;
    if (/Scan/.test(type) && type !== 'Bitmap Heap Scan') {
      const name = (n['Index Name'] as string | undefined) ?? 'seq:' + (n['Relation Name'] as string);
      const dir = n['Scan Direction'] === 'Backward' ? ' bwd' : '';
      const label =
        (type === 'Bitmap Index Scan' ? 'bitmap ' : '') +
        name.replace(/^idx_workflow_status_|^workflow_status_/, '') +
        dir;
      if (!idx.includes(label)) idx.push(label);
    }
    if (/Scan/.test(type) && type !== 'Bitmap Index Scan') {
      scanned += (n['Actual Rows'] as number) * ((n['Actual Loops'] as number) || 1);
      removed += ((n['Rows Removed by Filter'] as number) ?? 0) + ((n['Rows Removed by Index Recheck'] as number) ?? 0);
    }
    if (n['Sort Method']) sortMem ||= `${n['Sort Method']} ${n['Sort Space Used']}kB`;
    const groups = n['Full-sort Groups'] as { 'Sort Space Memory'?: { 'Peak Sort Space Used'?: number } } | undefined;
    if (groups) sortMem ||= `incremental sort ${groups['Sort Space Memory']?.['Peak Sort Space Used'] ?? '?'}kB`;
    for (const c of (n['Plans'] as Record<string, unknown>[] | undefined) ?? []) walk(c);
  };
  walk(root.Plan);
  const p = root.Plan;
  return {
    indexes: idx.join(' + '),
    scanned: scanned + removed,
    removed,
    buffers: (p['Shared Hit Blocks'] ?? 0) + (p['Shared Read Blocks'] ?? 0),
    execMs: root['Execution Time'],
    sortMem,
  };
}

interface Case {
  label: string;
  filter: WorkflowFilter;
  served: boolean;
  why?: string;
}

async function main() {
  const url = await createBenchDatabase();
  log(`bench: migrating ${DB_NAME} with DBOS.migrate (SDK 5.3.0)`);
  await DBOS.migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const seedClient = await pool.connect();
  const t0 = process.hrtime.bigint();
  await seedWorkflows(seedClient, 'dbos', { count: ROWS, stepsPerWorkflow: 5, payloads: true, log });
  const seedSeconds = ms(t0) / 1000;
  seedClient.release();
  log(`bench: seed total ${seedSeconds.toFixed(1)} s`);

  const client = await pool.connect();
  await client.query('SET max_parallel_workers_per_gather = 0'); // as listWorkflows does, so EXPLAIN shows its plan
  const facts: TableFacts = await readTableFacts(client, 'dbos');
  const someParent = (
    await client.query(`SELECT parent_workflow_id AS p, count(*) FROM dbos.workflow_status
    WHERE parent_workflow_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`)
  ).rows[0].p as string;
  const someId = (
    await client.query(
      `SELECT workflow_uuid AS id FROM dbos.workflow_status ORDER BY created_at DESC OFFSET 12345 LIMIT 1`,
    )
  ).rows[0].id as string;
  const midDay = SEED_T0 + 15 * SEED_DAY_MS;

  const noName = 'no index on name (an index on (name, created_at) would serve it)';
  const cases: Case[] = [
    { label: 'none (newest first)', filter: {}, served: true },
    { label: 'status SUCCESS', filter: { status: ['SUCCESS'] }, served: true },
    { label: 'status ERROR', filter: { status: ['ERROR'] }, served: true },
    { label: 'status CANCELLED', filter: { status: ['CANCELLED'] }, served: true },
    { label: 'status PENDING', filter: { status: ['PENDING'] }, served: true },
    { label: 'status ENQUEUED', filter: { status: ['ENQUEUED'] }, served: true },
    { label: 'status MAX_RECOVERY (rare)', filter: { status: ['MAX_RECOVERY_ATTEMPTS_EXCEEDED'] }, served: true },
    { label: 'status SUCCESS+ERROR', filter: { status: ['SUCCESS', 'ERROR'] }, served: true },
    { label: 'name processOrder (37%)', filter: { name: 'processOrder' }, served: true },
    { label: 'name migrateTenant (1.7%)', filter: { name: 'migrateTenant' }, served: true, why: noName },
    { label: `name ${SEED_RARE_NAME} (0.05%)`, filter: { name: SEED_RARE_NAME }, served: true, why: noName },
    {
      label: 'SUCCESS+ERROR, name processOrder (anchor filter)',
      filter: { status: ['SUCCESS', 'ERROR'], name: 'processOrder' },
      served: true,
    },
    {
      label: 'PENDING, name migrateTenant',
      filter: { status: ['PENDING'], name: 'migrateTenant' },
      served: false,
      why: 'pending index, name filtered on ~10k PENDING rows',
    },
    {
      label: `PENDING, name ${SEED_RARE_NAME} (rare)`,
      filter: { status: ['PENDING'], name: SEED_RARE_NAME },
      served: false,
      why: 'pending index, name filtered on all ~10k PENDING rows',
    },
    { label: 'parent', filter: { parentWorkflowId: someParent }, served: true },
    { label: 'ID prefix, 1 char', filter: { idPrefix: someId.slice(0, 1) }, served: true },
    {
      label: 'ID prefix, 2 chars',
      filter: { idPrefix: someId.slice(0, 2) },
      served: true,
      why: '~3.9k PK matches fetched and top-N sorted: the PK does not order by created_at',
    },
    { label: 'ID prefix, 4 chars', filter: { idPrefix: someId.slice(0, 4) }, served: true },
    { label: 'ID prefix, full ID', filter: { idPrefix: someId }, served: true },
    { label: 'queue email-queue', filter: { queueName: 'email-queue' }, served: false },
    {
      label: 'queue rare-queue (0.3%)',
      filter: { queueName: 'rare-queue' },
      served: false,
      why: 'in-flight index holds only ENQUEUED/PENDING',
    },
    { label: 'queue rare-queue, ENQUEUED', filter: { queueName: 'rare-queue', status: ['ENQUEUED'] }, served: true },
    { label: 'class MailService', filter: { className: 'MailService' }, served: false },
    {
      label: 'created-at range (1 day)',
      filter: { createdAfter: midDay, createdBefore: midDay + SEED_DAY_MS },
      served: true,
    },
    { label: 'app version v12 (newest)', filter: { applicationVersion: 'v12' }, served: false },
    {
      label: 'app version v1 (oldest)',
      filter: { applicationVersion: 'v1' },
      served: false,
      why: 'no index on application_version; scans 11/12 of the table first',
    },
  ];

  // The anchor: DBOS's own debugger picks workflows with this unbounded query.
  const anchorSql = `SELECT * FROM dbos.workflow_status WHERE status IN ('SUCCESS','ERROR') AND name = $1 ORDER BY created_at DESC`;
  let anchorRows = 0;
  const anchorTimes: number[] = [];
  await pool.query(anchorSql, ['processOrder']); // warm
  for (let i = 0; i < ANCHOR_RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = await pool.query(anchorSql, ['processOrder']);
    anchorTimes.push(ms(t));
    anchorRows = r.rows.length;
  }
  const anchor = median(anchorTimes);
  const anchorPlan = await explain(client, anchorSql, ['processOrder']);
  log(`bench: anchor median ${fmt(anchor)} ms over ${ANCHOR_RUNS} runs, ${anchorRows} rows`);

  const results: string[] = [];
  const plans: string[] = [];
  const misses: string[] = [];
  for (const c of cases) {
    // Reach the deep page by following cursors.
    let cursor: string | null = null;
    let pageNo = 1;
    let deepCursor: string | null = null;
    const walk0 = process.hrtime.bigint();
    for (;;) {
      const page = await listWorkflows(
        pool,
        SCHEMA,
        c.filter,
        { limit: LIMIT, cursor },
        { statementTimeoutMs: 10_000 },
      );
      if (page.nextCursor === null || pageNo === DEEP_PAGE) break;
      deepCursor = cursor = page.nextCursor;
      pageNo++;
    }
    const walkMs = ms(walk0);
    const timeIt = async (cur: string | null) => {
      const xs: number[] = [];
      let heap = 0;
      await listWorkflows(pool, SCHEMA, c.filter, { limit: LIMIT, cursor: cur }, { statementTimeoutMs: 10_000 }); // warm
      for (let i = 0; i < RUNS; i++) {
        const h0 = process.memoryUsage().heapUsed;
        const t = process.hrtime.bigint();
        await listWorkflows(pool, SCHEMA, c.filter, { limit: LIMIT, cursor: cur }, { statementTimeoutMs: 10_000 });
        xs.push(ms(t));
        heap = Math.max(heap, process.memoryUsage().heapUsed - h0);
      }
      return { median: median(xs), heapKb: heap / 1024 };
    };
    const first = await timeIt(null);
    const deep = deepCursor ? await timeIt(deepCursor) : null;
    const qFirst = buildListQuery('dbos', facts, c.filter, LIMIT, null);
    const pFirst = await explain(client, qFirst.text, qFirst.values);
    let pDeep: PlanSummary | null = null;
    if (deepCursor) {
      const qDeep = buildListQuery('dbos', facts, c.filter, LIMIT, decodeCursor(deepCursor));
      pDeep = await explain(client, qDeep.text, qDeep.values);
    }
    const countQ = buildListQuery('dbos', facts, c.filter, 2_000_000_000, null);
    const matches = Number(
      (await client.query(`SELECT count(*) AS n FROM (${countQ.text}) q`, countQ.values)).rows[0].n,
    );
    const worst = Math.max(first.median, deep?.median ?? 0);
    const target = c.served ? (worst <= 5 && anchor / worst >= 100 ? 'met' : 'MISSED') : 'n/a';
    if (target === 'MISSED') misses.push(`${c.label}: ${fmt(worst)} ms — ${c.why ?? '?'}`);
    results.push(
      `| ${c.label} | ${matches} | ${fmt(first.median)} | ${deep ? `${pageNo}: ${fmt(deep.median)}` : '– (1 page)'} | ` +
        `${(anchor / first.median).toFixed(0)}× / ${deep ? (anchor / deep.median).toFixed(0) + '×' : '–'} | ` +
        `${(anchorPlan.execMs / worst).toFixed(0)}× | ${target} | ${pFirst.indexes} |`,
    );
    plans.push(
      `| ${c.label} | ${pFirst.indexes}: ${pFirst.scanned} rows read (${pFirst.removed} filtered out), ${pFirst.buffers} buf, ` +
        `${fmt(pFirst.execMs)} ms, ${pFirst.sortMem} | ${
          pDeep
            ? `${pDeep.indexes}: ${pDeep.scanned} rows read (${pDeep.removed} filtered out), ` +
              `${pDeep.buffers} buf, ${fmt(pDeep.execMs)} ms, ${pDeep.sortMem}`
            : '–'
        } | ${fmt(first.heapKb)} / ${deep ? fmt(deep.heapKb) : '–'} | ${(walkMs / 1000).toFixed(1)} s |`,
    );
    log(`bench: ${c.label}: first ${fmt(first.median)} ms, page ${pageNo} ${deep ? fmt(deep.median) : '-'} ms`);
  }

  // What keyset pagination avoids: the same deep page by OFFSET.
  const offsetTimes: number[] = [];
  const offSql = `SELECT workflow_uuid, created_at FROM dbos.workflow_status ORDER BY created_at DESC, workflow_uuid DESC OFFSET ${(DEEP_PAGE - 1) * LIMIT} LIMIT ${LIMIT + 1}`;
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    await pool.query(offSql);
    offsetTimes.push(ms(t));
  }
  const offPlan = await explain(client, offSql, []);

  // The statement timeout bounds what no index serves.
  const bounded: string[] = [];
  for (const [filter, timeoutMs] of [
    ...cases.filter((c) => !c.served || c.why).map((c): [WorkflowFilter, number] => [c.filter, 5]),
    [{ className: 'NoSuchClass' }, 5],
    [{ className: 'NoSuchClass' }, 2000],
    [{ applicationVersion: 'v1' }, 2000],
  ] as Array<[WorkflowFilter, number]>) {
    const t = process.hrtime.bigint();
    try {
      const page = await listWorkflows(pool, SCHEMA, filter, { limit: LIMIT }, { statementTimeoutMs: timeoutMs });
      bounded.push(
        `- timeout ${timeoutMs} ms, ${JSON.stringify(filter)}: finished in ${fmt(ms(t))} ms (${page.workflows.length} rows)`,
      );
    } catch (e) {
      if (!(e instanceof HistoryError)) throw e;
      bounded.push(
        `- timeout ${timeoutMs} ms, ${JSON.stringify(filter)}: ${errorCodeName(e.code)} after ${fmt(ms(t))} ms: "${e.message}"`,
      );
    }
  }
  client.release();
  await pool.end();

  const out = [
    `# History listing benchmark: ${ROWS.toLocaleString('en-US')} workflow_status rows`,
    '',
    `Postgres ${await versionOf(url)}; page size ${LIMIT}; medians of ${RUNS} warm runs of listWorkflows() (client-side wall time:`,
    `BEGIN READ ONLY + SET LOCAL, the page query, COMMIT). Deep page = page ${DEEP_PAGE} reached by following cursors, or the last page.`,
    `Seed: ${seedSeconds.toFixed(1)} s (workflow_status, operation_outputs 1..5 per workflow, workflow_input, workflow_output, ANALYZE).`,
    '',
    `Anchor (DBOS debugger: ${anchorSql.replace('$1', "'processOrder'")}): median ${fmt(anchor)} ms over ${ANCHOR_RUNS} runs,`,
    `${anchorRows} rows; server execution ${fmt(anchorPlan.execMs)} ms, ${anchorPlan.indexes}, ${anchorPlan.sortMem}.`,
    '',
    '| filter | matches | first page ms | deep page: ms | anchor / ours (first / deep) | anchor server exec / ours (worst page) | target ≤5 ms & ≥100× | index (first page) |',
    '|---|---|---|---|---|---|---|---|',
    ...results,
    '',
    '## Plans (EXPLAIN ANALYZE, BUFFERS) and client heap, first vs deep page',
    '',
    '| filter | first page plan | deep page plan | JS heap growth kB (first / deep) | time to walk to the deep page |',
    '|---|---|---|---|---|',
    ...plans,
    '',
    `Same deep page by OFFSET ${(DEEP_PAGE - 1) * LIMIT} instead of a cursor: median ${fmt(median(offsetTimes))} ms ` +
      `(${offPlan.indexes}, ${offPlan.scanned} rows read, ${offPlan.buffers} buf) — the cost keyset pagination avoids.`,
    '',
    '## Statement timeout on filters no index serves',
    ...bounded,
    '',
    '## Targets missed',
    ...(misses.length ? misses.map((m) => '- ' + m) : ['- none']),
  ];
  process.stdout.write(out.join('\n') + '\n');
}

async function versionOf(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('SHOW server_version')).rows[0].server_version;
  } finally {
    await c.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
