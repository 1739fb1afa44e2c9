// Test helper: drives the language server over real LSP JSON-RPC, as a child process on stdio or in-process.
// Runs in the node:test process; the stdio mode starts the built bundle dist/language-server.js.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CodeActionRequest,
  CodeLensRequest,
  createConnection,
  createMessageConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ProposedFeatures,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type CodeLens,
  type Diagnostic,
  type MessageConnection,
  type PublishDiagnosticsParams,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startLanguageServer, type LanguageServerOptions } from '../src/languageServer';

/** Diagnostics as this server sends them: plain-string messages. */
export type Diag = Diagnostic & { message: string };

export const repoRoot = path.resolve(__dirname, '..', '..');
const bundle = path.join(repoRoot, 'dist', 'language-server.js');

export class LspTestClient {
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: Array<() => void> = [];
  readonly transcript: string[] = [];
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  /** window/logMessage texts, in order. */
  readonly logs: string[] = [];
  /** How many workspace/codeLens/refresh requests the server sent. */
  codeLensRefreshes = 0;

  private constructor(
    private readonly connection: MessageConnection,
    private readonly dispose: () => void,
    /** In-process, `exit` would make the server call process.exit() on the test runner itself. */
    private readonly sendExit: boolean,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.transcript.push(`publishDiagnostics ${p.uri} v${p.version}: ${p.diagnostics.length}`);
      this.diagnostics.set(p.uri, p);
      for (const w of this.waiters.splice(0)) w();
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.transcript.push(`log ${p.message}`);
      this.logs.push(p.message);
      for (const w of this.waiters.splice(0)) w();
    });
    connection.onRequest('workspace/codeLens/refresh', () => {
      this.transcript.push('codeLens/refresh');
      this.codeLensRefreshes++;
      for (const w of this.waiters.splice(0)) w();
      return null;
    });
    connection.listen();
  }

  /** `node dist/language-server.js --stdio` as a child process. */
  static async stdio(rootUri?: string, initializationOptions?: unknown): Promise<LspTestClient> {
    const child: ChildProcess = spawn(process.execPath, [bundle, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(conn, () => child.kill(), true);
    await client.initialize(rootUri, process.pid, initializationOptions);
    return client;
  }

  /** The same server in this process over a stream pair, so tests can hand it providers. */
  static async inProcess(options: LanguageServerOptions, rootUri?: string): Promise<LspTestClient> {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = createConnection(
      ProposedFeatures.all,
      new StreamMessageReader(toServer),
      new StreamMessageWriter(toClient),
    );
    startLanguageServer(server, options);
    server.listen();
    const conn = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const client = new LspTestClient(conn, () => server.dispose(), false);
    // No processId: the server's parent watchdog is a never-unref'd interval.
    await client.initialize(rootUri, null);
    return client;
  }

  private async initialize(
    rootUri: string | undefined,
    processId: number | null,
    initializationOptions?: unknown,
  ): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      processId,
      initializationOptions,
      rootUri: rootUri ?? null,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
      capabilities: { workspace: { codeLens: { refreshSupport: true } } },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  /** Opens a document and resolves with the diagnostics published for this version. */
  async open(uri: string, text: string): Promise<Diag[]> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    this.diagnostics.delete(uri);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: uri.endsWith('.js') ? 'javascript' : 'typescript', version: 1, text },
    });
    return this.waitForDiagnostics(uri, 1);
  }

  /** Replaces the whole text (a full-content change) and resolves with the new diagnostics. */
  async change(uri: string, text: string): Promise<Diag[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return this.waitForDiagnostics(uri, version);
  }

  async waitForDiagnostics(uri: string, version: number): Promise<Diag[]> {
    for (;;) {
      const d = this.diagnostics.get(uri);
      if (d && (d.version === undefined || d.version >= version)) return d.diagnostics as Diag[];
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Waits until the diagnostics published for `uri` satisfy `predicate` (e.g. after the workspace scan). */
  async waitForDiagnosticsMatching(uri: string, predicate: (d: Diag[]) => boolean): Promise<Diag[]> {
    for (;;) {
      const d = this.diagnostics.get(uri);
      if (d && predicate(d.diagnostics as Diag[])) return d.diagnostics as Diag[];
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Resolves once `predicate` holds, re-checked after every diagnostics, log message and codeLens/refresh. */
  async waitFor(predicate: () => boolean | Promise<boolean>): Promise<void> {
    for (;;) {
      // Listen before checking, so an event that lands while an async predicate runs is not missed.
      const next = new Promise<void>((r) => this.waiters.push(r));
      if (await predicate()) return;
      await next;
    }
  }

  request<R>(method: string, params?: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params?: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async codeLens(uri: string): Promise<CodeLens[]> {
    return (await this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const r = await this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics },
    });
    return (r ?? []) as CodeAction[];
  }

  /** Applies a WorkspaceEdit's edits for `uri` to the text last sent for it. */
  applyEdit(uri: string, edit: WorkspaceEdit | undefined, text = this.texts.get(uri) ?? ''): string {
    const edits: TextEdit[] = edit?.changes?.[uri] ?? [];
    const doc = TextDocument.create(uri, 'typescript', 1, text);
    return TextDocument.applyEdits(doc, edits);
  }

  async close(): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      if (this.sendExit) await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // Already gone.
    }
    this.connection.dispose();
    this.dispose();
  }
}
