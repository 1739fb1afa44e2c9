// The node kinds of the Workflows tree and how each one looks (labels, icons, tooltips, context values).
// Runs in the extension host.
import * as vscode from 'vscode';
import { encodeValueKey, valueFileName, type ValueKey } from '../history/recordedValueText.js';
import {
  formatDuration,
  formatShortTime,
  formatSize,
  formatTime,
  workflowContextValue,
  workflowDescription,
} from './rowText.js';
import type {
  NotificationRow,
  OperationOutputRow,
  WorkflowEventHistoryRow,
  WorkflowSummary,
} from '../history/workflowHistory.js';

export const RECORDED_VALUE_SCHEME = 'dbos-replay-value';

export type GroupKind = 'children' | 'events' | 'messages';

export type WorkflowNode =
  /** `path` keeps tree item IDs unique when a workflow also appears under its parent's step or Children group. */
  | { kind: 'workflow'; summary: WorkflowSummary; path: string }
  | { kind: 'operation'; workflowId: string; op: OperationOutputRow; path: string }
  | { kind: 'group'; group: GroupKind; workflowId: string; count: number; path: string }
  | {
      kind: 'event';
      workflowId: string;
      key: string;
      versions: WorkflowEventHistoryRow[];
      valueLength: number;
      path: string;
    }
  | { kind: 'eventVersion'; workflowId: string; version: WorkflowEventHistoryRow; path: string }
  | { kind: 'message'; workflowId: string; note: NotificationRow; index: number; path: string }
  | { kind: 'loadMore' }
  | { kind: 'info'; text: string; icon?: string };

/** dbos-replay-value:/<workflow id>/<readable name>.json?key=… — the name makes the editor tab readable. */
export function recordedValueUri(key: ValueKey, label?: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: RECORDED_VALUE_SCHEME,
    path: `/${encodeURIComponent(key.workflowId)}/${valueFileName(key, label)}`,
    query: encodeValueKey(key),
  });
}

function openValue(key: ValueKey, label?: string): vscode.Command {
  return {
    command: 'dbosReplay.openRecordedValue',
    title: 'Open Recorded Value',
    arguments: [recordedValueUri(key, label)],
  };
}

const STATUS_ICONS: Record<string, [string, string | undefined]> = {
  SUCCESS: ['pass', 'testing.iconPassed'],
  ERROR: ['error', 'testing.iconFailed'],
  PENDING: ['sync', 'charts.blue'],
  ENQUEUED: ['clock', undefined],
  CANCELLED: ['circle-slash', 'disabledForeground'],
  MAX_RECOVERY_ATTEMPTS_EXCEEDED: ['warning', 'problemsWarningIcon.foreground'],
};

export function statusIcon(status: string): vscode.ThemeIcon {
  const [id, color] = STATUS_ICONS[status] ?? ['circle-outline', undefined];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export function workflowItem(s: WorkflowSummary, path = ''): vscode.TreeItem {
  const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `${path}wf:${s.workflowId}`;
  item.iconPath = statusIcon(s.status);
  const duration = s.completedAt !== null ? formatDuration(s.completedAt - s.createdAt) : '';
  item.description = workflowDescription(s);
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown(`**${escapeMd(s.name)}** — ${escapeMd(s.status)}\n\n`);
  md.appendMarkdown(`ID: \`${s.workflowId.replace(/`/g, "'")}\`\n\n`);
  if (s.className) md.appendMarkdown(`Class: ${escapeMd(s.className)}\n\n`);
  md.appendMarkdown(`Started: ${formatTime(s.createdAt)}${duration ? ` · took ${duration}` : ''}\n\n`);
  if (s.queueName) md.appendMarkdown(`Queue: ${escapeMd(s.queueName)}\n\n`);
  if (s.parentWorkflowId) md.appendMarkdown(`Parent: \`${s.parentWorkflowId.replace(/`/g, "'")}\`\n\n`);
  if (s.forkedFrom) md.appendMarkdown(`Forked from: \`${s.forkedFrom.replace(/`/g, "'")}\`\n\n`);
  if (s.applicationVersion) md.appendMarkdown(`App version: ${escapeMd(s.applicationVersion)}\n\n`);
  item.tooltip = md;
  item.accessibilityInformation = { label: `${s.name} ${s.status} workflow ${s.workflowId}, ${item.description}` };
  item.contextValue = workflowContextValue(s);
  return item;
}

