// Unit tests of the pause classifier: every kind of pause, and the order in which they claim a pause.
// Runs in the test process (node:test).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breakpointsStop, classifyPause, hookStopOutcome, MAX_STEP_OUTS, type PauseFacts } from './pauseClassifier';
import { running, type EntryStops, type Phase, type RunState } from './runState';
import type { TravelAction } from './timeTravel';

type Bp = { id: number };

function facts(over: Partial<PauseFacts<Bp>> = {}): PauseFacts<Bp> {
  return {
    reason: 'other',
    data: undefined,
    hits: [],
    top: { url: 'file:///app/main.js', line0: 3 },
    replay: false,
    inPauseScript: false,
    atHookBreak: false,
    hookEvent: undefined,
    topHidden: false,
    topSkipped: false,
    atProgram: false,
    entryBreakpointHit: false,
    userHits: [],
    travelTarget: undefined,
    workflowName: 'greet',
    ...over,
  };
}

const noEntry: EntryStops = { program: false, programBreakpoint: undefined, workflowBreakpoint: undefined };
const run = (action: TravelAction = 'continue', over: Partial<Extract<Phase, { kind: 'running' }>> = {}): Phase =>
  ({ ...running(action, undefined), ...over }) as Phase;
const travelling = (phase: Phase): RunState => ({ kind: 'travelling', phase });
/** The hook paused at its `debugger` statement. */
const hook = (event: string, over: Partial<PauseFacts<Bp>> = {}) =>
  facts({
    replay: true,
    inPauseScript: true,
    atHookBreak: true,
    hookEvent: event,
    topHidden: true,
    topSkipped: true,
    ...over,
  });

