// Records a tiny checkout with the real DBOS SDK when the fixture app (test-fixtures/app-v5) is not recorded,
// so the end-to-end test still has real rows to show. Runs as its own process: tsx test-e2e/miniRecording.ts <sysUrl>
import { DBOS } from '@dbos-inc/dbos-sdk';

const systemDatabaseUrl = process.argv[2];
if (!systemDatabaseUrl) {
  console.error('usage: tsx test-e2e/miniRecording.ts <system database url>');
  process.exit(2);
}

const reserveInventory = DBOS.registerStep(async (sku: string, qty: number) => ({ sku, qty, reserved: true }), {
  name: 'reserveInventory',
});
const chargeCard = DBOS.registerStep(
  async (orderId: string, amountCents: number) => {
    if (amountCents > 100_000) throw new Error(`card declined for ${orderId}: amount ${amountCents} over limit`);
    return { chargeId: `ch_${orderId}`, amountCents, currency: 'usd' };
  },
  { name: 'chargeCard' },
);
const sendReceipt = DBOS.registerStep(async (orderId: string) => `receipt sent for ${orderId}`, {
  name: 'sendReceipt',
});

const checkout = DBOS.registerWorkflow(
  async (orderId: string, amountCents: number) => {
    const reservation = await reserveInventory('sku-42', 2);
    const charge = await chargeCard(orderId, amountCents);
    const receipt = await sendReceipt(orderId);
    return { orderId, reservation, charge, receipt };
  },
  { name: 'checkout' },
);

async function main(): Promise<void> {
  DBOS.setConfig({ name: 'dbos-replay-e2e-mini', systemDatabaseUrl });
  await DBOS.launch();
  try {
    await (await DBOS.startWorkflow(checkout, { workflowID: 'checkout-ok' })('order-1', 4200)).getResult();
    await (
      await DBOS.startWorkflow(checkout, { workflowID: 'checkout-declined' })('order-2', 250_000)
    )
      .getResult()
      .catch(() => {});
  } finally {
    await DBOS.shutdown();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