export function operationItem(workflowId: string, op: OperationOutputRow, path = ''): vscode.TreeItem {
  const failed = op.error !== null && op.error !== undefined;
  const item = new vscode.TreeItem(
    `${op.function_id} ${op.function_name}`,
    op.child_workflow_id ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `${path}op:${workflowId}:${op.function_id}`;
  const took =
    op.started_at_epoch_ms !== null && op.completed_at_epoch_ms !== null
      ? formatDuration(op.completed_at_epoch_ms - op.started_at_epoch_ms)
      : '';
  const stored = (failed ? op.error : op.output) ?? '';
  // The icon says ✓ / ✗ (coloured), so the description keeps its room for the duration and the child link.
  item.description = [took, op.child_workflow_id ? `→ child ${op.child_workflow_id}` : ''].filter(Boolean).join(' ');
  item.iconPath = new vscode.ThemeIcon(
    failed ? 'close' : 'check',
    new vscode.ThemeColor(failed ? 'testing.iconFailed' : 'testing.iconPassed'),
  );
  item.tooltip =
    `Step ${op.function_id} of ${workflowId}: ${op.function_name}${failed ? ' (threw)' : ''}` +
    (op.child_workflow_id ? `\nChild workflow: ${op.child_workflow_id} (expand to see it)` : '') +
    `\nRecorded ${failed ? 'error' : 'output'}: ${formatSize(stored.length)} stored. Select to open it.`;
  item.accessibilityInformation = {
    label: `Step ${op.function_id} ${op.function_name} ${failed ? 'failed' : 'succeeded'}${took ? ' in ' + took : ''}${op.child_workflow_id ? ', child workflow ' + op.child_workflow_id : ''}`,
  };
  item.contextValue = op.child_workflow_id ? 'operation;child' : 'operation';
  item.command = openValue({ kind: 'operation', workflowId, functionId: op.function_id }, op.function_name);
  return item;
}

const GROUP_LABELS: Record<GroupKind, [string, string]> = {
  children: ['Children', 'type-hierarchy-sub'],
  events: ['Events', 'symbol-event'],
  messages: ['Messages', 'mail'],
};

export function groupItem(node: Extract<WorkflowNode, { kind: 'group' }>): vscode.TreeItem {
  const [label, icon] = GROUP_LABELS[node.group];
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `${node.path}group:${node.workflowId}:${node.group}`;
  item.description = String(node.count);
  item.iconPath = new vscode.ThemeIcon(icon);
  item.accessibilityInformation = { label: `${label} of ${node.workflowId}: ${node.count}` };
  item.contextValue = `group;${node.group}`;
  return item;
}

export function eventItem(node: Extract<WorkflowNode, { kind: 'event' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(
    node.key,
    node.versions.length > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `${node.path}event:${node.workflowId}:${node.key}`;
  const last = node.versions[node.versions.length - 1];
  item.description = [
    last ? `set by step ${last.function_id}` : '',
    node.versions.length > 1 ? `${node.versions.length} values` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = new vscode.ThemeIcon('symbol-event');
  item.tooltip =
    `Event '${node.key}' of ${node.workflowId}: latest value ${formatSize(node.valueLength)} stored.` +
    (node.versions.length > 1 ? ' Expand for every value it held.' : '') +
    ' Select to open it.';
  item.accessibilityInformation = { label: `Event ${node.key} of ${node.workflowId}, ${item.description}` };
  item.contextValue = 'event';
  item.command = openValue({ kind: 'event', workflowId: node.workflowId, key: node.key });
  return item;
}

export function eventVersionItem(node: Extract<WorkflowNode, { kind: 'eventVersion' }>): vscode.TreeItem {
  const v = node.version;
  const item = new vscode.TreeItem(`step ${v.function_id}`, vscode.TreeItemCollapsibleState.None);
  item.id = `${node.path}eventv:${node.workflowId}:${v.key}:${v.function_id}`;
  item.description = formatSize(v.value?.length ?? 0);
  item.iconPath = new vscode.ThemeIcon('history');
  item.accessibilityInformation = { label: `Event ${v.key} value set by step ${v.function_id}` };
  item.contextValue = 'eventVersion';
  item.command = openValue({
    kind: 'eventVersion',
    workflowId: node.workflowId,
    key: v.key,
    functionId: v.function_id,
  });
  return item;
}

export function messageItem(node: Extract<WorkflowNode, { kind: 'message' }>): vscode.TreeItem {
  const n = node.note;
  const item = new vscode.TreeItem(n.topic ?? '(no topic)', vscode.TreeItemCollapsibleState.None);
  item.id = `${node.path}msg:${node.workflowId}:${n.message_uuid}`;
  const consumed = n.consumed
    ? n.consumed_by_function_id !== null
      ? `received by step ${n.consumed_by_function_id}`
      : 'received'
    : 'not received';
  item.description = [formatShortTime(n.created_at_epoch_ms), consumed].join(' · ');
  item.iconPath = new vscode.ThemeIcon(n.consumed ? 'mail-read' : 'mail');
  item.tooltip =
    `Message ${n.message_uuid} to ${node.workflowId}\nTopic: ${n.topic ?? '(none)'}\nSent: ${formatTime(n.created_at_epoch_ms)}\n` +
    `${consumed}; ${formatSize(n.message?.length ?? 0)} stored. Select to open it.`;
  item.accessibilityInformation = {
    label: `Message ${n.topic ?? 'without topic'} to ${node.workflowId}, ${item.description}`,
  };
  item.contextValue = 'message';
  item.command = openValue(
    { kind: 'message', workflowId: node.workflowId, messageId: n.message_uuid },
    `${n.topic ?? 'message'}-${node.index + 1}`,
  );
  return item;
}

export function loadMoreItem(): vscode.TreeItem {
  const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
  item.id = 'loadMore';
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.command = { command: 'dbosReplay.loadMore', title: 'Load More Workflows' };
  item.contextValue = 'loadMore';
  return item;
}

export function infoItem(text: string, icon = 'info'): vscode.TreeItem {
  const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(icon);
  item.tooltip = text;
  item.contextValue = 'info';
  return item;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => '\\' + c);
}
