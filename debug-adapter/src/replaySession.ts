// The DAP side of a replay debug session: translates requests to ReplayController calls and controller events to DAP events.
// Runs in the debug adapter process. Owns only DAP things: handles, 1-based lines, capabilities, error responses.
import {
  Breakpoint,
  BreakpointEvent,
  Event,
  ExitedEvent,
  Handles,
  InitializedEvent,
  LoggingDebugSession,
  OutputEvent,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CustomRequest, type RunToOperationArguments } from '../../protocol/dapProtocol';
import { describeDapMessage, redactSecrets, rememberSecretUrl } from './dapTrace';
import { ErrorCode, errors, toAdapterError } from './errors';
import { validateLaunchArguments, type ReplayLaunchArguments, type ValidatedLaunchArguments } from './launchArguments';
import { log } from './logger';
import { launchPlan, type LaunchPlan } from './replay/launchPlan';
import type { EvaluateContext, StackFrameInfo } from './replay/controllerTypes';
import { ReplayController } from './replay/replayController';
import type { RenderedValue } from './replay/valueRenderer';

const THREAD_ID = 1;
/** How long launch waits for configurationDone before running anyway (a client may never send it). */
const CONFIGURATION_DONE_TIMEOUT_MS = 5000;

/** Exception filters the client can toggle: the replay's own, then V8's. */
export const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  {
    filter: 'divergence',
    label: 'Replay Divergence',
    default: true,
    description: 'Stop at the call where the code departs from the recording (recorded vs called).',
  },
  {
    filter: 'recordedStepError',
    label: 'Recorded Step Errors',
    default: false,
    description: 'Stop at a durable call whose recorded outcome is an error, before it is thrown into the code.',
  },
  {
    filter: 'sideEffect',
    label: 'Side Effects Outside Steps',
    default: false,
    description:
      'Stop at I/O the workflow body does outside a step during the replay (network, files, child processes, DNS). ' +
      'Each is listed in the Debug Console either way.',
  },
  {
    filter: 'uncaught',
    label: 'Uncaught Exceptions',
    default: true,
    description: 'Stop when an exception is not caught by the program.',
  },
  {
    filter: 'caught',
    label: 'Caught Exceptions',
    default: false,
    description: 'Stop at every exception thrown, caught or not.',
  },
];

interface VariableRef {
  objectId: string;
}

export class ReplaySession extends LoggingDebugSession {
  private readonly controller = new ReplayController();
  private readonly variableHandles = new Handles<VariableRef>();
  /** Frame handle → index in the current stop (boxed: Handles treats a stored 0 as missing). */
  private readonly frameHandles = new Handles<{ index: number }>();
  private launchArgs: ValidatedLaunchArguments | undefined;
  private plan: LaunchPlan | undefined;
  private launched = false;
  private terminatedSent = false;
  private resolveConfigurationDone: () => void = () => undefined;
  private readonly configurationDone = new Promise<void>((r) => (this.resolveConfigurationDone = r));
  /** `trace: true` in the launch: every DAP message goes to the adapter log, passwords redacted. */
  private traceDap = false;

  constructor() {
    super();
    // The controller speaks 0-based positions; the library converts to what the client asked for.
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
    this.controller.onStopped((s) => {
      this.resetHandles();
      const e = new StoppedEvent(s.reason, THREAD_ID) as DebugProtocol.StoppedEvent;
      e.body.description = s.description;
      e.body.text = s.text;
      e.body.allThreadsStopped = true;
      if (s.breakpointIds.length > 0) e.body.hitBreakpointIds = s.breakpointIds;
      this.sendEvent(e);
    });
    this.controller.onOutput((o) => this.sendEvent(new OutputEvent(o.text, o.category)));
    this.controller.onBreakpointChanged((b) => {
      this.sendEvent(new BreakpointEvent('changed', this.toDapBreakpoint(b)));
    });
    this.controller.onExited((e) => {
      this.resetHandles();
      this.sendEvent(new OutputEvent(`${e.message}\n`, 'console'));
      this.sendEvent(new ExitedEvent(e.code ?? 1));
      this.sendTerminated();
    });
  }

