// Queue registration: in SDK 5.x queues are database rows created with DBOS.registerQueue after DBOS.launch().
// Runs in the recorder's (or main's) process after launch; never reached in a replay (launch is replaced there).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { PIPELINE_QUEUE } from './workflows/pipeline';

export async function registerShopQueues(): Promise<void> {
  await DBOS.registerQueue(PIPELINE_QUEUE, { workerConcurrency: 4, minPollingIntervalMs: 50 });
}
