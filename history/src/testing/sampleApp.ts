// A tiny real DBOS 5.3 app that records a known set of workflows for the history reader's tests.
// Runs as its own program (node --import tsx sampleApp.ts), spawned by sampleRecording.ts; URL in SAMPLE_SYSTEM_DATABASE_URL.
import { DBOS } from '@dbos-inc/dbos-sdk';
import { TRICKY_IDS } from './sampleIds.js';

class SampleError extends Error {
  constructor(
    message: string,
    readonly extra: number,
  ) {
    super(message);
    this.name = 'SampleError';
  }
}

const grandchild = DBOS.registerWorkflow(
  async (x: number) => {
    return await DBOS.runStep(async () => x + 1, { name: 'increment' });
  },
  { name: 'grandchildWf' },
);

const child = DBOS.registerWorkflow(
  async (x: number) => {
    const doubled = await DBOS.runStep(async () => x * 2, { name: 'double' });
    if (x > 10) await grandchild(doubled);
    return `child:${x}`;
  },
  { name: 'childWf' },
);

const parent = DBOS.registerWorkflow(
  async (input: { n: number; when: Date }) => {
    // 0: a step whose output exercises the renderer (Date, bigint, Map, Set, Buffer, undefined)
    const values = await DBOS.runStep(
      async () => ({
        n: input.n,
        big: 12345678901234567890n,
        when: new Date(0),
        m: new Map([['k', 1]]),
        s: new Set([1, 'a']),
        buf: Buffer.from([1, 2, 255]),
        u: undefined,
      }),
      { name: 'makeValues' },
    );
    // 1: a step that throws, caught by the workflow
    try {
      await DBOS.runStep(
        async () => {
          throw new SampleError('boom', 42);
        },
        { name: 'failingStep' },
      );
    } catch {
      // recorded as the step's error
    }
    // 2, 3: events (history keeps both)
    await DBOS.setEvent('progress', 1);
    await DBOS.setEvent('progress', { done: true });
    // 4: a message to itself; 5 (recv) + 6 (its timer)
    await DBOS.send(DBOS.workflowID!, { hello: 'self' }, 'topicA');
    const msg = await DBOS.recv<{ hello: string }>('topicA', 5);
    // 7, 8, 9: a stream
    await DBOS.writeStream('s1', { x: 1 });
    await DBOS.writeStream('s1', 2);
    await DBOS.closeStream('s1');
    // 10 (start) + 11 (getResult): a direct child, ID sample-parent-10, which has a grandchild
    const c = await child(21);
    // 12 (start) + 13 (getResult): an explicitly named child
    const h = await DBOS.startWorkflow(child, { workflowID: 'sample-explicit-child' })(5);
    const e = await h.getResult();
    return { msg, c, e, n: values.n };
  },
  { name: 'parentWf' },
);

const failing = DBOS.registerWorkflow(
  async (why: string) => {
    throw new SampleError(`workflow failed: ${why}`, 7);
  },
  { name: 'failingWf' },
);

const plain = DBOS.registerWorkflow(
  async (label: string) => {
    return await DBOS.runStep(async () => label.toUpperCase(), { name: 'upper' });
  },
  { name: 'plainWf' },
);

async function main(): Promise<void> {
  const url = process.env.SAMPLE_SYSTEM_DATABASE_URL;
  if (!url) throw new Error('SAMPLE_SYSTEM_DATABASE_URL is not set');
  DBOS.setConfig({ name: 'replay-sample', systemDatabaseUrl: url, applicationVersion: 'sample-v1' });
  await DBOS.launch();
  try {
    await DBOS.withNextWorkflowID('sample-parent', () => parent({ n: 3, when: new Date(86_400_000) }));
    try {
      await DBOS.withNextWorkflowID('sample-failing', () => failing('on purpose'));
    } catch {
      // recorded as the workflow's error
    }
    for (const id of TRICKY_IDS) await DBOS.withNextWorkflowID(id, () => plain(id));
  } finally {
    await DBOS.shutdown();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`sampleApp: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
