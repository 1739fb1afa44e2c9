// `dbos-replay check --program <entry> [filters]`: replays many recorded workflows against the current code, in one
// process of the program fed page by page through a pipe, and reports per workflow as it goes — the determinism gate
// before a deploy.
// Runs in the CLI process; the program's process gets the traces, never a database URL.
import { ExitCode, type Verdict } from '../../../protocol/replayProtocol.js';
import type { BatchEntry } from '../../../launcher/src/runReplay.js';
import { runReplayStream } from '../../../launcher/src/streamReplay.js';
import { ErrorCode, HistoryError } from '../../../history/src/errors.js';
import { HistoryReader } from '../../../history/src/reader/historyReader.js';
import type { WorkflowFilter } from '../../../history/src/reader/readerTypes.js';
import type { Trace } from '../../../protocol/traceModel.js';
import {
  DB_OPTIONS,
  parse,
  readerOptions,
  parseIntOption,
  parseStatusOption,
  parseTime,
  resolveDbUrl,
  type CliIo,
  type Command,
} from '../cliSupport.js';
import {
  DEFAULT_TIMEOUT_S,
  PROGRAM_OPTIONS,
  programOptions,
  sideEffectLines,
  splitProgramArgs,
  trailLine,
  verdictJson,
  verdictLine,
} from '../replayCli.js';

/** Workflows whose traces are read together (5 statements per page). */
const TRACE_PAGE = 250;
/**
 * Workflows listed and read together; the next page is read while the program replays the current one, so the CLI
 * holds about two pages and its memory does not grow with --limit. Tests set it with the undocumented --page-size.
 */
const CHECK_PAGE = 1000;

