// A free-function workflow (DBOS.registerWorkflow) using inline appDb.runTransaction and DBOS.runStep.
// Runs in the fixture app's process; importing it only registers the workflow.
import { DBOS } from '@dbos-inc/dbos-sdk';
import { KnexDataSource } from '@dbos-inc/knex-datasource';
import { appDb } from './appDb';
import { countStepRun } from './counter';
import type { OrderRow } from './orders';

async function sendReceiptImpl(orderId: string): Promise<{ to: string; body: string; orderedAt: Date }> {
  const order = await appDb.runTransaction(
    async () => {
      await countStepRun('loadOrder');
      const row = await KnexDataSource.client<OrderRow>('orders').where({ order_id: orderId }).first();
      if (!row) throw new Error(`No order ${orderId}`);
      return row;
    },
    { name: 'loadOrder', readOnly: false },
  );
  const body = await DBOS.runStep(
    async () => {
      await countStepRun('emailReceipt');
      return `Dear ${order.customer}, we received ${order.amount_cents} cents for ${order.order_id}.`;
    },
    { name: 'emailReceipt' },
  );
  return { to: order.customer, body, orderedAt: order.created_at };
}

/** Registered name 'sendReceipt', no class: workflow_status.class_name is empty for it. */
export const sendReceipt = DBOS.registerWorkflow(sendReceiptImpl, { name: 'sendReceipt' });