describe('classifyPause', () => {
  it('time travel: the pass a re-run goes to claims the pause before anything else', () => {
    const stop = { reason: 'breakpoint' as const, description: 'Paused on breakpoint', breakpointIds: [4] };
    assert.deepEqual(classifyPause(hook('operation', { travelTarget: stop }), travelling(run('next')), noEntry), {
      kind: 'travelTarget',
      stop,
    });
  });

  it('a step through the pause script steps on out', () => {
    assert.deepEqual(classifyPause(hook('operation', { atHookBreak: false }), run('next'), noEntry), {
      kind: 'pauseScriptPassage',
    });
    // Outside a replay the pause script is not there.
    assert.notEqual(classifyPause(facts({ inPauseScript: true }), run('next'), noEntry).kind, 'pauseScriptPassage');
  });

  it('the hook before the workflow starts: break at its first line, unless running to an operation', () => {
    assert.deepEqual(classifyPause(hook('start'), run(), noEntry), { kind: 'workflowStart' });
    assert.deepEqual(classifyPause(hook('start'), run({ runTo: 3 }), noEntry), {
      kind: 'resume',
      why: 'running to an operation',
    });
  });

  it('the workflow entry breakpoint: stop on entry, or pass it when running to an operation', () => {
    const entry = { ...noEntry, workflowBreakpoint: 'wf:1' };
    assert.deepEqual(classifyPause(facts({ hits: ['wf:1'] }), run(), entry), {
      kind: 'workflowEntry',
      breakpointId: 'wf:1',
      stop: { reason: 'entry', description: 'Paused on entry to workflow greet', breakpointIds: [] },
    });
    assert.deepEqual(classifyPause(facts({ hits: ['wf:1'] }), run({ runTo: 2 }), entry), {
      kind: 'workflowEntry',
      breakpointId: 'wf:1',
      stop: undefined,
    });
    assert.deepEqual(classifyPause(facts({ hits: ['wf:1'], workflowName: '' }), run(), entry), {
      kind: 'workflowEntry',
      breakpointId: 'wf:1',
      stop: { reason: 'entry', description: 'Paused on entry to workflow', breakpointIds: [] },
    });
  });

  it('a hook stop at an operation goes to the replay channel, passing function breakpoints when running to one', () => {
    assert.deepEqual(classifyPause(hook('operation'), run(), noEntry), { kind: 'hookStop', passBreakpoints: false });
    assert.deepEqual(classifyPause(hook('divergence'), run('next'), noEntry), {
      kind: 'hookStop',
      passBreakpoints: false,
    });
    assert.deepEqual(classifyPause(hook('operation'), run({ runTo: 5 }), noEntry), {
      kind: 'hookStop',
      passBreakpoints: true,
    });
  });

  it("instrumentation pauses of the runtime's own scripts resume at once", () => {
    assert.deepEqual(classifyPause(facts({ reason: 'instrumentation', topHidden: true }), run(), noEntry), {
      kind: 'resume',
      why: 'hidden script',
    });
  });

  it('a script about to run is bound first, then classified again', () => {
    const data = { scriptId: '42', url: 'file:///app/main.js', sourceMapURL: 'main.js.map' };
    assert.deepEqual(classifyPause(facts({ reason: 'instrumentation', data }), run(), noEntry), {
      kind: 'scriptEntry',
      script: { scriptId: '42', url: 'file:///app/main.js', sourceMapURL: 'main.js.map' },
    });
    assert.deepEqual(classifyPause(facts({ reason: 'Break on start' }), run(), noEntry), {
      kind: 'scriptEntry',
      script: undefined,
    });
    assert.deepEqual(classifyPause(facts({ reason: 'other', entryBreakpointHit: true }), run(), noEntry), {
      kind: 'scriptEntry',
      script: undefined,
    });
    // Bound, with no breakpoint there: on.
    assert.deepEqual(classifyPause(facts({ reason: 'instrumentation', data, boundHere: [] }), run(), noEntry), {
      kind: 'resume',
      why: 'nothing bound here',
    });
    // A breakpoint at the very spot the script starts at (set before its map was read) stops.
    const bp = { id: 7 };
    assert.deepEqual(classifyPause(facts({ reason: 'instrumentation', data, boundHere: [bp] }), run(), noEntry), {
      kind: 'breakpoints',
      hits: [bp],
      otherwise: 'resume',
    });
    // The hits and the breakpoints bound there are the same breakpoint once.
    assert.deepEqual(
      classifyPause(facts({ reason: 'Break on start', userHits: [bp], boundHere: [bp] }), run(), noEntry),
      { kind: 'breakpoints', hits: [bp], otherwise: 'resume' },
    );
  });

  it("plain Node stopOnEntry: the program's first line, once bound", () => {
    const entry = { ...noEntry, program: true, programBreakpoint: 'p:1' };
    const atStart = facts({ reason: 'other', hits: ['p:1'], entryBreakpointHit: true, atProgram: true });
    assert.deepEqual(classifyPause(atStart, run(), entry), { kind: 'scriptEntry', script: undefined });
    assert.deepEqual(classifyPause({ ...atStart, boundHere: [] }, run(), entry), {
      kind: 'programEntry',
      stop: { reason: 'entry', description: 'Paused on entry', breakpointIds: [] },
    });
    // Another file's first line (a preload) is not the program's.
    assert.deepEqual(classifyPause({ ...atStart, atProgram: false, boundHere: [] }, run(), entry), {
      kind: 'resume',
      why: 'nothing bound here',
    });
    // Already stopped there once.
    assert.deepEqual(classifyPause({ ...atStart, boundHere: [] }, run(), { ...entry, program: false }), {
      kind: 'resume',
      why: 'nothing bound here',
    });
  });

  it('user breakpoints and logpoints: counted by the controller; a step landing on them still ends as a step', () => {
    const hits = [{ id: 1 }, { id: 2 }];
    assert.deepEqual(classifyPause(facts({ reason: 'other', userHits: hits }), run(), noEntry), {
      kind: 'breakpoints',
      hits,
      otherwise: 'resume',
    });
    assert.deepEqual(classifyPause(facts({ reason: 'other', userHits: hits }), run('next'), noEntry), {
      kind: 'breakpoints',
      hits,
      otherwise: 'step',
    });
    assert.deepEqual(
      classifyPause(facts({ reason: 'other', userHits: hits }), run('next', { pausing: true }), noEntry),
      { kind: 'breakpoints', hits, otherwise: 'resume' },
    );
  });

  it('running to an operation passes breakpoints, steps and pauses, not exceptions', () => {
    assert.deepEqual(classifyPause(facts({ userHits: [{ id: 1 }] }), run({ runTo: 4 }), noEntry), {
      kind: 'resume',
      why: 'running to an operation',
    });
    assert.deepEqual(classifyPause(facts(), run('continue', { runTo: 4, pausing: true }), noEntry), {
      kind: 'resume',
      why: 'running to an operation',
    });
    assert.equal(
      classifyPause(facts({ reason: 'exception', userHits: [{ id: 1 }] }), run({ runTo: 4 }), noEntry).kind,
      'breakpoints',
    );
    assert.equal(classifyPause(facts({ reason: 'promiseRejection' }), run({ runTo: 4 }), noEntry).kind, 'exception');
    // An exception stop on the way leaves the run to the operation in force.
    assert.deepEqual(classifyPause(facts(), { kind: 'paused', frames: [], runTo: 4 }, noEntry), {
      kind: 'resume',
      why: 'running to an operation',
    });
  });

  it('exceptions: the first line of the description, uncaught or not', () => {
    assert.deepEqual(
      classifyPause(
        facts({ reason: 'exception', data: { description: 'Error: boom\n    at f (main.js:3)', uncaught: true } }),
        run(),
        noEntry,
      ),
      {
        kind: 'exception',
        stop: {
          reason: 'exception',
          description: 'Paused on uncaught exception: Error: boom',
          text: 'Error: boom\n    at f (main.js:3)',
          breakpointIds: [],
        },
      },
    );
    assert.deepEqual(classifyPause(facts({ reason: 'promiseRejection', data: { value: 42 } }), run(), noEntry), {
      kind: 'exception',
      stop: { reason: 'exception', description: 'Paused on exception: 42', text: '42', breakpointIds: [] },
    });
    assert.equal(
      (classifyPause(facts({ reason: 'exception' }), run(), noEntry) as { stop: { text: string } }).stop.text,
      'exception',
    );
  });

  it('a step into skipped code steps out, at most MAX_STEP_OUTS times', () => {
    assert.deepEqual(classifyPause(facts({ topSkipped: true }), run('stepIn'), noEntry), { kind: 'skippedStep' });
    assert.deepEqual(classifyPause(facts({ topSkipped: true }), run('stepIn', { stepOuts: MAX_STEP_OUTS }), noEntry), {
      kind: 'step',
      stop: { reason: 'step', breakpointIds: [] },
    });
    assert.deepEqual(classifyPause(facts({ topSkipped: true }), travelling(run('next')), noEntry), {
      kind: 'skippedStep',
    });
    // Continuing into skipped code (a debugger statement there) stops.
    assert.equal(classifyPause(facts({ topSkipped: true }), run(), noEntry).kind, 'debuggerStatement');
  });

  it('otherwise: the end of a step, a pause request, or a debugger statement', () => {
    assert.deepEqual(classifyPause(facts(), run('stepOut'), noEntry), {
      kind: 'step',
      stop: { reason: 'step', breakpointIds: [] },
    });
    assert.deepEqual(classifyPause(facts(), run('next', { pausing: true }), noEntry), {
      kind: 'pauseRequest',
      stop: { reason: 'pause', description: 'Paused', breakpointIds: [] },
    });
    assert.deepEqual(classifyPause(facts({ reason: 'debugCommand' }), run(), noEntry), {
      kind: 'debuggerStatement',
      stop: { reason: 'breakpoint', description: 'Paused on debugger statement', breakpointIds: [] },
    });
    // A pause while not running (nothing pending) reads as a debugger statement.
    assert.equal(classifyPause(facts(), { kind: 'launching', prerun: undefined }, noEntry).kind, 'debuggerStatement');
  });
});

