// Unit tests of the run state helpers: phases inside a quiet re-run, what a pause ends, the state cell's transitions.
// Runs in the test process (node:test).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pendingOf, phaseOf, running, runToOf, RunStateCell, withPhase, type RunState } from './runState';

describe('run state', () => {
  it('a quiet re-run keeps its phase inside the travelling state', () => {
    const travelling: RunState = { kind: 'travelling', phase: { kind: 'launching', prerun: undefined } };
    const next = withPhase(travelling, running('next', undefined));
    assert.equal(next.kind, 'travelling');
    assert.equal(phaseOf(next)?.kind, 'running');
    assert.equal(withPhase({ kind: 'idle' }, running('continue', undefined)).kind, 'running');
    assert.equal(phaseOf({ kind: 'exited' }), undefined);
  });

  it('a run to an operation carries on across the stops that do not end it', () => {
    assert.equal(runToOf(running({ runTo: 4 }, undefined)), 4);
    assert.equal(runToOf(running('continue', 4)), 4);
    assert.equal(runToOf({ kind: 'paused', frames: [], runTo: 4 }), 4);
    assert.equal(runToOf({ kind: 'launching', prerun: undefined }), undefined);
  });

  it('what the next pause ends: a step, a pause request, or a continue', () => {
    assert.equal(pendingOf(running('stepOut', undefined)), 'step');
    assert.equal(pendingOf(running({ runTo: 2 }, undefined)), 'continue');
    assert.equal(pendingOf({ kind: 'running', action: 'next', pausing: true, runTo: undefined, stepOuts: 0 }), 'pause');
    assert.equal(pendingOf({ kind: 'paused', frames: [], runTo: undefined }), 'continue');
  });

  it('the cell: launching for the user or for a travel, and out of travel', () => {
    const cell = new RunStateCell();
    assert.equal(cell.kind, 'idle');
    cell.launching(true);
    assert.equal(cell.kind, 'travelling');
    cell.setPhase({ kind: 'paused', frames: [], runTo: undefined });
    assert.equal(cell.kind, 'travelling');
    assert.equal(cell.phase?.kind, 'paused');
    cell.endTravel();
    assert.equal(cell.kind, 'paused');
    cell.endTravel();
    assert.equal(cell.kind, 'paused');
    cell.launching(false);
    assert.equal(cell.kind, 'launching');
  });
});
