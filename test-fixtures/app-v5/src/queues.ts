// Queue registration: in SDK 5.x queues are database rows created with DBOS.registerQueue after DBOS.launch().
// Runs in the recorder's (or main's) process after launch; never reached in a replay (launch is replaced there).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { PIPELINE_QUEUE } from './workflows/pipeline';
import { REINDEX_QUEUE } from './workflows/search';

export async function registerShopQueues(): Promise<void> {
  await DBOS.registerQueue(PIPELINE_QUEUE, { workerConcurrency: 4, minPollingIntervalMs: 50 });
  // Debounced reindex runs wait out their delay on this queue; a short poll keeps the recording fast.
  await DBOS.registerQueue(REINDEX_QUEUE, { minPollingIntervalMs: 50 });
}
