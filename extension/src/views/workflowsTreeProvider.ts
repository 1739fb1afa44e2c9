// Data of the Workflows view: recorded workflows newest first, paged, each expanding into its recorded steps.
// Runs in the extension host.
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connection/connectionManager.js';
import { messageForExtension, type WorkflowDetail, type WorkflowSummary } from '../history/workflowHistory.js';
import { splitViewFilter, type ViewFilter } from '../languageServer/lensArguments.js';
import { errors } from '../errors.js';
import {
  eventItem,
  eventVersionItem,
  groupItem,
  infoItem,
  loadMoreItem,
  messageItem,
  operationItem,
  workflowItem,
  type WorkflowNode,
} from './workflowNodes.js';

export class WorkflowsTreeProvider implements vscode.TreeDataProvider<WorkflowNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkflowNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private loaded: WorkflowSummary[] = [];
  private nextCursor: string | null = null;
  private firstPageLoaded = false;
  private loadError: string | undefined;
  private details = new Map<string, Promise<WorkflowDetail>>();
  private filter: ViewFilter = {};

  constructor(
    private readonly connection: ConnectionManager,
    private readonly log: vscode.LogOutputChannel,
    private readonly pageSize: () => number,
  ) {}

  get currentFilter(): ViewFilter {
    return this.filter;
  }

  setFilter(filter: ViewFilter): void {
    this.filter = filter;
    this.refresh();
  }

  /** Forgets everything loaded and reads the first page again. */
  refresh(): void {
    this.loaded = [];
    this.nextCursor = null;
    this.firstPageLoaded = false;
    this.loadError = undefined;
    this.details.clear();
    this.changed.fire(undefined);
  }

  async loadMore(): Promise<void> {
    const history = this.connection.history;
    if (!history || !this.nextCursor) return;
    await this.loadPage(this.nextCursor);
    this.changed.fire(undefined);
  }

  getTreeItem(node: WorkflowNode): vscode.TreeItem {
    switch (node.kind) {
      case 'workflow':
        return workflowItem(node.summary, node.path);
      case 'operation':
        return operationItem(node.workflowId, node.op, node.path);
      case 'group':
        return groupItem(node);
      case 'event':
        return eventItem(node);
      case 'eventVersion':
        return eventVersionItem(node);
      case 'message':
        return messageItem(node);
      case 'loadMore':
        return loadMoreItem();
      case 'info':
        return infoItem(node.text, node.icon);
    }
  }

  async getChildren(node?: WorkflowNode): Promise<WorkflowNode[]> {
    if (!this.connection.history) return []; // the welcome view explains how to connect
    if (!node) return this.rootChildren();
    switch (node.kind) {
      case 'workflow':
        return this.workflowChildren(node.summary.workflowId, node.path);
      case 'operation':
        return node.op.child_workflow_id ? this.childWorkflow(node.op.child_workflow_id, node.path) : [];
      case 'group':
        return this.groupChildren(node);
      case 'event':
        return node.versions.map((version) => ({
          kind: 'eventVersion',
          workflowId: node.workflowId,
          version,
          path: node.path,
        }));
      default:
        return [];
    }
  }

  private async rootChildren(): Promise<WorkflowNode[]> {
    if (!this.firstPageLoaded) await this.loadPage(null);
    if (this.loadError) return [{ kind: 'info', text: this.loadError, icon: 'error' }];
    if (this.loaded.length === 0) {
      return [
        {
          kind: 'info',
          text: Object.keys(this.filter).length
            ? 'No recorded workflow matches the filter.'
            : 'No recorded workflows in this database yet.',
        },
      ];
    }
    const nodes: WorkflowNode[] = this.loaded.map((summary) => ({ kind: 'workflow', summary, path: '' }));
    if (this.nextCursor) nodes.push({ kind: 'loadMore' });
    return nodes;
  }

  private async loadPage(cursor: string | null): Promise<void> {
    const history = this.connection.history;
    if (!history) return;
    try {
      const { query, keep } = splitViewFilter(this.filter);
      const page = await history.listWorkflows(query, { limit: this.pageSize(), cursor });
      this.loaded.push(...page.workflows.filter(keep));
      this.nextCursor = page.nextCursor;
      this.loadError = undefined;
      this.log.debug(
        `Listed ${page.workflows.length} workflows (${this.loaded.length} shown, more: ${page.nextCursor !== null})`,
      );
    } catch (e) {
      this.loadError = `Cannot list workflows: ${messageForExtension(e)}`;
      this.log.error(this.loadError);
    }
    this.firstPageLoaded = true;
  }

  /** A workflow's recorded rows, read once per refresh; the value documents read through the same cache. */
  detail(workflowId: string): Promise<WorkflowDetail> {
    let p = this.details.get(workflowId);
    if (!p) {
      const history = this.connection.history;
      p = history ? history.getWorkflow(workflowId) : Promise.reject(errors.notConnected());
      p.catch(() => this.details.delete(workflowId));
      this.details.set(workflowId, p);
    }
    return p;
  }

  /** The step rows in order, then Children, Events and Messages when there are any. */
  private async workflowChildren(workflowId: string, path: string): Promise<WorkflowNode[]> {
    let d: WorkflowDetail;
    try {
      d = await this.detail(workflowId);
    } catch (e) {
      const text = `Cannot read workflow '${workflowId}': ${messageForExtension(e)}`;
      this.log.error(text);
      return [{ kind: 'info', text, icon: 'error' }];
    }
    const here = `${path}${workflowId}/`;
    const nodes: WorkflowNode[] = d.exported.operation_outputs.map((op) => ({
      kind: 'operation',
      workflowId,
      op,
      path: here,
    }));
    if (nodes.length === 0) nodes.push({ kind: 'info', text: 'No recorded steps.' });
    if (d.children.length)
      nodes.push({ kind: 'group', group: 'children', workflowId, count: d.children.length, path: here });
    if (d.exported.workflow_events.length)
      nodes.push({ kind: 'group', group: 'events', workflowId, count: d.exported.workflow_events.length, path: here });
    if (d.notifications.length)
      nodes.push({ kind: 'group', group: 'messages', workflowId, count: d.notifications.length, path: here });
    return nodes;
  }

  private async groupChildren(node: Extract<WorkflowNode, { kind: 'group' }>): Promise<WorkflowNode[]> {
    const d = await this.detail(node.workflowId);
    const path = `${node.path}${node.group}/`;
    switch (node.group) {
      case 'children':
        return d.children.map((summary) => ({ kind: 'workflow', summary, path }));
      case 'events':
        return d.exported.workflow_events.map((e) => ({
          kind: 'event',
          workflowId: node.workflowId,
          key: e.key,
          valueLength: e.value?.length ?? 0,
          path,
          versions: d.exported.workflow_events_history
            .filter((h) => h.key === e.key)
            .sort((a, b) => a.function_id - b.function_id),
        }));
      case 'messages':
        return d.notifications.map((note, index) => ({
          kind: 'message',
          workflowId: node.workflowId,
          note,
          index,
          path,
        }));
    }
  }

  private async childWorkflow(childId: string, path: string): Promise<WorkflowNode[]> {
    try {
      const d = await this.detail(childId);
      return [{ kind: 'workflow', summary: d.summary, path }];
    } catch (e) {
      return [
        {
          kind: 'info',
          text: `Child workflow '${childId}' is not recorded here: ${messageForExtension(e)}`,
          icon: 'warning',
        },
      ];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
