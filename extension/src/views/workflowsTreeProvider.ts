// Data of the Workflows view: recorded workflows newest first, paged, each expanding into its recorded steps.
// Runs in the extension host.
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connection/connectionManager.js';
import type { ExportedWorkflow, WorkflowFilter, WorkflowSummary } from '../history/workflowHistory.js';
import { loadMoreItem, messageItem, operationItem, workflowItem, type WorkflowNode } from './workflowNodes.js';

export class WorkflowsTreeProvider implements vscode.TreeDataProvider<WorkflowNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkflowNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private loaded: WorkflowSummary[] = [];
  private nextCursor: string | null = null;
  private firstPageLoaded = false;
  private loadError: string | undefined;
  private details = new Map<string, Promise<ExportedWorkflow | undefined>>();
  private filter: WorkflowFilter = {};

  constructor(
    private readonly connection: ConnectionManager,
    private readonly log: vscode.LogOutputChannel,
    private readonly pageSize: () => number,
  ) {}

  get currentFilter(): WorkflowFilter {
    return this.filter;
  }

  setFilter(filter: WorkflowFilter): void {
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
      case 'workflow': return workflowItem(node.summary, node.path);
      case 'operation': return operationItem(node.workflowId, node.op, node.path);
      case 'loadMore': return loadMoreItem();
      case 'message': return messageItem(node.text, node.icon);
    }
  }

  async getChildren(node?: WorkflowNode): Promise<WorkflowNode[]> {
    if (!this.connection.history) return []; // the welcome view explains how to connect
    if (!node) return this.rootChildren();
    if (node.kind === 'workflow') return this.operations(node.summary.workflowId, node.path);
    if (node.kind === 'operation' && node.op.child_workflow_id) return this.childWorkflow(node.op.child_workflow_id, node.path);
    return [];
  }

  private async rootChildren(): Promise<WorkflowNode[]> {
    if (!this.firstPageLoaded) await this.loadPage(null);
    if (this.loadError) return [{ kind: 'message', text: this.loadError, icon: 'error' }];
    if (this.loaded.length === 0) {
      return [{ kind: 'message', text: Object.keys(this.filter).length ? 'No recorded workflow matches the filter.' : 'No recorded workflows in this database yet.' }];
    }
    const nodes: WorkflowNode[] = this.loaded.map((summary) => ({ kind: 'workflow', summary, path: '' }));
    if (this.nextCursor) nodes.push({ kind: 'loadMore' });
    return nodes;
  }

  private async loadPage(cursor: string | null): Promise<void> {
    const history = this.connection.history;
    if (!history) return;
    try {
      const page = await history.listWorkflows(this.filter, { limit: this.pageSize(), cursor });
      this.loaded.push(...page.workflows);
      this.nextCursor = page.nextCursor;
      this.loadError = undefined;
      this.log.debug(`Listed ${page.workflows.length} workflows (${this.loaded.length} shown, more: ${page.nextCursor !== null})`);
    } catch (e) {
      this.loadError = `Cannot list workflows: ${e instanceof Error ? e.message : String(e)}`;
      this.log.error(this.loadError);
    }
    this.firstPageLoaded = true;
  }

  /** A workflow's recorded rows, read once per refresh; the output documents read through the same cache. */
  detail(workflowId: string): Promise<ExportedWorkflow | undefined> {
    let p = this.details.get(workflowId);
    if (!p) {
      const history = this.connection.history;
      p = history ? history.getWorkflow(workflowId) : Promise.resolve(undefined);
      p.catch(() => this.details.delete(workflowId));
      this.details.set(workflowId, p);
    }
    return p;
  }

  private async operations(workflowId: string, path: string): Promise<WorkflowNode[]> {
    try {
      const wf = await this.detail(workflowId);
      if (!wf) return [{ kind: 'message', text: `Workflow '${workflowId}' is no longer in the database.`, icon: 'warning' }];
      if (wf.operation_outputs.length === 0) return [{ kind: 'message', text: 'No recorded steps.' }];
      const here = `${path}${workflowId}/`;
      return wf.operation_outputs.map((op) => ({ kind: 'operation', workflowId, op, path: here }));
    } catch (e) {
      const text = `Cannot read workflow '${workflowId}': ${e instanceof Error ? e.message : String(e)}`;
      this.log.error(text);
      return [{ kind: 'message', text, icon: 'error' }];
    }
  }

  private async childWorkflow(childId: string, path: string): Promise<WorkflowNode[]> {
    const wf = await this.detail(childId).catch(() => undefined);
    if (!wf) return [{ kind: 'message', text: `Child workflow '${childId}' is not recorded here.`, icon: 'warning' }];
    const s = wf.workflow_status;
    const summary: WorkflowSummary = {
      workflowId: s.workflow_uuid, name: s.name, className: s.class_name || null, configName: s.config_name || null,
      status: s.status, createdAt: s.created_at, updatedAt: s.updated_at,
      completedAt: s.completed_at ?? (s.status === 'SUCCESS' || s.status === 'ERROR' ? s.updated_at : null),
      queueName: s.queue_name, parentWorkflowId: s.parent_workflow_id ?? null, applicationVersion: s.application_version,
      forkedFrom: s.forked_from ?? null,
    };
    return [{ kind: 'workflow', summary, path }];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
