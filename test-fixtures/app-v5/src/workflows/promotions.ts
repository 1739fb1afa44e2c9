// Promotion publishing: a free-function workflow (DBOS.registerWorkflow) that exercises most DBOS primitives.
// Runs in the fixture app's process (registered at import).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';

export interface Promotion {
  code: string;
  percentOff: number;
}

export interface PromotionReport {
  code: string;
  sku: string;
  taxRate: number;
  banner: string;
  publishedAt: number;
  token: string;
  note: string | null;
  progress: string | null;
  missingEvent: string | null;
  streamed: unknown[];
  newPricing: boolean;
  legacyRoundingGone: boolean;
}

async function normalizeSku(raw: string): Promise<string> {
  await countStepRun('normalizeSku');
  return raw.trim().toUpperCase();
}
/** registerStep: recorded under the function's name, 'normalizeSku'. */
const normalizeSkuStep = DBOS.registerStep(normalizeSku);

async function fetchTaxRate(): Promise<number> {
  await countStepRun('lookupTaxRate');
  return 0.0825;
}

export const PROMOTION_STREAM = 'audit-log';

async function publishPromotion(promo: Promotion, rawSku: string): Promise<PromotionReport> {
  const sku = await normalizeSkuStep(rawSku);
  // runStep with an explicit name (recorded 'lookupTaxRate', not the function's name).
  const taxRate = await DBOS.runStep(fetchTaxRate, { name: 'lookupTaxRate' });
  // runStep with an inline anonymous arrow: recorded with function_name ''.
  const banner = await DBOS.runStep(async () => {
    await countStepRun('anonymousBanner');
    return `${promo.percentOff}% off ${sku}`;
  });
  const publishedAt = await DBOS.now();
  const token = await DBOS.randomUUID();
  await DBOS.sleep(20);
  await DBOS.sleep(0); // consumes a function ID, records nothing
  await DBOS.send(DBOS.workflowID!, { memo: `promo ${promo.code} queued` }, 'note');
  const noteMsg = await DBOS.recv<{ memo: string }>('note', 2);
  await DBOS.setEvent('progress', 'published');
  const progress = await DBOS.getEvent<string>(DBOS.workflowID!, 'progress', 2);
  const missingEvent = await DBOS.getEvent<string>(DBOS.workflowID!, 'never-set', 0.2);
  await DBOS.writeStream(PROMOTION_STREAM, { event: 'published', code: promo.code });
  await DBOS.writeStream(PROMOTION_STREAM, 42);
  await DBOS.closeStream(PROMOTION_STREAM);
  const streamed: unknown[] = [];
  for await (const v of DBOS.readStream(DBOS.workflowID!, PROMOTION_STREAM, { timeoutSeconds: 2 })) streamed.push(v);
  const newPricing = await DBOS.patch('tiered-pricing');
  const legacyRoundingGone = await DBOS.deprecatePatch('legacy-rounding');
  return {
    code: promo.code,
    sku,
    taxRate,
    banner,
    publishedAt,
    token,
    note: noteMsg?.memo ?? null,
    progress,
    missingEvent,
    streamed,
    newPricing,
    legacyRoundingGone,
  };
}

/** registerWorkflow of a free function: class_name NULL, name 'publishPromotion'. */
export const publishPromotionWorkflow = DBOS.registerWorkflow(publishPromotion);
