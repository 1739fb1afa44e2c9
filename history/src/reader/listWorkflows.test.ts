// Tests of the workflow listing against real Postgres, on scratch databases migrated by the real SDK (DBOS.migrate).
// Runs in the test process (node --test through npm test).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DBOS } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { seedWorkflows } from '../../../bench/seedWorkflows.js';
import { scratchDatabase } from '../../../test-support/testDatabase.js';
import { buildListQuery, decodeCursor, encodeCursor, listWorkflows, readTableFacts } from './listWorkflows.js';
import { ErrorCode, HistoryError, type ErrorCodeValue } from '../errors.js';
import type { SchemaInfo, WorkflowFilter, WorkflowSummary } from './readerTypes.js';

const SCHEMA: SchemaInfo = { schema: 'dbos', migrationVersion: 123, generation: 'v5', hasPayloadTables: true };
const INJECTION = `'; DROP TABLE dbos.workflow_status; --`;

interface Row {
  workflow_uuid: string;
  status: string;
  name: string;
  class_name: string | null;
  queue_name: string | null;
  parent_workflow_id: string | null;
  application_version: string;
  created_at: number;
}

/** ~330 rows: created_at in groups of 3 (ties), and IDs full of LIKE metacharacters and quotes. */
function makeRows(): Row[] {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const special = ['a%b-1', 'a%b-2', 'a_b-1', 'axb-1', 'a\\b-1', 'aXb-2', `o'brien-1`, `o'brien-2`, 'a%-x', 'a\\%b'];
  const ids = [...Array.from({ length: 320 }, (_, i) => `wf-${String(i).padStart(4, '0')}`), ...special];
  const rows: Row[] = [];
  ids.forEach((id, i) => {
    rows.push({
      workflow_uuid: id,
      status: pick([
        'SUCCESS',
        'SUCCESS',
        'SUCCESS',
        'ERROR',
        'PENDING',
        'ENQUEUED',
        'CANCELLED',
        'MAX_RECOVERY_ATTEMPTS_EXCEEDED',
      ]),
      name: pick(['alpha', 'alpha', 'beta', 'gamma', INJECTION]),
      class_name: pick(['Svc', null, `O'Class`]),
      queue_name: pick([null, null, 'q1', 'q2']),
      parent_workflow_id: i % 5 === 4 ? ids[i - 1 - (i % 3)] : null,
      application_version: pick(['v1', 'v2']),
      created_at: 1_700_000_000_000 + Math.floor(((i * 7919) % 337) / 3) * 1000,
    });
  });
  return rows;
}

const byNewest = (a: { created_at: number; workflow_uuid: string }, b: { created_at: number; workflow_uuid: string }) =>
  b.created_at - a.created_at || (a.workflow_uuid < b.workflow_uuid ? 1 : a.workflow_uuid > b.workflow_uuid ? -1 : 0);

function reference(rows: Row[], f: WorkflowFilter): string[] {
  return rows
    .filter(
      (r) =>
        (!f.status || f.status.includes(r.status)) &&
        (f.name === undefined || r.name === f.name) &&
        (f.className === undefined || r.class_name === f.className) &&
        (f.queueName === undefined || r.queue_name === f.queueName) &&
        (f.idPrefix === undefined || r.workflow_uuid.startsWith(f.idPrefix)) &&
        (f.parentWorkflowId === undefined || r.parent_workflow_id === f.parentWorkflowId) &&
        (f.createdAfter === undefined || r.created_at >= f.createdAfter) &&
        (f.createdBefore === undefined || r.created_at < f.createdBefore) &&
        (f.applicationVersion === undefined || r.application_version === f.applicationVersion),
    )
    .sort(byNewest)
    .map((r) => r.workflow_uuid);
}

async function listAll(pool: pg.Pool, filter: WorkflowFilter, limit: number): Promise<WorkflowSummary[]> {
  const out: WorkflowSummary[] = [];
  let cursor: string | null = null;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 1000, 'paging does not end');
    const page = await listWorkflows(pool, SCHEMA, filter, { limit, cursor });
    assert.ok(page.workflows.length <= limit);
    if (page.nextCursor !== null) assert.equal(page.workflows.length, limit, 'a page before the last is full');
    out.push(...page.workflows);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
}

