// Batch check throughput: records 1,000 checkout workflows with the real SDK 5.3 into a scratch database, replays them
// all with `dbos-replay check` (one program process, batch mode), and re-executes a sample of the same runs the way
// DBOS recommends today (DBOS.forkWorkflow from the last step + getResult, real SDK, on a scratch copy). Prints both
// rates and the ratio. Runs as a script (node scripts/with-postgres.mjs --no-fixtures -- npx tsx bench/replayCheck.bench.ts).
import path from 'node:path';
import { runNode, type NodeRun } from '../test-support/runNode.js';
import { scratchDatabase } from '../test-support/testDatabase.js';

/** The figures before traces were read in set-based pages (runtime2: 3-4 queries per workflow, 4 at a time). */
const BEFORE = { totalS: 3.2, readS: 2.0, checkRate: 312, ratio: 379 };

const COUNT = Number(process.env.BENCH_WORKFLOWS ?? 1000);
const SAMPLE = Number(process.env.BENCH_FORK_SAMPLE ?? 20);
const root = path.resolve(__dirname, '..');
const app = path.join(root, 'replay-runtime', 'test', 'apps', 'bench');
const CLI = path.join(root, 'dist', 'cli.js');
const log = (m: string) => process.stderr.write(m + '\n');

function run(args: string[], env: Record<string, string | undefined>): Promise<NodeRun> {
  return runNode(args, { cwd: app, env });
}

async function main(): Promise<void> {
  const db = await scratchDatabase();
  let copy: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  try {
    log(`recording ${COUNT} checkout workflows with the real SDK 5.3…`);
    let t = performance.now();
    const rec = await runNode(['app.js'], {
      cwd: app,
      env: { RECORD_URL: db.url, BENCH_RECORD: `checkout:co:${COUNT}` },
    });
    if (rec.code !== 0) throw new Error(rec.out);
    log(`recorded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    t = performance.now();
    const check = await run(
      [CLI, 'check', '--program', 'app.js', '--db', db.url, '--name', 'checkout', '--limit', String(COUNT), '--json'],
      {},
    );
    const checkMs = performance.now() - t;
    const o = JSON.parse(check.stdout) as {
      summary: Record<string, number>;
      processes: number;
      seconds: { load: number; replay: number };
    };
    if (o.summary.match !== COUNT) throw new Error(`check: ${JSON.stringify(o.summary)} ${check.stderr.slice(-2000)}`);

    copy = await scratchDatabase(db.name);
    const ids = Array.from(
      { length: SAMPLE },
      (_, i) => `co-${String(Math.floor((i * COUNT) / SAMPLE)).padStart(4, '0')}`,
    );
    log(`re-executing ${SAMPLE} of them with DBOS.forkWorkflow + getResult (real SDK, scratch copy)…`);
    t = performance.now();
    const fork = await run(['app.js'], { FORK_URL: copy.url, FORK_IDS: ids.join(',') });
    const forkWallMs = performance.now() - t;
    if (fork.code !== 0) throw new Error(fork.stderr.slice(-2000));
    const f = JSON.parse(fork.stdout.trim().split('\n').pop()!) as { ms: number[] };
    const forkMs = f.ms.reduce((a, b) => a + b, 0);

    const checkRate = COUNT / (checkMs / 1000);
    const replayOnlyRate = COUNT / o.seconds.replay;
    const forkRate = SAMPLE / (forkMs / 1000);
    process.stdout.write(
      [
        `batch check: ${COUNT} checkout workflows (5 operations each), all match, ${o.processes} program process(es)`,
        `  dbos-replay check (whole CLI: list, read, replay, report): ${(checkMs / 1000).toFixed(2)} s → ${checkRate.toFixed(0)} workflows/s`,
        `    of which reading ${o.seconds.load.toFixed(2)} s, replaying ${o.seconds.replay.toFixed(2)} s (${replayOnlyRate.toFixed(0)} workflows/s)`,
        `  DBOS forkWorkflow(id, last+1) + getResult, ${SAMPLE} runs: ${(forkMs / 1000).toFixed(2)} s → ${forkRate.toFixed(2)} workflows/s ` +
          `(median ${[...f.ms].sort((a, b) => a - b)[Math.floor(f.ms.length / 2)].toFixed(0)} ms each; ${(forkWallMs / 1000).toFixed(1)} s with launch)`,
        `  ratio (check / fork): ${(checkRate / forkRate).toFixed(0)}× (target ≥ 100×)`,
        `  before (per-workflow reads): ${BEFORE.totalS.toFixed(2)} s → ${BEFORE.checkRate} workflows/s, of which reading ≈ ${BEFORE.readS.toFixed(1)} s; ` +
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
