// Wires the analysis to LSP: diagnostics on open/change, quick fixes, CodeLens, and a background workspace scan.
// Runs in the language server process; transport-agnostic (stdio in production, a stream pair in tests).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, isAnalysable, type FileAnalysis } from './analysis/documentAnalyzer';
import type { RenamedStepFinding } from './analysis/renamedSteps';
import { WorkspaceIndex } from './analysis/workspaceIndex';
import { workflowCodeLenses } from './codeLenses';
import { HistoryService, type HistoryServiceOptions } from './history/historyService';
import {
  CustomRequests,
  SETTINGS_SECTION,
  type InitializationOptions,
  type RefreshHistoryResult,
  type ServerSettings,
} from '../../protocol/languageServerProtocol';
import { noRecordedStepNames, noRunCounts, type RecordedStepNamesProvider, type RunCountsProvider } from './providers';

export interface LanguageServerOptions {
  /**
   * Fixed providers (tests). Without them the server reads the database named by initializationOptions / the
   * `dbosReplay` settings through a HistoryService.
   */
  runCounts?: RunCountsProvider;
  recordedStepNames?: RecordedStepNamesProvider;
  /** Refresh interval and timeouts of the database-backed providers. */
  history?: HistoryServiceOptions;
}

/** A settings object's databaseUrl/schema when it has the section, else undefined. */
function settingsOf(value: unknown): ServerSettings | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : x === null ? null : undefined);
  return { databaseUrl: str(v.databaseUrl), schema: str(v.schema) };
}