describe('breakpointsStop', () => {
  it('stops at the breakpoints that stop, else ends a step, else resumes', () => {
    assert.deepEqual(breakpointsStop('resume', [3, 4]), {
      reason: 'breakpoint',
      description: 'Paused on breakpoint',
      breakpointIds: [3, 4],
    });
    assert.deepEqual(breakpointsStop('step', []), { reason: 'step', breakpointIds: [] });
    assert.equal(breakpointsStop('resume', []), undefined);
  });
});

describe('hookStopOutcome', () => {
  const fb = {
    reason: 'function breakpoint' as const,
    description: 'Paused before recorded operation #2 send',
    text: 't',
    breakpointIds: [200000],
  };
  it('resumes when the channel wants no stop', () => {
    assert.equal(hookStopOutcome(undefined, undefined), undefined);
    assert.equal(hookStopOutcome(fb, 5), undefined);
  });
  it('stops, and says whether the run to an operation ends there', () => {
    assert.deepEqual(hookStopOutcome(fb, undefined), {
      stop: { reason: 'function breakpoint', description: fb.description, text: 't', breakpointIds: [200000] },
      endsRunTo: false,
    });
    assert.deepEqual(hookStopOutcome({ ...fb, runTo: true }, 2)?.endsRunTo, true);
    assert.deepEqual(
      hookStopOutcome(
        { reason: 'step', description: 'Ran to recorded operation #2 send', breakpointIds: [], runTo: true },
        2,
      ),
      {
        stop: { reason: 'step', description: 'Ran to recorded operation #2 send', text: undefined, breakpointIds: [] },
        endsRunTo: true,
      },
    );
    // A divergence on the way to an operation stops and ends the run to it.
    assert.deepEqual(
      hookStopOutcome({ reason: 'exception', description: 'Divergence at step 2', breakpointIds: [] }, 3)?.endsRunTo,
      true,
    );
  });
});