export const checkCommand: Command = {
  name: 'check',
  summary: 'replay many recorded workflows against the current code; fails if any diverged',
  usage: `dbos-replay check --program <entry> [--name N] [--class C] [--status S[,S]] [--since T] [--until T]
                   [--limit N] [--db URL] [--schema S] [--json] [--trail] [--timeout SECONDS]
                   [--side-effects warn|block|allow] [-- program args]
  Replays the newest matching workflows (default --limit 100, at most 100000) in one process of the program, reading
  them 1,000 at a time: each verdict is printed as it comes, memory does not grow with --limit. --json prints one
  object {workflows, summary, processes, seconds}, written as the workflows are checked.
  --modules a.js,b.js loads only the modules that register the workflows. --trail adds each workflow's operations
  (one line each, or "trail" in --json) with a short summary of the recorded output. T: ISO date/time, epoch ms, or 30m/2h/7d ago.
  --timeout: each workflow's limit (default ${DEFAULT_TIMEOUT_S} s, 0: none); one that runs past it is reported as timeout
  and the rest replay in a new process. Arguments after -- go to the program (a command-line app's own).
  --side-effects: I/O outside steps runs and is listed under its workflow (warn, the default), is blocked with an
  error thrown into the workflow (block), or runs silently (allow).
  Exit 0 when none diverged or failed to replay (incomplete recordings and skipped workflows — the SDK's temp
  workflows for a call outside a workflow that have no code to replay — are reported, not failures), 3 if any
  diverged, 5 if any timed out, 1 if any could not be replayed.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const [own, programArgs] = splitProgramArgs(args);
    const { values } = parse(
      own,
      {
        ...DB_OPTIONS,
        ...PROGRAM_OPTIONS,
        name: { type: 'string' },
        class: { type: 'string' },
        status: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        'page-size': { type: 'string' },
      },
      false,
    );
    const program = programOptions(values, 'check', programArgs);
    const filter: WorkflowFilter = {};
    if (values.status !== undefined) filter.status = parseStatusOption(values.status);
    if (values.name !== undefined) filter.name = values.name;
    if (values.class !== undefined) filter.className = values.class;
    if (values.since !== undefined) filter.createdAfter = parseTime(values.since, 'since');
    if (values.until !== undefined) filter.createdBefore = parseTime(values.until, 'until');
    const limit = parseIntOption(values.limit, 'limit', 1, 100_000) ?? 100;

    const pageSize = parseIntOption(values['page-size'], 'page-size', 1, 1000) ?? CHECK_PAGE;

    const reader = await HistoryReader.connect(resolveDbUrl(values.db, io), readerOptions(values));
    const c = counts();
    let processes: number;
    let readMs = 0;
    let replayMs: number;
    let wroteHead = false;
    const show = (v: Verdict) => {
      c.total++;
      c[v.verdict]++;
      if (values.json) {
        io.stdout((wroteHead ? ',' : '{"workflows":[') + JSON.stringify(verdictJson(v)));
        wroteHead = true;
      } else {
        io.stdout(verdictLine(v) + '\n');
        for (const t of v.trail ?? []) io.stdout(`    ${trailLine(t)}\n`);
        for (const line of sideEffectLines(v)) io.stdout(`    ${line}\n`);
      }
    };
    try {
      if (reader.warning && !values.json) io.stderr(`warning: ${reader.warning}\n`);
      const r0 = Date.now();
      const r = await runReplayStream({
        ...program,
        pages: pagesOf(reader, filter, limit, pageSize, (ms) => (readMs += ms)),
        onVerdict: show,
      });
      replayMs = Date.now() - r0;
      processes = r.processes;
    } finally {
      await reader.close();
    }
    if (c.total === 0) {
      if (values.json) io.stdout(JSON.stringify({ workflows: [], summary: c, seconds: 0 }) + '\n');
      else io.stdout('No recorded workflows match: nothing to check.\n');
      return 0;
    }
    const seconds = { load: readMs / 1000, replay: replayMs / 1000 };
    if (values.json) {
      io.stdout(`],"summary":${JSON.stringify(c)},"processes":${processes},"seconds":${JSON.stringify(seconds)}}\n`);
    } else {
      io.stdout(
        `\nchecked ${c.total} workflow(s): ${c.match} match, ${c.diverged} diverged, ${c.incomplete} incomplete, ` +
          `${c.error} error${c.timeout ? `, ${c.timeout} timeout` : ''}${c.skipped ? `, ${c.skipped} skipped` : ''} ` +
          `(read ${seconds.load.toFixed(1)} s, replayed in ${seconds.replay.toFixed(1)} s)\n`,
      );
    }
    if (c.diverged > 0) return ExitCode.diverged;
    if (c.timeout > 0) return ExitCode.timeout;
    return c.error > 0 ? ExitCode.error : ExitCode.match;
  },
};

/** The matching workflows, newest first, one listing page at a time with their traces; `spent` gets the time it took. */
async function* pagesOf(
  reader: HistoryReader,
  filter: WorkflowFilter,
  limit: number,
  pageSize: number,
  spent: (ms: number) => void,
): AsyncGenerator<BatchEntry[]> {
  let listed = 0;
  let cursor: string | null = null;
  while (listed < limit) {
    const t = Date.now();
    const page = await reader.listWorkflows(filter, { limit: Math.min(pageSize, limit - listed), cursor });
    listed += page.workflows.length;
    cursor = page.nextCursor;
    // Only the workflow itself is needed: a replay never re-runs children, it answers them from the parent's rows.
    const traces = await loadTraces(
      reader,
      page.workflows.map((w) => w.workflowId),
    );
    spent(Date.now() - t);
    if (traces.length > 0) yield traces.map((trace) => ({ trace }));
    if (!cursor) return;
  }
}

async function loadTraces(reader: HistoryReader, ids: string[]): Promise<Trace[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += TRACE_PAGE) chunks.push(ids.slice(i, i + TRACE_PAGE));
  const loaded: Trace[][] = new Array(chunks.length);
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      for (let p = next++; p < chunks.length; p = next++) {
        try {
          loaded[p] = await reader.loadTraces(chunks[p]);
        } catch (e) {
          if (e instanceof HistoryError && e.code === ErrorCode.WorkflowNotFound)
            throw new Error(`a workflow disappeared while checking: ${e.message}`, { cause: e });
          throw e;
        }
      }
    }),
  );
  return loaded.flat();
}

function counts(): Record<'total' | Verdict['verdict'], number> {
  return { total: 0, match: 0, diverged: 0, incomplete: 0, error: 0, timeout: 0, skipped: 0 };
}
