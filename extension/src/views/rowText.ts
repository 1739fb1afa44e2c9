// The words and numbers on the Workflows view's rows: durations, times, sizes, the workflow row's description.
// Runs in the extension host; pure (no 'vscode'), unit-tested.
import type { WorkflowSummary } from '../history/workflowHistory.js';

/** 12 B, 3.4 KB, 2.1 MB: how big a stored value is, without decoding it. */
export function formatSize(chars: number): string {
  if (chars < 1024) return `${chars} B`;
  if (chars < 1024 * 1024) return `${(chars / 1024).toFixed(1)} KB`;
  return `${(chars / 1024 / 1024).toFixed(1)} MB`;
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

/** What the row says after the name: `checkout-ok · Shop · 13:47:41 · 467 ms` (the ID tells same-named runs apart). */
export function workflowDescription(s: WorkflowSummary, now = Date.now()): string {
  const duration = s.completedAt !== null ? formatDuration(s.completedAt - s.createdAt) : '';
  return [s.workflowId, s.className, formatShortTime(s.createdAt, now), duration].filter(Boolean).join(' · ');
}

/** `workflow;status=PENDING`: menus match on the prefix and on the status (cancel, resume). */
export function workflowContextValue(s: WorkflowSummary): string {
  return `workflow;status=${s.status}`;
}
