// Batch check throughput and memory: records checkout workflows with the real SDK 5.3 into a scratch database, copies
// them in SQL up to the largest size asked (BENCH_SIZES), runs `dbos-replay check --limit N` for each size while
// sampling the peak RSS of the CLI and of its program processes, and re-executes a sample of the recorded runs the way
// DBOS recommends today (DBOS.forkWorkflow from the last step + getResult, real SDK, on a scratch copy). Prints the
// rates, the peaks and their ratio to the smallest size. Runs as a script (npm run bench:replay-check).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { runNode, type NodeRun } from '../test-support/runNode.js';
import { scratchDatabase } from '../test-support/testDatabase.js';

/** The figures before traces were read in set-based pages (runtime2: 3-4 queries per workflow, 4 at a time). */
const BEFORE = { totalS: 3.2, readS: 2.0, checkRate: 312, ratio: 379 };

/** Checkouts recorded with the real SDK; larger sizes are SQL copies of them (new IDs, older created_at). */
const RECORDED = Number(process.env.BENCH_WORKFLOWS ?? 1000);
/** The `--limit` of each check run. */
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
/** Recorded runs re-executed with forkWorkflow for the comparison (0: skip it). */
const SAMPLE = Number(process.env.BENCH_FORK_SAMPLE ?? 20);
const root = path.resolve(__dirname, '..');
const app = path.join(root, 'replay-runtime', 'test', 'apps', 'bench');
const CLI = path.join(root, 'dist', 'cli.js');
const log = (m: string) => process.stderr.write(m + '\n');
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** Copies every row of the recorded workflows `copies` times, in every table keyed by workflow_uuid. */
async function copyWorkflows(url: string, copies: number): Promise<void> {
  if (copies <= 0) return;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const cols = await c.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'dbos' AND table_name IN (SELECT table_name FROM information_schema.columns
         WHERE table_schema = 'dbos' AND column_name = 'workflow_uuid')
       ORDER BY table_name, ordinal_position`,
    );
    const tables = new Map<string, string[]>();
    for (const r of cols.rows) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), r.column_name]);
    // workflow_status first: the other tables' rows reference it.
    const order = [...tables.keys()].sort((a, b) => Number(b === 'workflow_status') - Number(a === 'workflow_status'));
    for (const table of order) {
      const columns = tables.get(table)!;
      const select = columns.map((col) =>
        col === 'workflow_uuid'
          ? `workflow_uuid || '-c' || k`
          : table === 'workflow_status' && col === 'created_at'
            ? `created_at - k * 60000`
            : `"${col}"`,
      );
      await c.query(
        `INSERT INTO dbos."${table}" (${columns.map((x) => `"${x}"`).join(', ')})
         SELECT ${select.join(', ')} FROM dbos."${table}" CROSS JOIN generate_series(1, ${copies}) AS k`,
      );
    }
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
}

/** VmHWM (peak resident set, kB) of a live process, or 0 once it is gone. */
function peakKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Direct children of `pid`, from /proc/<n>/stat. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

interface Measured extends NodeRun {
  ms: number;
  /** Peak RSS of the CLI, and the largest of its program processes (kB), sampled every 50 ms. */
  cliKb: number;
  programKb: number;
}

/** Runs the CLI and samples VmHWM of it and of its children until it exits (VmHWM only grows, so the last sample holds). */
function measure(args: string[]): Promise<Measured> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let cliKb = 0;
  const programs = new Map<number, number>();
  const sample = () => {
    cliKb = Math.max(cliKb, peakKb(child.pid!));
    for (const p of childrenOf(child.pid!)) programs.set(p, Math.max(programs.get(p) ?? 0, peakKb(p)));
  };
  const timer = setInterval(sample, 50);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => clearInterval(timer));
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        out: stdout + stderr,
        ms: performance.now() - t0,
        cliKb,
        programKb: Math.max(0, ...programs.values()),
      }),
    );
  });
}

function run(args: string[], env: Record<string, string | undefined>): Promise<NodeRun> {
  return runNode(args, { cwd: app, env });
}

async function main(): Promise<void> {
  const db = await scratchDatabase();
  let copy: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  try {
    log(`recording ${RECORDED} checkout workflows with the real SDK 5.3…`);
    let t = performance.now();
    const rec = await runNode(['app.js'], {
      cwd: app,
      env: { RECORD_URL: db.url, BENCH_RECORD: `checkout:co:${RECORDED}` },
    });
    if (rec.code !== 0) throw new Error(rec.out);
    log(`recorded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const most = Math.max(...SIZES);
    t = performance.now();
    await copyWorkflows(db.url, Math.ceil(most / RECORDED) - 1);
    log(
      `copied to ${Math.ceil(most / RECORDED) * RECORDED} workflows in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const rows: string[] = [];
    let base: { ms: number; tree: number } | undefined;
    for (const size of SIZES) {
      log(`checking ${size}…`);
      const check = await measure([
        'check',
        '--program',
        'app.js',
        '--db',
        db.url,
        '--name',
        'checkout',
        '--limit',
        String(size),
        '--json',
      ]);
      const o = JSON.parse(check.stdout) as {
        summary: Record<string, number>;
        processes: number;
        seconds: { load: number; replay: number };
      };
      if (o.summary.match !== size) throw new Error(`check: ${JSON.stringify(o.summary)} ${check.stderr.slice(-2000)}`);
      const tree = check.cliKb + check.programKb;
      base ??= { ms: check.ms / size, tree };
      rows.push(
        `| ${size.toLocaleString('en')} | ${(check.ms / 1000).toFixed(1)} s | ${(size / (check.ms / 1000)).toFixed(0)} /s ` +
          `(${(base.ms / (check.ms / size)).toFixed(2)}×) | ${o.seconds.load.toFixed(1)} s / ${o.seconds.replay.toFixed(1)} s ` +
          `| ${o.processes} | ${mb(check.cliKb)} | ${mb(check.programKb)} | ${mb(tree)} (${(tree / base.tree).toFixed(2)}×) |`,
      );
    }

    const out = [
      `batch check: checkout workflows (5 operations each), all match; peak RSS sampled every 50 ms from /proc/<pid>/status VmHWM`,
      '',
      '| workflows | whole CLI | rate (vs first) | read / replay | program processes | CLI peak | program peak | tree peak (vs first) |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ];
    if (SAMPLE <= 0) {
      process.stdout.write(out.join('\n'));
      return;
    }
    copy = await scratchDatabase(db.name);
    const ids = Array.from(
      { length: SAMPLE },
      (_, i) => `co-${String(Math.floor((i * RECORDED) / SAMPLE)).padStart(4, '0')}`,
    );
    log(`re-executing ${SAMPLE} of them with DBOS.forkWorkflow + getResult (real SDK, scratch copy)…`);
    t = performance.now();
    const fork = await run(['app.js'], { FORK_URL: copy.url, FORK_IDS: ids.join(',') });
    const forkWallMs = performance.now() - t;
    if (fork.code !== 0) throw new Error(fork.stderr.slice(-2000));
    const f = JSON.parse(fork.stdout.trim().split('\n').pop()!) as { ms: number[] };
    const forkMs = f.ms.reduce((a, b) => a + b, 0);
    const forkRate = SAMPLE / (forkMs / 1000);
    const firstRate = SIZES[0] / ((base!.ms * SIZES[0]) / 1000);
    process.stdout.write(
      [
        ...out,
        `DBOS forkWorkflow(id, last+1) + getResult, ${SAMPLE} runs: ${(forkMs / 1000).toFixed(2)} s → ${forkRate.toFixed(2)} workflows/s ` +
          `(median ${[...f.ms].sort((a, b) => a - b)[Math.floor(f.ms.length / 2)].toFixed(0)} ms each; ${(forkWallMs / 1000).toFixed(1)} s with launch)`,
        `ratio (check at ${SIZES[0]} / fork): ${(firstRate / forkRate).toFixed(0)}× (target ≥ 100×)`,
        `before (per-workflow reads): ${BEFORE.totalS.toFixed(2)} s → ${BEFORE.checkRate} workflows/s, of which reading ≈ ${BEFORE.readS.toFixed(1)} s; ` +
          `${BEFORE.ratio}× fork`,
        '',
      ].join('\n'),
    );
  } finally {
    await copy?.drop();
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
