// The node kinds of the Workflows tree and how each one looks (labels, icons, tooltips).
// Runs in the extension host.
import * as vscode from 'vscode';
import type { OperationOutputRow, WorkflowSummary } from '../history/workflowHistory.js';
import { recordedOutputUri } from './recordedOutputProvider.js';

export type WorkflowNode =
  /** `path` keeps tree item IDs unique when a workflow also appears as a child under its parent's step. */
  | { kind: 'workflow'; summary: WorkflowSummary; path: string }
  | { kind: 'operation'; workflowId: string; op: OperationOutputRow; path: string }
  | { kind: 'loadMore' }
  | { kind: 'message'; text: string; icon?: string };

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

/** 850 ms, 3.2 s, 4 min 5 s, 2 h 3 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** Local date and time to the second, the way a log reads: 2026-11-25 13:28:01. */
export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** What fits in a narrow side bar: 13:28:01 today, Nov 25 13:28 this year, else 2025-11-25. */
export function formatShortTime(epochMs: number, now = Date.now()): string {
  const d = new Date(epochMs);
  const n = new Date(now);
  const p = (x: number) => String(x).padStart(2, '0');
  if (d.toDateString() === n.toDateString()) return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  if (d.getFullYear() === n.getFullYear()) {
    return `${d.toLocaleString('en-US', { month: 'short' })} ${d.getDate()} ${p(d.getHours())}:${p(d.getMinutes())}`;
  }
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function workflowItem(s: WorkflowSummary, path = ''): vscode.TreeItem {
  const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `${path}wf:${s.workflowId}`;
  item.iconPath = statusIcon(s.status);
  const duration = s.completedAt !== null ? formatDuration(s.completedAt - s.createdAt) : '';
  item.description = [s.className, formatShortTime(s.createdAt), duration].filter(Boolean).join(' · ');
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown(`**${escapeMd(s.name)}** — ${escapeMd(s.status)}\n\n`);
  md.appendMarkdown(`ID: \`${s.workflowId.replace(/`/g, "'")}\`\n\n`);
  if (s.className) md.appendMarkdown(`Class: ${escapeMd(s.className)}\n\n`);
  md.appendMarkdown(`Started: ${formatTime(s.createdAt)}${duration ? ` · took ${duration}` : ''}\n\n`);
  if (s.queueName) md.appendMarkdown(`Queue: ${escapeMd(s.queueName)}\n\n`);
  if (s.applicationVersion) md.appendMarkdown(`App version: ${escapeMd(s.applicationVersion)}\n\n`);
  item.tooltip = md;
  // Screen readers (and the end-to-end test) get the ID, which the row itself has no room for.
  item.accessibilityInformation = { label: `${s.name} ${s.status} workflow ${s.workflowId}, ${item.description}` };
  item.contextValue = 'workflow';
  return item;
}

export function operationItem(workflowId: string, op: OperationOutputRow, path = ''): vscode.TreeItem {
  const failed = op.error !== null && op.error !== undefined;
  const item = new vscode.TreeItem(`${op.function_id} ${op.function_name}`,
    op.child_workflow_id ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `${path}op:${workflowId}:${op.function_id}`;
  const took = op.started_at_epoch_ms !== null && op.completed_at_epoch_ms !== null
    ? formatDuration(op.completed_at_epoch_ms - op.started_at_epoch_ms) : '';
  // The icon says ✓ / ✗ (coloured), so the description keeps its room for the duration and the child link.
  item.description = [took, op.child_workflow_id ? `→ child ${op.child_workflow_id}` : ''].filter(Boolean).join(' ');
  item.iconPath = new vscode.ThemeIcon(failed ? 'close' : 'check', new vscode.ThemeColor(failed ? 'testing.iconFailed' : 'testing.iconPassed'));
  item.tooltip = `Step ${op.function_id} of ${workflowId}: ${op.function_name}${failed ? ' (threw)' : ''}` +
    (op.child_workflow_id ? `\nChild workflow: ${op.child_workflow_id}` : '') + `\nSelect to open its recorded ${failed ? 'error' : 'output'}.`;
  item.accessibilityInformation = {
    label: `Step ${op.function_id} ${op.function_name} ${failed ? 'failed' : 'succeeded'}${took ? ' in ' + took : ''}${op.child_workflow_id ? ', child workflow ' + op.child_workflow_id : ''}`,
  };
  item.contextValue = op.child_workflow_id ? 'operation.child' : 'operation';
  item.command = {
    command: 'dbosReplay.openRecordedOutput',
    title: 'Open Recorded Output',
    arguments: [recordedOutputUri(workflowId, op.function_id, op.function_name)],
  };
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

export function messageItem(text: string, icon = 'info'): vscode.TreeItem {
  const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(icon);
  item.contextValue = 'message';
  return item;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => '\\' + c);
}
