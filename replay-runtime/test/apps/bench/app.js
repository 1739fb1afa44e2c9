// Benchmark app for the replay runtime: a 10,000-step workflow and a small checkout workflow. Three modes:
// RECORD_URL set → records with the real SDK 5.3 (BENCH_RECORD = "steps:<id>:<n>" or "checkout:<prefix>:<count>");
// FORK_URL set → re-executes recorded runs the way DBOS recommends (forkWorkflow from the last step, getResult) and
// prints JSON timings; neither → replayed with the runtime preloaded (DBOS.launch() starts the replay). CommonJS.
const { DBOS } = require('@dbos-inc/dbos-sdk');

function decorate(decorator, target, key) {
  const d = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, decorator(target, key, d) ?? d);
}

class Bench {
  static async tick(i) {
    return { i, label: `step-${i}`, at: new Date(1_700_000_000_000 + i) };
  }

  static async manySteps(n) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (await Bench.tick(i)).i;
    return sum;
  }

  static async reserve(order) {
    return { sku: order.sku, qty: order.qty, reservation: `res-${order.id}` };
  }

  static async charge(order) {
    return { paymentId: `pay-${order.id}`, cents: order.qty * 1250, at: new Date(1_700_000_000_000) };
  }

  static async ship(order, reservation) {
    return `LABEL-${order.id}-${reservation.reservation}`;
  }

  static async checkout(order) {
    const reservation = await Bench.reserve(order);
    const payment = await Bench.charge(order);
    await DBOS.setEvent('status', 'paid');
    const label = await Bench.ship(order, reservation);
    const orderedAt = await DBOS.now();
    return { order: order.id, payment, label, orderedAt };
  }
}
for (const k of ['tick', 'reserve', 'charge', 'ship']) decorate(DBOS.step(), Bench, k);
for (const k of ['manySteps', 'checkout']) decorate(DBOS.workflow(), Bench, k);

async function record(url) {
  DBOS.setConfig({ name: 'replay-bench', systemDatabaseUrl: url });
  await DBOS.launch();
  const [kind, id, nText] = (process.env.BENCH_RECORD ?? '').split(':');
  const n = Number(nText);
  if (kind === 'steps') {
    await (await DBOS.startWorkflow(Bench, { workflowID: id }).manySteps(n)).getResult();
  } else if (kind === 'checkout') {
    for (let start = 0; start < n; start += 50) {
      const hs = [];
      for (let i = start; i < Math.min(n, start + 50); i++) {
        hs.push(await DBOS.startWorkflow(Bench, { workflowID: `${id}-${String(i).padStart(4, '0')}` })
          .checkout({ id: `o${i}`, sku: `sku-${i % 7}`, qty: 1 + (i % 3) }));
      }
      await Promise.all(hs.map((h) => h.getResult()));
    }
  }
  await DBOS.shutdown();
}

/** forkWorkflow(id, lastStep + 1) then getResult, one at a time; prints {ids, ms[]} as JSON on stdout. */
async function fork(url) {
  DBOS.setConfig({ name: 'replay-bench', systemDatabaseUrl: url });
  await DBOS.launch();
  const ids = (process.env.FORK_IDS ?? '').split(',').filter(Boolean);
  const ms = [];
  for (const id of ids) {
    const t0 = performance.now();
    const steps = await DBOS.listWorkflowSteps(id);
    const last = Math.max(-1, ...(steps ?? []).map((s) => s.functionID));
    const h = await DBOS.forkWorkflow(id, last + 1);
    await h.getResult();
    ms.push(performance.now() - t0);
  }
  process.stdout.write(JSON.stringify({ ids, ms }) + '\n');
  await DBOS.shutdown();
}

if (process.env.RECORD_URL) record(process.env.RECORD_URL).catch((e) => { console.error(e); process.exit(1); });
else if (process.env.FORK_URL) fork(process.env.FORK_URL).catch((e) => { console.error(e); process.exit(1); });
else {
  DBOS.setConfig({ name: 'replay-bench' });
  void DBOS.launch();
}