async function rejectsWith(p: Promise<unknown>, code: ErrorCodeValue, pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof HistoryError, `expected HistoryError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('listWorkflows on a few hundred rows', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let pool: pg.Pool;
  const rows = makeRows();

  before(async () => {
    db = await scratchDatabase();
    await DBOS.migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    await pool.query(
      `INSERT INTO dbos.workflow_status (workflow_uuid, status, name, class_name, queue_name, parent_workflow_id,
         application_version, created_at, updated_at)
       SELECT u, s, n, c, q, p, v, t, t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::text[], $8::bigint[]) AS x(u, s, n, c, q, p, v, t)`,
      [
        rows.map((r) => r.workflow_uuid),
        rows.map((r) => r.status),
        rows.map((r) => r.name),
        rows.map((r) => r.class_name),
        rows.map((r) => r.queue_name),
        rows.map((r) => r.parent_workflow_id),
        rows.map((r) => r.application_version),
        rows.map((r) => r.created_at),
      ],
    );
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  test('newest first by (created_at, workflow_uuid), ties broken by ID, summary fields filled', async () => {
    const page = await listWorkflows(pool, SCHEMA, {}, { limit: 1000 });
    assert.deepEqual(
      page.workflows.map((w) => w.workflowId),
      reference(rows, {}),
    );
    assert.equal(page.nextCursor, null);
    const tie = page.workflows.findIndex((w, i) => i > 0 && page.workflows[i - 1].createdAt === w.createdAt);
    assert.ok(tie > 0, 'the seed has created_at ties');
    const w = page.workflows[0];
    const r = rows.find((x) => x.workflow_uuid === w.workflowId)!;
    assert.deepEqual(
      [w.name, w.status, w.className, w.queueName, w.parentWorkflowId, w.applicationVersion, w.createdAt],
      [r.name, r.status, r.class_name, r.queue_name, r.parent_workflow_id, r.application_version, r.created_at],
    );
  });

  test('paging through all rows with the cursor returns each exactly once, for several page sizes', async () => {
    for (const limit of [1, 7, 50, 329, 330]) {
      const ids = (await listAll(pool, {}, limit)).map((w) => w.workflowId);
      assert.equal(new Set(ids).size, ids.length, `duplicates with limit ${limit}`);
      assert.deepEqual(ids, reference(rows, {}), `limit ${limit}`);
    }
  });

  const parent = rows.find((r) => r.parent_workflow_id)!.parent_workflow_id!;
  const mid = 1_700_000_000_000 + 40_000;
  const filters: Array<[string, WorkflowFilter]> = [
    ['status one', { status: ['PENDING'] }],
    ['status failed-index', { status: ['ERROR'] }],
    ['status several', { status: ['SUCCESS', 'CANCELLED', 'ENQUEUED'] }],
    ['status rare', { status: ['MAX_RECOVERY_ATTEMPTS_EXCEEDED'] }],
    ['status unknown', { status: ['NO_SUCH_STATUS'] }],
    ['status empty list', { status: [] }],
    ['name', { name: 'beta' }],
    ['className', { className: 'Svc' }],
    ['className with quote', { className: `O'Class` }],
    ['queueName', { queueName: 'q2' }],
    ['idPrefix', { idPrefix: 'wf-01' }],
    ['parentWorkflowId', { parentWorkflowId: parent }],
    ['createdAfter', { createdAfter: mid }],
    ['createdBefore', { createdBefore: mid }],
    ['created range', { createdAfter: mid, createdBefore: mid + 30_000 }],
    ['applicationVersion', { applicationVersion: 'v2' }],
    ['status+name', { status: ['PENDING', 'ENQUEUED'], name: 'alpha' }],
    ['queue+status', { queueName: 'q1', status: ['ENQUEUED'] }],
    [
      'everything',
      {
        status: ['SUCCESS', 'ERROR'],
        name: 'alpha',
        className: 'Svc',
        idPrefix: 'wf-0',
        createdAfter: mid - 50_000,
        createdBefore: mid + 50_000,
        applicationVersion: 'v1',
      },
    ],
  ];
  for (const [label, filter] of filters) {
    test(`filter: ${label}`, async () => {
      const expected = reference(rows, filter);
      const got = (await listAll(pool, filter, 4)).map((w) => w.workflowId);
      assert.deepEqual(got, expected);
      if (!['status unknown', 'status empty list'].includes(label))
        assert.ok(expected.length > 0, 'the filter matches something');
      if (label !== 'status several') assert.ok(expected.length < rows.length, 'the filter excludes something');
    });
  }

  test('ID prefixes with %, _, \\ and quotes are literal, with and without the PK range', async () => {
    const cases: Array<[string, string[]]> = [
      ['a%b', ['a%b-2', 'a%b-1']],
      ['a_b', ['a_b-1']],
      ['a\\b', ['a\\b-1']],
      ['a\\', ['a\\b-1', 'a\\%b']],
      ['a%', ['a%b-2', 'a%b-1', 'a%-x']],
      [`o'brien`, [`o'brien-2`, `o'brien-1`]],
      ['zz', []],
    ];
    const client = await pool.connect();
    try {
      const real = await readTableFacts(client, 'dbos');
      for (const [prefix, expectedSet] of cases) {
        const expected = reference(rows, { idPrefix: prefix });
        assert.deepEqual([...expected].sort(), [...expectedSet].sort(), `fixture for ${prefix}`);
        const got = (await listAll(pool, { idPrefix: prefix }, 2)).map((w) => w.workflowId);
        assert.deepEqual(got, expected, `prefix ${prefix}`);
        // The LIKE-only form, used when the PK's collation is linguistic.
        const q = buildListQuery('dbos', { ...real, idOrderIsBytewise: false }, { idPrefix: prefix }, 100, null);
        assert.doesNotMatch(q.text, /workflow_uuid >=/);
        const viaLike = (await client.query(q.text, q.values)).rows.map((r: Row) => r.workflow_uuid);
        assert.deepEqual(viaLike, expected, `prefix ${prefix} via LIKE only`);
      }
    } finally {
      client.release();
    }
  });

  test(`a name like "${INJECTION}" is plain data and the table survives`, async () => {
    const got = (await listAll(pool, { name: INJECTION }, 50)).map((w) => w.workflowId);
    assert.deepEqual(got, reference(rows, { name: INJECTION }));
    assert.ok(got.length > 0);
    const n = await pool.query('SELECT count(*)::int AS n FROM dbos.workflow_status');
    assert.equal(n.rows[0].n, rows.length);
    const none = await listWorkflows(pool, SCHEMA, { name: `x' OR '1'='1`, queueName: `$1`, className: `\\'` }, {});
    assert.deepEqual(none.workflows, []);
  });

  test('a schema name with a quote is quoted as an identifier', async () => {
    await rejectsWith(
      listWorkflows(pool, { ...SCHEMA, schema: `dbos"; DROP TABLE x; --` }, {}, {}),
      ErrorCode.InvalidFilter,
      /No table "dbos""; DROP TABLE x; --"\.workflow_status/,
    );
  });

  test('malformed cursors are a clear error', async () => {
    const bad = [
      'not base64!',
      Buffer.from('{}').toString('base64url'),
      Buffer.from('[1,"x"]').toString('base64url'),
      Buffer.from('["12a","x"]').toString('base64url'),
      Buffer.from('["99999999999999999999","x"]').toString('base64url'),
      Buffer.from('not json').toString('base64url'),
    ];
    for (const cursor of bad) {
      await rejectsWith(
        listWorkflows(pool, SCHEMA, {}, { cursor }),
        ErrorCode.InvalidCursor,
        /Malformed workflow listing cursor.*nextCursor/,
      );
    }
    assert.deepEqual(decodeCursor(encodeCursor('1700000000000', `o'b"r`)), {
      createdAt: '1700000000000',
      workflowId: `o'b"r`,
    });
  });

  test('limit: default 50, 1..1000, anything else an error', async () => {
    assert.equal((await listWorkflows(pool, SCHEMA, {}, {})).workflows.length, 50);
    assert.equal((await listWorkflows(pool, SCHEMA, {}, { limit: 1 })).workflows.length, 1);
    assert.equal((await listWorkflows(pool, SCHEMA, {}, { limit: 1000 })).workflows.length, rows.length);
    for (const limit of [0, -1, 1001, 2.5, Number.NaN]) {
      await rejectsWith(
        listWorkflows(pool, SCHEMA, {}, { limit }),
        ErrorCode.InvalidFilter,
        /page size .* out of range: use an integer from 1 to 1000/,
      );
    }
  });

  test('every query is bounded by LIMIT limit+1', async () => {
    const client = await pool.connect();
    try {
      const facts = await readTableFacts(client, 'dbos');
      for (const [, filter] of filters) {
        const q = buildListQuery('dbos', facts, filter, 20, null);
        const m = /LIMIT \$(\d+)::int$/.exec(q.text);
        assert.ok(m, q.text);
        assert.equal(q.values[Number(m[1]) - 1], 21);
        assert.doesNotMatch(q.text, /alpha|beta|Svc|wf-0/, 'filter values are parameters, not SQL text');
      }
    } finally {
      client.release();
    }
  });
});

