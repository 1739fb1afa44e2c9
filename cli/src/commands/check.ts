// `dbos-replay check --program <entry> [filters]`: replays many recorded workflows against the current code, in one
// process of the program (batch mode), and reports per workflow — the determinism gate before a deploy.
// Runs in the CLI process; the program's process gets the traces, never a database URL.
import { ExitCode, type Verdict } from '../../../protocol/replayProtocol.js';
import { runReplayBatch, type BatchEntry } from '../../../launcher/src/runReplay.js';
import { ErrorCode, HistoryError } from '../../../history/src/errors.js';
import { HistoryReader } from '../../../history/src/reader/historyReader.js';
import type { WorkflowFilter, WorkflowSummary } from '../../../history/src/reader/readerTypes.js';
import type { Trace } from '../../../protocol/traceModel.js';
import {
  DB_OPTIONS,
  parse,
  parseIntOption,
  parseStatusOption,
  parseTime,
  resolveDbUrl,
  type CliIo,
  type Command,
} from '../cliSupport.js';
import { PROGRAM_OPTIONS, programOptions, sideEffectLines, trailLine, verdictJson, verdictLine } from '../replayCli.js';

/** Workflows whose traces are read together (5 statements per page). */
const TRACE_PAGE = 250;

export const checkCommand: Command = {
  name: 'check',
  summary: 'replay many recorded workflows against the current code; fails if any diverged',
  usage: `dbos-replay check --program <entry> [--name N] [--class C] [--status S[,S]] [--since T] [--until T]
                   [--limit N] [--db URL] [--schema S] [--json] [--trail] [--timeout SECONDS]
                   [--side-effects warn|block|allow]
  Replays the newest matching workflows (default --limit 100, at most 100000) in one process of the program.
  --modules a.js,b.js loads only the modules that register the workflows. --trail adds each workflow's operations
  (one line each, or "trail" in --json) with a short summary of the recorded output. T: ISO date/time, epoch ms, or 30m/2h/7d ago.
  --side-effects: I/O outside steps runs and is listed under its workflow (warn, the default), is blocked with an
  error thrown into the workflow (block), or runs silently (allow).
  Exit 0 when none diverged or failed to replay (incomplete recordings are reported, not failures), 3 if any
  diverged, 1 if any could not be replayed.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parse(
      args,
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
      },
      false,
    );
    const program = programOptions(values, 'check');
    const filter: WorkflowFilter = {};
    if (values.status !== undefined) filter.status = parseStatusOption(values.status);
    if (values.name !== undefined) filter.name = values.name;
    if (values.class !== undefined) filter.className = values.class;
    if (values.since !== undefined) filter.createdAfter = parseTime(values.since, 'since');
    if (values.until !== undefined) filter.createdBefore = parseTime(values.until, 'until');
    const limit = parseIntOption(values.limit, 'limit', 1, 100_000) ?? 100;

    const t0 = Date.now();
    const reader = await HistoryReader.connect(resolveDbUrl(values.db, io), { schema: values.schema });
    let entries: BatchEntry[];
    let listed: WorkflowSummary[];
    try {
      if (reader.warning && !values.json) io.stderr(`warning: ${reader.warning}\n`);
      listed = [];
      let cursor: string | null = null;
      do {
        const page = await reader.listWorkflows(filter, { limit: Math.min(1000, limit - listed.length), cursor });
        listed.push(...page.workflows);
        cursor = page.nextCursor;
      } while (cursor && listed.length < limit);
      // Only the workflow itself is needed: a replay never re-runs children, it answers them from the parent's rows.
      // Pages of workflows with a few set-based statements each (WHERE workflow_uuid = ANY($1)), two pages at a time.
      const pages: string[][] = [];
      for (let i = 0; i < listed.length; i += TRACE_PAGE)
        pages.push(listed.slice(i, i + TRACE_PAGE).map((w) => w.workflowId));
      const loaded: Trace[][] = new Array(pages.length);
      let next = 0;
      await Promise.all(
        [0, 1].map(async () => {
          for (let p = next++; p < pages.length; p = next++) {
            try {
              loaded[p] = await reader.loadTraces(pages[p]);
            } catch (e) {
              if (e instanceof HistoryError && e.code === ErrorCode.WorkflowNotFound)
                throw new Error(`a workflow disappeared while checking: ${e.message}`, { cause: e });
              throw e;
            }
          }
        }),
      );
      entries = loaded.flat().map((trace) => ({ trace }));
    } finally {
      await reader.close();
    }
    if (entries.length === 0) {
      if (values.json) io.stdout(JSON.stringify({ workflows: [], summary: counts([]), seconds: 0 }) + '\n');
      else io.stdout('No recorded workflows match: nothing to check.\n');
      return 0;
    }
    const loaded = Date.now();
    const r = await runReplayBatch({
      ...program,
      entries,
      onVerdict: values.json
        ? undefined
        : (v) => {
            io.stdout(verdictLine(v) + '\n');
            for (const t of v.trail ?? []) io.stdout(`    ${trailLine(t)}\n`);
            for (const line of sideEffectLines(v)) io.stdout(`    ${line}\n`);
          },
    });
    const done = Date.now();
    const c = counts(r.verdicts);
    if (values.json) {
      io.stdout(
        JSON.stringify({
          workflows: r.verdicts.map(verdictJson),
          summary: c,
          processes: r.processes,
          seconds: { load: (loaded - t0) / 1000, replay: (done - loaded) / 1000 },
        }) + '\n',
      );
    } else {
      io.stdout(
        `\nchecked ${r.verdicts.length} workflow(s): ${c.match} match, ${c.diverged} diverged, ${c.incomplete} incomplete, ` +
          `${c.error} error (read ${((loaded - t0) / 1000).toFixed(1)} s, replayed in ${((done - loaded) / 1000).toFixed(1)} s)\n`,
      );
    }
    return c.diverged > 0 ? ExitCode.diverged : c.error > 0 ? ExitCode.error : ExitCode.match;
  },
};

function counts(vs: Verdict[]): { total: number; match: number; diverged: number; incomplete: number; error: number } {
  const c = { total: vs.length, match: 0, diverged: 0, incomplete: 0, error: 0 };
  for (const v of vs) c[v.verdict]++;
  return c;
}