  /** A message from the client's frame reader (dapFrameReader.ts). A handler's exception is logged, never fatal. */
  receive(message: DebugProtocol.ProtocolMessage): void {
    try {
      this.handleMessage(message);
    } catch (e) {
      log('dap', `handling a ${message.type}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** A frame the reader skipped: said on stderr, in the log and in the Debug Console; the adapter keeps reading. */
  reportBadFrame(why: string): void {
    const text = `dbos-replay debug adapter: skipped a malformed DAP frame: ${why}.`;
    log('dap', text);
    process.stderr.write(`${text}\n`);
    this.sendEvent(new OutputEvent(`${text}\n`, 'stderr'));
  }

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const args = request.arguments as Record<string, unknown> | undefined;
    // Every database URL the client sends: its password is scrubbed from all the adapter sends or logs.
    rememberSecretUrl(args?.databaseUrl);
    rememberSecretUrl((args?.arguments as Record<string, unknown> | undefined)?.databaseUrl);
    if ((request.command === 'launch' || request.command === 'restart') && args) {
      // Set before the launch handler runs, so the launch request itself is traced.
      const traceArg = request.command === 'launch' ? args.trace : (args.arguments as { trace?: unknown })?.trace;
      if (traceArg === true) this.traceDap = true;
    }
    if (request.command === 'initialize') {
      // DAP: pathFormat defaults to 'path'; the library refuses a missing one.
      const init = (args ?? {}) as Partial<DebugProtocol.InitializeRequestArguments>;
      request.arguments = { ...init, pathFormat: init.pathFormat ?? 'path' };
    }
    if (this.traceDap) log('dap', describeDapMessage('→', request));
    super.dispatchRequest(request);
  }

  override sendEvent(event: DebugProtocol.Event): void {
    if (event.event === 'output' && typeof event.body?.output === 'string')
      event.body.output = redactSecrets(event.body.output);
    if (this.traceDap) log('dap', describeDapMessage('←', event));
    super.sendEvent(event);
  }

  override sendResponse(response: DebugProtocol.Response): void {
    if (typeof response.message === 'string') response.message = redactSecrets(response.message);
    const error = (response.body as { error?: DebugProtocol.Message } | undefined)?.error;
    if (error && typeof error.format === 'string') error.format = redactSecrets(error.format);
    if (this.traceDap) log('dap', describeDapMessage('←', response));
    super.sendResponse(response);
  }

  protected override initializeRequest(
    response: DebugProtocol.InitializeResponse,
    _args: DebugProtocol.InitializeRequestArguments,
  ): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsStepBack: true,
      supportsFunctionBreakpoints: true,
      supportsTerminateRequest: true,
      supportsRestartRequest: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS,
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.resolveConfigurationDone();
    this.sendResponse(response);
  }

  protected override launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: DebugProtocol.LaunchRequestArguments & ReplayLaunchArguments,
  ): void {
    this.answer(response, async () => {
      if (this.launched) throw errors.sessionAlreadyLaunched();
      const validated = validateLaunchArguments(args);
      this.launched = true;
      this.launchArgs = validated;
      this.plan = await launchPlan(validated);
      await this.controller.launch(validated, this.plan);
      this.sendEvent(
        new Event('process', {
          name: validated.program ?? validated.modules.join(', '),
          systemProcessId: this.controller.pid,
          isLocalProcess: true,
          startMethod: 'launch',
        }),
      );
      this.sendEvent(new InitializedEvent());
      await Promise.race([this.configurationDone, delay(CONFIGURATION_DONE_TIMEOUT_MS)]);
      await this.controller.run();
    });
  }

  protected override restartRequest(
    response: DebugProtocol.RestartResponse,
    args: DebugProtocol.RestartArguments,
  ): void {
    this.answer(response, async () => {
      if (!this.launchArgs) throw errors.notLaunched('Nothing to restart: launch a program first.');
      const validated = args?.arguments ? validateLaunchArguments(args.arguments) : this.launchArgs;
      if (args?.arguments || !this.plan) {
        const old = this.plan;
        this.plan = await launchPlan(validated);
        await old?.replay?.dispose().catch(() => undefined);
      }
      this.launchArgs = validated;
      this.resetHandles();
      await this.controller.restart(validated, this.plan);
      this.sendEvent(
        new Event('process', {
          name: validated.program ?? '',
          systemProcessId: this.controller.pid,
          isLocalProcess: true,
          startMethod: 'launch',
        }),
      );
    });
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    this.answer(response, async () => {
      const sourcePath = args?.source?.path;
      if (!sourcePath) throw errors.badRequest('setBreakpoints needs a source with a path.');
      const specs = (args.breakpoints ?? []).map((b) => ({
        line0: this.convertClientLineToDebugger(b.line),
        column0: b.column === undefined ? undefined : this.convertClientColumnToDebugger(b.column),
        condition: b.condition,
        hitCondition: b.hitCondition,
        logMessage: b.logMessage,
      }));
      const states = await this.controller.setBreakpoints(sourcePath, specs);
      response.body = { breakpoints: states.map((s) => this.toDapBreakpoint(s)) };
    });
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.answer(response, async () => {
      const filters = new Set(args?.filters ?? []);
      await this.controller.setExceptionFilters({
        uncaught: filters.has('uncaught'),
        caught: filters.has('caught'),
        divergence: filters.has('divergence'),
        recordedStepError: filters.has('recordedStepError'),
        sideEffect: filters.has('sideEffect'),
      });
    });
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    this.answer(response, async () => {
      const specs = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
      const states = await this.controller.setFunctionBreakpoints(
        specs.map((b) => ({ name: String(b?.name ?? ''), condition: b?.condition, hitCondition: b?.hitCondition })),
      );
      response.body = {
        breakpoints: states.map((s) => {
          const bp: DebugProtocol.Breakpoint = { id: s.id, verified: s.verified };
          if (s.message) bp.message = s.message;
          return bp;
        }),
      };
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'main')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    this.answer(response, async () => {
      const frames = await this.controller.stackTrace();
      const start = args?.startFrame ?? 0;
      const levels = args?.levels || frames.length;
      response.body = {
        stackFrames: frames.slice(start, start + levels).map((f) => this.toDapFrame(f)),
        totalFrames: frames.length,
      };
    });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.answer(response, async () => {
      const scopes = await this.controller.scopes(this.frameIndex(args?.frameId));
      response.body = {
        scopes: scopes.map(
          (s) => new Scope(s.name, s.objectId ? this.variableHandles.create({ objectId: s.objectId }) : 0, s.expensive),
        ),
      };
    });
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    this.answer(response, async () => {
      const ref = this.variableHandles.get(args?.variablesReference);
      if (!ref) throw errors.noSuchVariable(args?.variablesReference);
      const props = await this.controller.properties(ref.objectId);
      let variables = props.map((p) => ({ name: p.name, ...this.toDapValue(p) }));
      if (args.start !== undefined || args.count !== undefined)
        variables = variables.slice(args.start ?? 0, (args.start ?? 0) + (args.count ?? variables.length));
      response.body = { variables };
    });
  }

  protected override evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): void {
    this.answer(response, async () => {
      if (typeof args?.expression !== 'string') throw errors.badRequest('evaluate needs an expression.');
      const frameIndex = args.frameId === undefined ? undefined : this.frameIndex(args.frameId);
      const v = await this.controller.evaluate(
        args.expression,
        frameIndex,
        (args.context ?? 'repl') as EvaluateContext,
      );
      const dap = this.toDapValue(v);
      response.body = { result: dap.value, type: dap.type, variablesReference: dap.variablesReference };
    });
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.answer(response, async () => {
      this.resetHandles();
      await this.controller.continue();
      response.body = { allThreadsContinued: true };
    });
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.answer(response, async () => {
      this.resetHandles();
      await this.controller.next();
    });
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.answer(response, async () => {
      this.resetHandles();
      await this.controller.stepIn();
    });
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.answer(response, async () => {
      this.resetHandles();
      await this.controller.stepOut();
    });
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.answer(response, () => this.controller.pause());
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.answer(response, async () => {
      this.resetHandles();
      await this.controller.stepBack();
    });
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.answer(response, async () => {
      this.resetHandles();
      await this.controller.reverseContinue();
    });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.answer(response, () => this.controller.terminate());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    // Dispose in order (process tree, inspector socket, source maps), then answer.
    this.answer(
      response,
      async () => {
        await this.controller.dispose();
        this.resetHandles();
      },
      () => this.shutdown(),
    );
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === CustomRequest.RunToOperation) {
      this.answer(response, async () => {
        const functionId = (args as Partial<RunToOperationArguments> | undefined)?.functionId;
        if (typeof functionId !== 'number' || !Number.isInteger(functionId) || functionId < 0) {
          throw errors.badRequest(
            `${CustomRequest.RunToOperation} needs { functionId }, a recorded operation's function_id (0, 1, …); got ${JSON.stringify(functionId)}.`,
          );
        }
        this.resetHandles();
        await this.controller.runToOperation(functionId);
      });
      return;
    }
    this.sendErrorResponse(response, {
      id: ErrorCode.NotSupported,
      format: `Unknown request '${command}'.`,
      showUser: false,
    });
  }

  /**
   * Runs an async handler and always answers: its body on success, an error response otherwise.
   * (@vscode/debugadapter does not catch rejected promises.)
   */
  private answer<R extends DebugProtocol.Response>(response: R, work: () => Promise<void>, after?: () => void): void {
    let running: Promise<void>;
    try {
      running = work();
    } catch (e) {
      running = Promise.reject(e);
    }
    running
      .then(
        () => this.sendResponse(response),
        (e: unknown) => {
          const err = toAdapterError(e);
          log('dap', `${response.command} failed: ${err.user ? err.message : err.stack}`);
          this.sendErrorResponse(response, {
            id: err.code,
            format: err.message,
            showUser: err.user && isUserFacing(response.command),
          });
        },
      )
      .finally(() => after?.());
  }

  private sendTerminated(): void {
    if (this.terminatedSent) return;
    this.terminatedSent = true;
    this.sendEvent(new TerminatedEvent());
  }

  private resetHandles(): void {
    this.variableHandles.reset();
    this.frameHandles.reset();
  }

  private frameIndex(frameId: number | undefined): number {
    const index = frameId === undefined ? undefined : this.frameHandles.get(frameId)?.index;
    if (index === undefined) throw errors.noSuchFrame(frameId);
    return index;
  }

  private toDapFrame(f: StackFrameInfo): DebugProtocol.StackFrame {
    const source = f.path ? new Source(f.sourceName, f.path) : new Source(f.sourceName);
    if (f.skipped) (source as DebugProtocol.Source).presentationHint = 'deemphasize';
    const frame: DebugProtocol.StackFrame = new StackFrame(
      this.frameHandles.create({ index: f.index }),
      f.name,
      source,
      this.convertDebuggerLineToClient(f.line0),
      this.convertDebuggerColumnToClient(f.column0),
    );
    if (f.skipped) frame.presentationHint = 'subtle';
    return frame;
  }

  private toDapValue(v: RenderedValue): { value: string; type: string; variablesReference: number } {
    return {
      value: v.value,
      type: v.type,
      variablesReference: v.objectId ? this.variableHandles.create({ objectId: v.objectId }) : 0,
    };
  }

  private toDapBreakpoint(s: {
    id: number;
    verified: boolean;
    path: string;
    line0: number;
    column0?: number;
    message?: string;
  }): DebugProtocol.Breakpoint {
    const bp: DebugProtocol.Breakpoint = new Breakpoint(
      s.verified,
      this.convertDebuggerLineToClient(Math.max(s.line0, 0)),
      undefined,
      new Source(pathBase(s.path), s.path),
    );
    bp.id = s.id;
    if (s.column0 !== undefined && s.verified) bp.column = this.convertDebuggerColumnToClient(s.column0);
    if (s.message) bp.message = s.message;
    return bp;
  }
}

/** Errors of requests the user triggers directly are shown; background ones (stack, variables) stay in the UI quietly. */
function isUserFacing(command: string): boolean {
  return ['launch', 'restart', 'attach'].includes(command);
}

function pathBase(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
