// Test support: a DebugClient against the bundled adapter, with an event log to wait on and a transcript printed on failure.
// Runs in the test process (node:test).
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const programsDir = path.join(__dirname, 'programs');
export const adapterBundle = path.join(repoRoot, 'dist', 'debug-adapter.js');
const TIMEOUT_MS = 20000;

/** Launch arguments running a TypeScript test program through tsx. */
export function tsxLaunch(program: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    program: path.join(programsDir, program),
    cwd: repoRoot,
    runtimeExecutable: process.execPath,
    runtimeArgs: ['--import', 'tsx'],
    ...extra,
  };
}

/** Compiles a test program like tsc with an outDir: `<tmp>/out/<name>.js` plus a `.js.map` pointing back at the .ts. */
export function compileToOutDir(program: string): { js: string; outDir: string } {
  const src = path.join(programsDir, program);
  const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'dbos-replay-adapter-')), 'out');
  const js = path.join(outDir, program.replace(/\.ts$/, '.js'));
  const r = ts.transpileModule(readFileSync(src, 'utf8'), {
    fileName: src,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true, strict: true },
  });
  const map = JSON.parse(r.sourceMapText!);
  map.file = path.basename(js);
  map.sources = [path.relative(outDir, src)];
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    js,
    r.outputText.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${path.basename(js)}.map`),
  );
  writeFileSync(`${js}.map`, JSON.stringify(map));
  return { js, outDir };
}

export class DapTest {
  readonly dc = new DebugClient(process.execPath, adapterBundle, 'dbos-replay');
  readonly transcript: string[] = [];
  readonly events: DebugProtocol.Event[] = [];
  private readonly consumed = new Set<DebugProtocol.Event>();
  private waiters: (() => void)[] = [];

  constructor() {
    this.dc.defaultTimeout = TIMEOUT_MS;
    const anyDc = this.dc as unknown as {
      doSend(c: string, a: unknown, cb: (r: DebugProtocol.Response) => void): void;
      dispatch(body: string): void;
    };
    const doSend = anyDc.doSend.bind(this.dc);
    anyDc.doSend = (command, args, cb) => {
      this.transcript.push(`→ ${command} ${JSON.stringify(args ?? {})}`);
      doSend(command, args, cb);
    };
    const dispatch = anyDc.dispatch.bind(this.dc);
    anyDc.dispatch = (body: string) => {
      const msg = JSON.parse(body) as DebugProtocol.ProtocolMessage;
      this.transcript.push(`← ${body.length > 600 ? `${body.slice(0, 600)}…` : body}`);
      if (msg.type === 'event') {
        this.events.push(msg as DebugProtocol.Event);
        for (const w of this.waiters.splice(0)) w();
      }
      dispatch(body);
    };
  }

  async start(): Promise<void> {
    await this.dc.start();
  }

  /** The first not-yet-consumed event with this name (matching `pred`), waiting for it if needed. */
  async waitFor<E extends DebugProtocol.Event = DebugProtocol.Event>(
    name: string,
    pred: (e: E) => boolean = () => true,
    timeoutMs = TIMEOUT_MS,
  ): Promise<E> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === name && !this.consumed.has(e) && pred(e as E));
      if (found) {
        this.consumed.add(found);
        return found as E;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '${name}' event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** initialize → launch, answering `initialized` with the given breakpoints, exception filters and configurationDone. */
  async launch(
    args: Record<string, unknown>,
    breakpoints: { path: string; breakpoints: DebugProtocol.SourceBreakpoint[] }[] = [],
    filters: string[] = [],
  ): Promise<DebugProtocol.SetBreakpointsResponse[]> {
    await this.dc.initializeRequest({
      adapterID: 'dbos-replay',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
    });
    const launching = this.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
    const configured = (async () => {
      await this.waitFor('initialized');
      const responses = [];
      for (const b of breakpoints)
        responses.push(await this.dc.setBreakpointsRequest({ source: { path: b.path }, breakpoints: b.breakpoints }));
      await this.dc.setExceptionBreakpointsRequest({ filters });
      await this.dc.configurationDoneRequest();
      return responses;
    })();
    const [responses] = await Promise.all([Promise.race([configured, launching.then(() => configured)]), launching]);
    return responses;
  }

  async stopped(reason?: string): Promise<DebugProtocol.StoppedEvent> {
    return this.waitFor<DebugProtocol.StoppedEvent>('stopped', (e) => reason === undefined || e.body.reason === reason);
  }

  async topFrame(): Promise<DebugProtocol.StackFrame> {
    const st = await this.dc.stackTraceRequest({ threadId: 1 });
    return st.body.stackFrames[0];
  }

  /** Variables of the top frame's first scope, by name. */
  async locals(): Promise<Map<string, DebugProtocol.Variable>> {
    const frame = await this.topFrame();
    const scopes = await this.dc.scopesRequest({ frameId: frame.id });
    const vars = await this.dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
    return new Map(vars.body.variables.map((v) => [v.name, v]));
  }

  async evaluate(expression: string, context = 'watch'): Promise<string> {
    const frame = await this.topFrame();
    const r = await this.dc.evaluateRequest({ expression, frameId: frame.id, context });
    return r.body.result;
  }

  async stop(): Promise<void> {
    await this.dc.stop();
  }
}

/** Runs a test body with a fresh adapter; prints the DAP transcript only if it fails. */
export async function withAdapter(body: (t: DapTest) => Promise<void>): Promise<void> {
  const t = new DapTest();
  await t.start();
  try {
    await body(t);
  } catch (e) {
    process.stderr.write(`--- DAP transcript ---\n${t.transcript.join('\n')}\n--- end of transcript ---\n`);
    throw e;
  } finally {
    await t.stop();
  }
}

/** A small deterministic PRNG (an LCG), so a failing random test can be replayed from its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
