// `dbos-replay run <workflow-id> --program <entry>` / `run --trace <file> --program <entry>`: replays one recorded
// workflow headlessly in the program's own process (replay runtime preloaded) and prints the trail and the verdict.
// Runs in the CLI process; the program's process gets the trace, never a database URL.
import { runReplay } from '../../../launcher/src/runReplay.js';
import { ExitCode, type Verdict } from '../../../protocol/replayProtocol.js';
import { UsageError } from '../../../history/src/errors.js';
import { HistoryReader } from '../../../history/src/reader/historyReader.js';
import { readTraceFile } from '../../../history/src/trace/traceFile.js';
import type { Trace } from '../../../protocol/traceModel.js';
import { DB_OPTIONS, parse, readerOptions, resolveDbUrl, scrub, type CliIo, type Command } from '../cliSupport.js';
import {
  DEFAULT_TIMEOUT_S,
  PROGRAM_OPTIONS,
  programOptions,
  splitProgramArgs,
  sideEffectLines,
  sideEffectsSuffix,
  trailLine,
  verdictJson,
} from '../replayCli.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'replay one recorded workflow against the current code and print its verdict',
  usage: `dbos-replay run <workflow-id> --program <entry> [--db URL] [--schema S] [--json] [--timeout SECONDS]
                       [--side-effects warn|block|allow] [-- program args]
       dbos-replay run --trace <file> [<workflow-id>] --program <entry> [--json]
  --program: the app's entry (.js/.mjs, or .ts run through tsx); --modules a.js,b.js instead loads only the
  modules that register the workflows. Arguments after -- go to the program (a command-line app's own).
  --timeout: the workflow's limit (default ${DEFAULT_TIMEOUT_S} s, 0: none); past it the verdict is timeout.
  --side-effects: the workflow body's I/O outside steps (network, files, child processes, DNS) runs and is listed
  (warn, the default), throws an error into the workflow at the call (block), or runs silently (allow).
  Exit 0 for match, 3 diverged, 4 incomplete, 5 timeout, 1 error.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const [own, programArgs] = splitProgramArgs(args);
    const { values, positionals } = parse(
      own,
      { ...DB_OPTIONS, ...PROGRAM_OPTIONS, trace: { type: 'string' }, json: { type: 'boolean' } },
      true,
    );
    if (positionals.length > 1) throw new UsageError(`run takes one workflow ID, got ${positionals.length}.`);
    const id = positionals[0];
    if (!id && !values.trace)
      throw new UsageError('run needs a workflow ID (read from the database), or --trace <file>.');
    const program = programOptions(values, 'run', programArgs);
    let trace: Trace;
    if (values.trace) {
      trace = await readTraceFile(values.trace);
    } else {
      const reader = await HistoryReader.connect(resolveDbUrl(values.db, io), readerOptions(values));
      try {
        if (reader.warning && !values.json) io.stderr(`warning: ${reader.warning}\n`);
        trace = await reader.loadTrace(id!);
      } finally {
        await reader.close();
      }
    }
    const r = await runReplay({ ...program, trace, workflowId: id });
    const v = r.verdict;
    if (values.json) {
      io.stdout(JSON.stringify(verdictJson(v)) + '\n');
    } else {
      for (const t of v.trail ?? []) io.stdout(`  ${trailLine(t)}\n`);
      io.stdout(`${summary(v)}\n`);
      for (const line of sideEffectLines(v)) io.stdout(`  ${line}\n`);
      if (v.verdict === 'error' && r.stderr.trim()) io.stderr(scrub(lastLines(r.stderr, 15), io));
    }
    return ExitCode[v.verdict];
  },
};

function summary(v: Verdict): string {
  const ops = `${v.operations.consumed}/${v.operations.recorded} recorded operations replayed`;
  switch (v.verdict) {
    case 'match':
      return `match${sideEffectsSuffix(v)}: workflow ${v.workflowId} (${v.workflowName}) replayed to its recorded ${v.recordedResult?.status === 'ERROR' ? 'error' : 'result'} (${ops})${v.note ? `\n  ${v.note}` : ''}`;
    case 'skipped':
      return `skipped: workflow ${v.workflowId} (${v.workflowName}) ${v.note}`;
    case 'diverged':
      return `DIVERGED${sideEffectsSuffix(v)}: ${v.divergence?.message}${v.divergence?.location ? `\n  at ${v.divergence.location.text}` : ''}\n(${ops})`;
    case 'incomplete':
      return `incomplete${sideEffectsSuffix(v)}: ${v.incomplete?.message} (${ops})`;
    case 'timeout':
      return `timeout: ${v.timeout?.message} (${ops})`;
    default:
      return `error: ${v.error?.message}`;
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n') + '\n';
}
