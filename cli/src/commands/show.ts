// `dbos-replay show <id>`: one workflow's record, values decoded: a header and the operations table.
// Runs in the CLI process.
import { UsageError } from '../../../history/src/errors.js';
import { HistoryReader } from '../../../history/src/reader/historyReader.js';
import type { WorkflowSummary } from '../../../history/src/reader/readerTypes.js';
import { renderText } from '../../../replay-runtime/src/values/valueText.js';
import { renderWorkflowDetail, type WorkflowView } from '../../../replay-runtime/src/values/workflowView.js';
import {
  DB_OPTIONS,
  formatTable,
  iso,
  parse,
  readerOptions,
  resolveDbUrl,
  terminalText,
  type CliIo,
  type Command,
} from '../cliSupport.js';

const WIDTH = 70;

function human(view: WorkflowView<WorkflowSummary>): string {
  const w = view.workflow;
  const lines: [string, string][] = [
    ['Workflow', w.workflowId],
    [
      'Name',
      `${w.name}${w.className ? `  (class ${w.className}${w.configName ? `, config ${w.configName}` : ''})` : ''}`,
    ],
    ['Status', w.status],
    [
      'Created',
      `${iso(w.createdAt)}   updated ${iso(w.updatedAt)}${w.completedAt ? `   completed ${iso(w.completedAt)}` : ''}`,
    ],
  ];
  if (w.parentWorkflowId) lines.push(['Parent', w.parentWorkflowId]);
  if (w.queueName) lines.push(['Queue', w.queueName]);
  if (w.applicationVersion) lines.push(['App version', w.applicationVersion]);
  if (w.forkedFrom) lines.push(['Forked from', w.forkedFrom]);
  lines.push(['Inputs', renderText(w.inputs, { max: 100 })]);
  if (w.error !== null) lines.push(['Error', renderText(w.error, { error: true, max: 100 })]);
  else lines.push(['Output', renderText(w.output, { max: 100 })]);
  if (view.children.length) {
    lines.push(['Children', view.children.map((c) => `${c.workflowId} (${c.name}, ${c.status})`).join(', ')]);
  }
  if (view.events.length)
    lines.push(['Events', view.events.map((e) => `${e.key}=${renderText(e.value, { max: 40 })}`).join(', ')]);
  if (view.streams.length) {
    const counts = new Map<string, number>();
    for (const s of view.streams) counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
    lines.push(['Streams', [...counts].map(([k, n]) => `${k} (${n} rows)`).join(', ')]);
  }
  if (view.messages.length) {
    lines.push([
      'Messages',
      `${view.messages.length} received, ${view.messages.filter((m) => m.consumed).length} consumed`,
    ]);
  }
  const pad = Math.max(...lines.map(([k]) => k.length));
  let out = lines.map(([k, v]) => `${k.padEnd(pad)}  ${terminalText(v)}`).join('\n') + '\n\n';
  if (view.operations.length === 0) return out + 'No recorded operations.\n';
  out += formatTable(
    ['FID', 'NAME', 'DURATION', 'CHILD', 'RESULT'],
    view.operations.map((op) => [
      String(op.functionId),
      op.name || '(anonymous)',
      op.startedAt !== null && op.completedAt !== null ? `${op.completedAt - op.startedAt} ms` : '-',
      op.childWorkflowId ?? '-',
      op.error !== null
        ? `✗ ${renderText(op.error, { error: true, max: WIDTH - 2 })}`
        : renderText(op.output, { max: WIDTH }),
    ]),
  );
  return out;
}

export const showCommand: Command = {
  name: 'show',
  summary: "show one workflow's recorded operations, values decoded",
  usage: `dbos-replay show <workflow-id> [--db URL] [--schema S] [--json]
  --json prints { "workflow": {...}, "operations": [...], "children", "events", "eventHistory", "streams", "messages" }.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parse(args, { ...DB_OPTIONS, json: { type: 'boolean' } }, true);
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? 'show needs a workflow ID.'
          : `show takes one workflow ID, got ${positionals.length}.`,
      );
    }
    const reader = await HistoryReader.connect(resolveDbUrl(values.db, io), readerOptions(values));
    try {
      if (reader.warning && !values.json) io.stderr(`warning: ${reader.warning}\n`);
      const view = await renderWorkflowDetail(await reader.getWorkflow(positionals[0]));
      io.stdout(values.json ? JSON.stringify(view) + '\n' : human(view));
      return 0;
    } finally {
      await reader.close();
    }
  },
};
