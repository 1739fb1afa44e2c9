// `dbos-replay list`: recorded workflows, newest first, filtered and paged.
// Runs in the CLI process.
import { HistoryReader } from '../../../history/src/reader/historyReader.js';
import type { WorkflowFilter } from '../../../history/src/reader/readerTypes.js';
import {
  DB_OPTIONS,
  formatTable,
  iso,
  parse,
  readerOptions,
  parseIntOption,
  parseStatusOption,
  parseTime,
  resolveDbUrl,
  type CliIo,
  type Command,
} from '../cliSupport.js';

export const listCommand: Command = {
  name: 'list',
  summary: 'list recorded workflows, newest first',
  usage: `dbos-replay list [--status S[,S]] [--name N] [--class C] [--queue Q] [--id-prefix P] [--parent ID]
                  [--since T] [--until T] [--app-version V] [--limit N] [--cursor C]
                  [--db URL] [--schema S] [--json]
  T: ISO date/time, epoch ms, or a duration ago (30m, 2h, 7d). --limit 1..1000 (default 50).
  --json prints { "workflows": [...], "nextCursor": ... }.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parse(
      args,
      {
        ...DB_OPTIONS,
        status: { type: 'string' },
        name: { type: 'string' },
        class: { type: 'string' },
        queue: { type: 'string' },
        'id-prefix': { type: 'string' },
        parent: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'app-version': { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    const filter: WorkflowFilter = {};
    if (values.status !== undefined) filter.status = parseStatusOption(values.status);
    if (values.name !== undefined) filter.name = values.name;
    if (values.class !== undefined) filter.className = values.class;
    if (values.queue !== undefined) filter.queueName = values.queue;
    if (values['id-prefix'] !== undefined) filter.idPrefix = values['id-prefix'];
    if (values.parent !== undefined) filter.parentWorkflowId = values.parent;
    if (values.since !== undefined) filter.createdAfter = parseTime(values.since, 'since');
    if (values.until !== undefined) filter.createdBefore = parseTime(values.until, 'until');
    if (values['app-version'] !== undefined) filter.applicationVersion = values['app-version'];
    const limit = parseIntOption(values.limit, 'limit', 1, 1000) ?? 50;

    const reader = await HistoryReader.connect(resolveDbUrl(values.db, io), readerOptions(values));
    try {
      if (reader.warning && !values.json) io.stderr(`warning: ${reader.warning}\n`);
      const page = await reader.listWorkflows(filter, { limit, cursor: values.cursor ?? null });
      if (values.json) {
        io.stdout(JSON.stringify(page) + '\n');
        return 0;
      }
      if (page.workflows.length === 0) {
        io.stdout(`No workflows match in ${reader.schemaInfo.schema}.workflow_status at ${reader.target}.\n`);
        return 0;
      }
      io.stdout(
        formatTable(
          ['CREATED (UTC)', 'STATUS', 'WORKFLOW ID', 'NAME', 'CLASS', 'PARENT'],
          page.workflows.map((w) => [
            iso(w.createdAt),
            w.status,
            w.workflowId,
            w.name,
            w.className ?? '-',
            w.parentWorkflowId ?? '-',
          ]),
        ),
      );
      if (page.nextCursor) io.stdout(`\nMore workflows: add --cursor ${page.nextCursor}\n`);
      return 0;
    } finally {
      await reader.close();
    }
  },
};
