// Search reindexing, debounced per SKU with the SDK's Debouncer, and the bounces the SDK refuses to coalesce.
// Runs in the fixture app's process (registered at import).
import { DBOS, Debouncer } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';

/** Queue of the debounced reindex runs; registered after launch (src/queues.ts) with a short polling interval. */
export const REINDEX_QUEUE = 'reindex';

/** Another application's name: a debouncer acting for it must not coalesce onto this app's pending reindex. */
export const OUTLET_APP_NAME = 'fixture-outlet';

/**
 * A holder's debounce period. Long on purpose: a debounced workflow keeps its debounce key only while DELAYED
 * (SDK 5.3.0 clears it as the delay expires), so each case's holder must still be DELAYED at the conflicting
 * bounce however slow the machine; the case then ends the delay itself with DBOS.setWorkflowDelay.
 */
const HOLD_PERIOD_MS = 60_000;

/** What a refused bounce threw, as plain data the workflow can return. */
export interface BounceRefusal {
  name: string;
  message: string;
  code: number | null;
}

async function refusal(bounce: Promise<unknown>): Promise<BounceRefusal | null> {
  try {
    await bounce;
    return null;
  } catch (e) {
    const err = e as Error & { dbosErrorCode?: number };
    return { name: err.name, message: err.message, code: err.dbosErrorCode ?? null };
  }
}

/** Ends a holder's delay: a deadline long past (not Date.now(), which a replay would not repeat) runs it at the next poll. */
async function runNow(workflowID: string): Promise<void> {
  await DBOS.setWorkflowDelay(workflowID, { delayUntilEpochMS: 1 });
}

export class Search {
  @DBOS.step()
  static async buildEntry(sku: string, source: string): Promise<string> {
    await countStepRun('Search.buildEntry');
    return `entry:${sku}:${source}`;
  }

  /** The debounced workflow: rebuilds one product's search entry from its latest inputs. */
  @DBOS.workflow()
  static async reindex(sku: string, source: string): Promise<string> {
    return await Search.buildEntry(sku, source);
  }

  /**
   * Photo reindexing, registered as `reindex-photos`: its debounce key 'X' gives deduplication ID
   * `Search.reindex-photos-X`, the same as reindex's key 'photos-X'. The SDK matches the holder's name
   * before coalescing, so that collision must be refused, not overwrite the photo run's inputs.
   */
  @DBOS.workflow({ name: 'reindex-photos' })
  static async reindexPhotos(sku: string, source: string): Promise<string> {
    return await Search.buildEntry(sku, `photos/${source}`);
  }

  /** 'raise': the key is held by a plain (not debounced) enqueue with the same deduplication ID. */
  @DBOS.workflow()
  static async bounceOnQueuedHolder(sku: string): Promise<{ refused: BounceRefusal | null; holder: string }> {
    const key = `queued-${sku}`;
    const holder = await DBOS.startWorkflow(Search.reindex, {
      queueName: REINDEX_QUEUE,
      enqueueOptions: { deduplicationID: `Search.reindex-${key}`, delaySeconds: HOLD_PERIOD_MS / 1000 },
    })(sku, 'catalog-import');
    const debouncer = new Debouncer({ workflow: Search.reindex, startWorkflowParams: { queueName: REINDEX_QUEUE } });
    const refused = await refusal(debouncer.debounce(key, 100, sku, 'price-change'));
    await runNow(holder.workflowID);
    return { refused, holder: await holder.getResult() };
  }

  /** 'enqueue', 'return', then 'raise': the key collides with a debounced run of another workflow (reindex-photos). */
  @DBOS.workflow()
  static async bounceOnOtherWorkflow(sku: string): Promise<{ sameRun: boolean; refused: BounceRefusal | null; photos: string }> {
    const photoDebouncer = new Debouncer({ workflow: Search.reindexPhotos, startWorkflowParams: { queueName: REINDEX_QUEUE } });
    const photos = await photoDebouncer.debounce(sku, HOLD_PERIOD_MS, sku, 'upload-1');
    const again = await photoDebouncer.debounce(sku, HOLD_PERIOD_MS, sku, 'upload-2');
    const debouncer = new Debouncer({ workflow: Search.reindex, startWorkflowParams: { queueName: REINDEX_QUEUE } });
    const refused = await refusal(debouncer.debounce(`photos-${sku}`, 100, sku, 'price-change'));
    await runNow(photos.workflowID);
    return { sameRun: again.workflowID === photos.workflowID, refused, photos: await photos.getResult() };
  }

  /** 'enqueue', then 'raise': the same workflow holds the key, but for this app, not the outlet app the debouncer acts for. */
  @DBOS.workflow()
  static async bounceOnOtherApplication(sku: string): Promise<{ refused: BounceRefusal | null; holder: string }> {
    const shop = new Debouncer({ workflow: Search.reindex, startWorkflowParams: { queueName: REINDEX_QUEUE } });
    const holder = await shop.debounce(sku, HOLD_PERIOD_MS, sku, 'shop-edit');
    const outlet = new Debouncer({ workflow: Search.reindex, startWorkflowParams: { queueName: REINDEX_QUEUE }, applicationName: OUTLET_APP_NAME });
    const refused = await refusal(outlet.debounce(sku, 100, sku, 'outlet-edit'));
    await runNow(holder.workflowID);
    return { refused, holder: await holder.getResult() };
  }
}
