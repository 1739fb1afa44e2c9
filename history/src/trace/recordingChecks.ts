// Invariants every DBOS recording keeps, checked on the rows read from a database and from a trace file: one
// operation_outputs row per integer function_id. Shared code (CLI, debug adapter, extension host).
import { errors } from '../errors.js';
import type { OperationOutputRow } from '../../../protocol/traceModel.js';

/**
 * Refuses the operation rows of one or more workflows when a function_id is not an integer or occurs twice for the
 * same workflow (a copy made without the primary key, a hand-edited trace): a replay would answer a step from either
 * row and could report a false match. `source` names where the rows come from in the message.
 */
export function checkOperationRows(rows: readonly OperationOutputRow[], source: string): void {
  const seen = new Map<string, Map<number, { name: string; rows: number }>>();
  const index = new Map<string, number>();
  for (const r of rows) {
    const wf = String(r.workflow_uuid);
    const i = index.get(wf) ?? 0;
    index.set(wf, i + 1);
    const fid = r.function_id as unknown;
    if (typeof fid !== 'number' || !Number.isInteger(fid)) throw errors.nonIntegerOperation(source, wf, i, fid);
    let byFid = seen.get(wf);
    if (!byFid) seen.set(wf, (byFid = new Map()));
    const prior = byFid.get(fid);
    if (prior) prior.rows++;
    else byFid.set(fid, { name: String(r.function_name ?? ''), rows: 1 });
  }
  for (const [wf, byFid] of seen) {
    for (const [fid, { name, rows: n }] of byFid) {
      if (n > 1) throw errors.duplicateOperation(source, wf, fid, n, name);
    }
  }
}
