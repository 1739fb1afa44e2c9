// Per-operation overhead of the replay runtime: records a 10,000-step workflow with the real SDK 5.3 into a scratch
// database, then replays it (in batch mode, the same trace several times in one process) and reports µs per operation
// next to the floor: only deserializing the same recorded outputs with the SDK's deserializer, in the same process.
// Runs as a script (node scripts/with-postgres.mjs --no-fixtures -- npx tsx bench/replayOverhead.bench.ts); prints, never asserts.
import path from 'node:path';
import { HistoryReader } from '../history/src/reader/historyReader.js';
import { runReplayBatch } from '../launcher/src/runReplay.js';
import { ReplayEnv } from '../protocol/replayProtocol.js';
import { runNode } from '../test-support/runNode.js';
import { scratchDatabase } from '../test-support/testDatabase.js';

const STEPS = Number(process.env.BENCH_STEPS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const root = path.resolve(__dirname, '..');
const app = path.join(root, 'replay-runtime', 'test', 'apps', 'bench');
const log = (m: string) => process.stderr.write(m + '\n');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const db = await scratchDatabase();
  try {
    log(`recording a ${STEPS}-step workflow with the real SDK 5.3 (this takes a while)…`);
    const t0 = performance.now();
    const rec = await runNode(['app.js'], {
      cwd: app,
      env: { RECORD_URL: db.url, BENCH_RECORD: `steps:steps-1:${STEPS}` },
    });
    if (rec.code !== 0) throw new Error(rec.out);
    const recordS = (performance.now() - t0) / 1000;
    log(`recorded in ${recordS.toFixed(1)} s (${((recordS * 1e6) / STEPS).toFixed(0)} µs per step live)`);
    const reader = await HistoryReader.connect(db.url);
    const trace = await reader.loadTrace('steps-1');
    await reader.close();
    const ops = trace.workflows[0].operation_outputs.length;
    const t1 = performance.now();
    const r = await runReplayBatch({
      entries: Array.from({ length: ROUNDS }, () => ({ trace })),
      program: 'app.js',
      cwd: app,
      env: { [ReplayEnv.measureFloor]: '1' },
      timeoutMs: 300_000,
    });
    const wall = performance.now() - t1;
    for (const v of r.verdicts)
      if (v.verdict !== 'match')
        throw new Error(`replay verdict ${v.verdict}: ${JSON.stringify(v.error ?? v.divergence)}`);
    const replay = r.verdicts.map((v) => v.timings!.replayMs);
    const floor = r.verdicts.map((v) => v.timings!.floorMs!);
    // The first round is cold (JIT); the median of the later ones is the steady state.
    const warm = (xs: number[]) => median(xs.slice(1));
    const us = (msTotal: number) => (msTotal * 1000) / ops;
    const over = us(warm(replay)) - us(warm(floor));
    process.stdout.write(
      [
        `replay overhead: ${ops} recorded operations, ${ROUNDS} rounds in one process (${(wall / 1000).toFixed(1)} s wall incl. node start)`,
        `  first round (cold):  replay ${us(replay[0]).toFixed(2)} µs/op, floor ${us(floor[0]).toFixed(2)} µs/op`,
        `  later rounds (median): replay ${us(warm(replay)).toFixed(2)} µs/op, floor (deserialize only) ${us(warm(floor)).toFixed(2)} µs/op`,
        `  overhead over the floor: ${over.toFixed(2)} µs/op (target ≤ 5), replay/floor ratio ${(warm(replay) / warm(floor)).toFixed(2)}×`,
        `  live recording with the real SDK: ${((recordS * 1e6) / STEPS).toFixed(0)} µs/step`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
