// Nightly sales pipeline: extract, fan out chunks to child workflows on a queue, fan in, concurrent checks, summarize.
// Runs in the fixture app's process (registered at import).
import { DBOS } from '@dbos-inc/dbos-sdk';
import { countStepRun } from './counter';

/** Queue for the pipeline's chunk workers; registered after launch with DBOS.registerQueue (see src/queues.ts). */
export const PIPELINE_QUEUE = 'pipeline';

export interface ChunkTotal {
  chunk: number;
  total: number;
  rows: number;
}

export interface PipelineReport {
  batchId: string;
  totals: ChunkTotal[];
  grandTotal: number;
  valid: boolean;
  checksum: string;
  sample: number[];
  reportId: string;
}

export class Pipeline {
  @DBOS.step()
  static async extract(batchId: string, chunks: number): Promise<number[][]> {
    await countStepRun('Pipeline.extract');
    const seed = batchId.length;
    return Array.from({ length: chunks }, (_, c) => Array.from({ length: 4 }, (_, i) => (c + 1) * 100 + i * seed));
  }

  @DBOS.step()
  static async sumRows(rows: number[]): Promise<number> {
    await countStepRun('Pipeline.sumRows');
    return rows.reduce((a, b) => a + b, 0);
  }

  /** Child workflow, one per chunk, run on PIPELINE_QUEUE. */
  @DBOS.workflow()
  static async transformChunk(chunk: number, rows: number[]): Promise<ChunkTotal> {
    const total = await Pipeline.sumRows(rows);
    return { chunk, total, rows: rows.length };
  }

  @DBOS.step()
  static async validate(totals: ChunkTotal[]): Promise<boolean> {
    await countStepRun('Pipeline.validate');
    return totals.every((t) => t.total > 0);
  }

  @DBOS.step()
  static async checksum(totals: ChunkTotal[]): Promise<string> {
    await countStepRun('Pipeline.checksum');
    return totals.map((t) => t.total.toString(16)).join(':');
  }

  @DBOS.step()
  static async sample(totals: ChunkTotal[]): Promise<number[]> {
    await countStepRun('Pipeline.sample');
    return totals.filter((_, i) => i % 2 === 0).map((t) => t.total);
  }

  @DBOS.step()
  static async writeReport(batchId: string, grandTotal: number): Promise<string> {
    await countStepRun('Pipeline.writeReport');
    return `report-${batchId}-${grandTotal}`;
  }

  /** Child workflow called directly from run(): 2 function IDs in the parent (start + getResult). */
  @DBOS.workflow()
  static async summarize(batchId: string, totals: ChunkTotal[]): Promise<{ grandTotal: number; reportId: string }> {
    const grandTotal = totals.reduce((a, t) => a + t.total, 0);
    const reportId = await Pipeline.writeReport(batchId, grandTotal);
    return { grandTotal, reportId };
  }

  @DBOS.workflow()
  static async run(batchId: string, chunks: number): Promise<PipelineReport> {
    const data = await Pipeline.extract(batchId, chunks);
    // Fan out: one queued child per chunk (IDs `${batchWorkflowID}-${functionID}`), started in order.
    const handles = [];
    for (let c = 0; c < data.length; c++) {
      handles.push(await DBOS.startWorkflow(Pipeline.transformChunk, { queueName: PIPELINE_QUEUE })(c, data[c]));
    }
    // Fan in, in start order.
    const totals: ChunkTotal[] = [];
    for (const h of handles) totals.push(await h.getResult());
    // Three checks at once: each step reserves its function ID synchronously, so the order is the call order.
    const [valid, checksum, sample] = await Promise.all([Pipeline.validate(totals), Pipeline.checksum(totals), Pipeline.sample(totals)]);
    const { grandTotal, reportId } = await Pipeline.summarize(batchId, totals);
    return { batchId, totals, grandTotal, valid, checksum, sample, reportId };
  }
}