export const DIAGNOSTIC_SOURCE = 'dbos-replay';
export const RENAMED_STEP_CODE = 'dbos-replay.renamedStep';
const SCAN_SKIP = new Set(['node_modules', 'dist', 'out', 'build', '.git', 'coverage']);
const SCAN_LIMIT = 5000;

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) =>
    p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function startLanguageServer(connection: Connection, options: LanguageServerOptions = {}): void {
  const fixed = options.runCounts !== undefined || options.recordedStepNames !== undefined;
  const history = fixed
    ? undefined
    : new HistoryService(
        {
          info: (m) => connection.console.info(m),
          warn: (m) => connection.console.warn(m),
        },
        options.history,
      );
  const runCounts: RunCountsProvider = options.runCounts ?? history?.runCounts ?? noRunCounts;
  const stepNames: RecordedStepNamesProvider = options.recordedStepNames ?? history?.stepNames ?? noRecordedStepNames;
  /** A URL connects, null disconnects, '' or absent keeps the current database ('' is the setting's "not set"). */
  const applySettings = (s: ServerSettings | undefined): void => {
    if (!history || !s) return;
    if (s.databaseUrl === null) history.configure(undefined);
    else if (s.databaseUrl) history.configure(s.databaseUrl, s.schema);
  };
  const documents = new TextDocuments(TextDocument);
  const index = new WorkspaceIndex();
  let roots: string[] = [];
  let codeLensRefresh = false;
  let pullConfiguration = false;

  /** The current analysis of an open document: reparsed only when its version moved. */
  const analysisOf = (doc: TextDocument): FileAnalysis => {
    const cached = index.get(doc.uri);
    if (cached && cached.version === doc.version) return cached;
    const a = analyzeDocument(doc.uri, doc.getText(), doc.version);
    index.set(a);
    return a;
  };

  const renamedSteps = (uri: string): RenamedStepFinding[] => index.renamedSteps(uri, stepNames);

  const publish = (doc: TextDocument): void => {
    if (!isAnalysable(doc.uri)) return;
    const a = analysisOf(doc);
    const diagnostics: Diagnostic[] = a.findings.map((f) => ({
      range: f.range,
      severity: DiagnosticSeverity.Warning,
      source: DIAGNOSTIC_SOURCE,
      code: f.code,
      message: f.message,
    }));
    for (const r of renamedSteps(doc.uri)) {
      diagnostics.push({
        range: r.range,
        severity: DiagnosticSeverity.Warning,
        source: DIAGNOSTIC_SOURCE,
        code: RENAMED_STEP_CODE,
        message: r.message,
      });
    }
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  };

  connection.onInitialize((params): InitializeResult => {
    roots = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (roots.length === 0 && params.rootUri) roots = [params.rootUri];
    codeLensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    applySettings(settingsOf(params.initializationOptions) as InitializationOptions | undefined);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'dbos-replay-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    void scanWorkspace();
  });

  // Settings: pushed as settings.dbosReplay, or (a null/other push) pulled when the client supports it.
  connection.onNotification(DidChangeConfigurationNotification.type, (params) => {
    if (!history) return;
    const pushed = settingsOf((params?.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION]);
    if (pushed) applySettings(pushed);
    else if (pullConfiguration)
      void connection.workspace.getConfiguration(SETTINGS_SECTION).then(
        (v) => applySettings(settingsOf(v)),
        () => {},
      );
  });

  connection.onRequest(CustomRequests.refreshHistory, async (): Promise<RefreshHistoryResult> =>
    history
      ? history.refresh()
      : { connected: false, workflows: 0, error: 'This server runs with fixed history providers.' },
  );

  connection.onShutdown(() => history?.dispose());

  /** Indexes workspace files that are not open (cross-file step names), yielding between files so typing wins. */
  const scanWorkspace = async (): Promise<void> => {
    const t0 = performance.now();
    let count = 0;
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (count >= SCAN_LIMIT) return;
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (!SCAN_SKIP.has(e.name) && !e.name.startsWith('.')) await walk(p);
        } else if (isAnalysable(e.name)) {
          const uri = pathToFileURL(p).toString();
          if (documents.get(uri)) continue;
          const text = await fsp.readFile(p, 'utf8').catch(() => undefined);
          if (text === undefined || documents.get(uri)) continue;
          index.set(analyzeDocument(uri, text, -1));
          count++;
          await new Promise<void>((r) => setImmediate(r));
        }
      }
    };
    for (const root of roots) {
      if (root.startsWith('file:')) await walk(fileURLToPath(root));
    }
    connection.console.log(`[index] scanned ${count} files in ${Math.round(performance.now() - t0)} ms`);
    // Cross-file step names may now resolve: refresh what open documents show.
    for (const doc of documents.all()) publish(doc);
  };

  documents.onDidChangeContent((e) => publish(e.document));
  documents.onDidClose((e) => {
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeLens((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || !isAnalysable(doc.uri)) return [];
    return workflowCodeLenses(doc.uri, analysisOf(doc).workflows, runCounts);
  });

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || !isAnalysable(doc.uri)) return [];
    const a = analysisOf(doc);
    const actions: CodeAction[] = [];
    const diagnosticFor = (range: Range, code: string): Diagnostic | undefined =>
      params.context.diagnostics.find(
        (d) =>
          d.code === code &&
          d.range.start.line === range.start.line &&
          d.range.start.character === range.start.character,
      );
    for (const f of a.findings) {
      if (!overlaps(f.range, params.range)) continue;
      const diag = diagnosticFor(f.range, f.code);
      for (const fix of f.fixes) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          isPreferred: fix.preferred,
          diagnostics: diag ? [diag] : undefined,
          edit: { changes: { [doc.uri]: fix.edits } },
        });
      }
    }
    for (const r of renamedSteps(doc.uri)) {
      if (!overlaps(r.range, params.range) || r.renamedFrom === undefined || !r.nameEdit) continue;
      const { uri, site } = r.nameEdit;
      const literal = `'${r.renamedFrom.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      const edit: TextEdit =
        site.kind === 'replaceLiteral'
          ? { range: site.range, newText: literal }
          : { range: { start: site.position, end: site.position }, newText: `${site.prefix}${literal}${site.suffix}` };
      const diag = diagnosticFor(r.range, RENAMED_STEP_CODE);
      actions.push({
        title: `Keep recording the step as '${r.renamedFrom}'`,
        kind: CodeActionKind.QuickFix,
        isPreferred: true,
        diagnostics: diag ? [diag] : undefined,
        edit: { changes: { [uri]: [edit] } },
      });
    }
    return actions;
  });

  const onHistoryChanged = (): void => {
    if (codeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type);
    for (const doc of documents.all()) publish(doc);
  };
  runCounts.onDidChange?.(onHistoryChanged);
  if (stepNames !== (runCounts as unknown)) stepNames.onDidChange?.(onHistoryChanged);

  documents.listen(connection);
}
