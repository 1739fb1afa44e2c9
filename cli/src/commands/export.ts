// `dbos-replay export <id> -o <file>`: writes the trace (the workflow and all its descendants) to a file.
// Runs in the CLI process.
import { stat } from 'node:fs/promises';
import { UsageError } from '../../../history/src/errors.js';
import { HistoryReader } from '../../../history/src/reader/historyReader.js';
import { writeTraceFile } from '../../../history/src/trace/traceFile.js';
import { DB_OPTIONS, parse, readerOptions, resolveDbUrl, type CliIo, type Command } from '../cliSupport.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the trace of a workflow (and its descendants) to a file',
  usage: `dbos-replay export <workflow-id> -o <file> [--db URL] [--schema S]
  The file is a dbos-replay trace (history/TRACE_FORMAT.md): the SDK's exported workflows in a versioned envelope.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parse(args, { ...DB_OPTIONS, output: { type: 'string', short: 'o' } }, true);
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? 'export needs a workflow ID.'
          : `export takes one workflow ID, got ${positionals.length}.`,
      );
    }
    if (!values.output) throw new UsageError('export needs -o <file>: where to write the trace.');
    const reader = await HistoryReader.connect(resolveDbUrl(values.db, io), readerOptions(values));
    try {
      if (reader.warning) io.stderr(`warning: ${reader.warning}\n`);
      const trace = await reader.loadTrace(positionals[0]);
      await writeTraceFile(values.output, trace);
      const ops = trace.workflows.reduce((n, w) => n + w.operation_outputs.length, 0);
      const size = (await stat(values.output)).size;
      io.stderr(
        `Wrote ${trace.workflows.length} workflow(s), ${ops} operation(s) to ${values.output} (${(size / 1024).toFixed(1)} KiB).\n`,
      );
      return 0;
    } finally {
      await reader.close();
    }
  },
};
