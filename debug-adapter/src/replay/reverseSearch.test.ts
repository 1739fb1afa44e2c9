// Unit tests of reverse continue's choice on hand-made traces (the DAP tests run it on real re-runs). Runs in the test process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestEarlierStop, type ReverseSearch } from './reverseSearch';
import type { TraceEntry } from './travelGate';

const bp = (seq: number, id: number, n: number): TraceEntry => ({ kind: 'bp', seq, id, n });
const op = (seq: number, ops: number, functionId: number, name: string): TraceEntry => ({
  kind: 'op',
  seq,
  ops,
  functionId,
  name,
  error: false,
});

function search(over: Partial<ReverseSearch>): ReverseSearch {
  return {
    trace: [],
    seqs: [0],
    history: [{ reason: 'breakpoint', consumed: 0 }],
    pausedAtOperation: false,
    boundHere: () => false,
    stopsAtPass: () => true,
    functionStops: () => new Map(),
    ...over,
  };
}

describe('reverse continue: the latest earlier stop', () => {
  it('nothing stops before: the first stop', () => {
    assert.deepEqual(
      latestEarlierStop(
        search({
          seqs: [0, 0],
          history: [
            { reason: 'entry', consumed: 0 },
            { reason: 'step', consumed: 1 },
          ],
        }),
      ),
      { kind: 'stop', index: 0 },
    );
  });

  it('the last pass of a loop breakpoint set later, not the pass of the stop the user is at', () => {
    // Breakpoint 7 passes three times in segment 0 (before the first stop, at breakpoint 9, seq 4), which is also here.
    const choice = latestEarlierStop(
      search({
        trace: [bp(1, 7, 1), bp(2, 7, 2), bp(3, 7, 3), bp(4, 9, 1)],
        seqs: [4],
        boundHere: (id) => id === 9,
      }),
    );
    assert.deepEqual(choice, {
      kind: 'pass',
      segment: 0,
      ending: {
        gate: { bp: 7, n: 3 },
        stop: { reason: 'breakpoint', description: 'Paused on breakpoint', breakpointIds: [7] },
      },
    });
  });

  it('at a loop breakpoint: the previous pass of the same breakpoint is before it, the current one is not', () => {
    const choice = latestEarlierStop(
      search({
        trace: [bp(1, 7, 1), bp(2, 7, 2)],
        seqs: [1, 2],
        history: [
          { reason: 'breakpoint', consumed: 0 },
          { reason: 'breakpoint', consumed: 0 },
        ],
        boundHere: (id) => id === 7,
      }),
    );
    assert.deepEqual(choice.kind === 'pass' && choice.ending.gate, { bp: 7, n: 1 });
    assert.equal(choice.kind === 'pass' && choice.segment, 0);
  });

  it('a hit count that the pass does not meet is passed over', () => {
    const choice = latestEarlierStop(
      search({ trace: [bp(1, 7, 1), bp(2, 7, 2), bp(3, 7, 3)], seqs: [3], stopsAtPass: (_id, n) => n === 2 }),
    );
    assert.deepEqual(choice.kind === 'pass' && choice.ending.gate, { bp: 7, n: 2 });
  });

  it('an exception stop after the last pass wins; a pass after the exception wins over it', () => {
    const history = [
      { reason: 'breakpoint', consumed: 0 },
      { reason: 'exception', consumed: 1 },
      { reason: 'step', consumed: 2 },
    ];
    assert.deepEqual(latestEarlierStop(search({ trace: [bp(1, 7, 1)], seqs: [0, 1, 3], history })), {
      kind: 'stop',
      index: 1,
    });
    const later = latestEarlierStop(search({ trace: [bp(1, 7, 1), bp(2, 7, 2)], seqs: [0, 1, 3], history }));
    assert.deepEqual(later.kind === 'pass' && [later.segment, later.ending.gate], [2, { bp: 7, n: 2 }]);
  });

  it('a recorded operation a function breakpoint matches, not the one the hook stopped at now', () => {
    const trace = [op(1, 2, 0, 'reserve'), op(2, 3, 1, 'charge'), op(3, 4, 2, 'charge')];
    const choice = latestEarlierStop(
      search({
        trace,
        seqs: [3],
        pausedAtOperation: true,
        functionStops: (ops) => new Map(ops.filter((o) => o.name === 'charge').map((o) => [o.seq, [100001]])),
      }),
    );
    assert.deepEqual(choice, {
      kind: 'pass',
      segment: 0,
      ending: {
        gate: { op: 3 },
        stop: {
          reason: 'function breakpoint',
          description: 'Paused before recorded operation #1 charge',
          breakpointIds: [100001],
        },
      },
    });
  });
});