describe('listWorkflows on 200,000 seeded rows', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let pool: pg.Pool;

  before(async () => {
    db = await scratchDatabase();
    await DBOS.migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const c = await pool.connect();
    try {
      await seedWorkflows(c, 'dbos', { count: 200_000 });
    } finally {
      c.release();
    }
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  test('a filter no index serves hits the statement timeout with a "narrow the filter" message', async () => {
    const filter = { name: 'no-such-workflow', applicationVersion: 'v0' };
    await rejectsWith(
      listWorkflows(pool, SCHEMA, filter, {}, { statementTimeoutMs: 1 }),
      ErrorCode.ListingTimeout,
      /name="no-such-workflow".*longer than 1 ms.*no index of the DBOS schema serves name, applicationVersion\. Narrow the filter: add a created-at range, status or ID prefix, or raise --statement-timeout SECONDS\./,
    );
    // The same query with the default bound finishes: the timeout, not the query, failed above; the pool still works.
    const page = await listWorkflows(pool, SCHEMA, filter, {});
    assert.deepEqual(page, { workflows: [], nextCursor: null });
  });

  test('the page queries use the SDK indexes', async () => {
    const client = await pool.connect();
    try {
      const facts = await readTableFacts(client, 'dbos');
      const parent = (
        await client.query(
          `SELECT parent_workflow_id AS p FROM dbos.workflow_status WHERE parent_workflow_id IS NOT NULL LIMIT 1`,
        )
      ).rows[0].p;
      const cases: Array<[WorkflowFilter, string]> = [
        [{}, 'workflow_status_created_at_index'],
        [{ status: ['PENDING'] }, 'idx_workflow_status_pending'],
        [{ status: ['MAX_RECOVERY_ATTEMPTS_EXCEEDED'] }, 'idx_workflow_status_failed'],
        [{ parentWorkflowId: parent }, 'idx_workflow_status_parent_workflow_id'],
        [{ idPrefix: parent.slice(0, 6) }, 'workflow_status_pkey'],
        [{ queueName: 'rare-queue', status: ['ENQUEUED'] }, 'idx_workflow_status_in_flight_v2'],
        [
          { createdAfter: 1_760_000_000_000 + 86_400_000, createdBefore: 1_760_000_000_000 + 2 * 86_400_000 },
          'workflow_status_created_at_index',
        ],
      ];
      await client.query('SET max_parallel_workers_per_gather = 0');
      for (const [filter, index] of cases) {
        const q = buildListQuery('dbos', facts, filter, 50, null);
        const plan = (await client.query('EXPLAIN ' + q.text, q.values)).rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.match(
          plan,
          new RegExp(`Index.* on ${index}\\b|Index Scan.* using ${index}\\b`),
          `${JSON.stringify(filter)}:\n${plan}`,
        );
        assert.doesNotMatch(plan, /Seq Scan/, `${JSON.stringify(filter)}:\n${plan}`);
      }
    } finally {
      client.release();
    }
  });
});
