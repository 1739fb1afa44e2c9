// What a paused debuggee shows: its stack mapped to original sources (just my code), a frame's scopes with the
// Workflow scope, and evaluation in a frame or globally (watches, conditions, logpoints). Runs in the debug adapter process.
import path from 'node:path';
import { errors } from '../errors';
import { log } from '../logger';
import { logMessageExpression } from './breakpoints';
import type { CdpClient } from './cdpClient';
import type { CallFrame, RemoteObject } from './cdpTypes';
import type { EvaluateContext, ScopeInfo, StackFrameInfo } from './controllerTypes';
import { urlToPath, type SourceMapStore } from './sourceMaps';
import { renderValue, type RenderedValue } from './valueRenderer';

export interface StackContext {
  urlOf(frame: CallFrame): string;
  sourceMaps: SourceMapStore;
  /** The replay runtime's and hook's scripts: never shown. */
  isHidden(url: string): boolean;
  /** skipFiles: shown, de-emphasized. */
  isSkipped(urlOrPath: string): boolean;
}

/** The stack as the user sees it: hidden frames left out (all shown only if nothing else is left), mapped to sources. */
export async function mapStack(callFrames: CallFrame[], ctx: StackContext): Promise<StackFrameInfo[]> {
  const frames: StackFrameInfo[] = [];
  const hidden = (f: CallFrame) => ctx.isHidden(ctx.urlOf(f));
  const showAll = callFrames.every(hidden);
  for (const [index, f] of callFrames.entries()) {
    if (!showAll && hidden(f)) continue;
    const url = ctx.urlOf(f);
    const map = await ctx.sourceMaps.forScript(f.location.scriptId);
    const original = map?.originalFor(f.location.lineNumber, f.location.columnNumber ?? 0);
    const internal = url.startsWith('node:') || url === '';
    const filePath = original?.path ?? (internal ? undefined : urlToPath(url));
    frames.push({
      index,
      name: f.functionName || '(anonymous)',
      path: filePath,
      sourceName: filePath ? path.basename(filePath) : url || '<unknown>',
      line0: original?.line0 ?? f.location.lineNumber,
      column0: original?.column0 ?? f.location.columnNumber ?? 0,
      skipped: ctx.isSkipped(filePath ?? url),
    });
  }
  return frames;
}

const SCOPE_NAMES: Record<string, string> = {
  local: 'Local',
  closure: 'Closure',
  global: 'Global',
  block: 'Block',
  script: 'Script',
  module: 'Module',
  catch: 'Catch',
  with: 'With',
  eval: 'Eval',
};

/** V8's scope chain with readable names, and the Workflow scope (when replaying) second. */
export function scopesOf(frame: CallFrame, workflowObjectId: string | undefined): ScopeInfo[] {
  const scopes: ScopeInfo[] = frame.scopeChain.map((s) => ({
    name: s.type === 'closure' && s.name ? `Closure (${s.name})` : (SCOPE_NAMES[s.type] ?? s.type),
    objectId: s.object.objectId,
    expensive: s.type === 'global',
  }));
  if (workflowObjectId)
    scopes.splice(Math.min(1, scopes.length), 0, { name: 'Workflow', objectId: workflowObjectId, expensive: false });
  return scopes;
}

/** Evaluates in a paused frame, or globally while running (no frame). Errors carry the exception's message. */
export async function evaluateIn(
  cdp: CdpClient,
  frame: CallFrame | undefined,
  expression: string,
  context: EvaluateContext,
): Promise<RenderedValue> {
  const common = {
    expression,
    silent: context !== 'repl',
    generatePreview: true,
    throwOnSideEffect: context === 'hover',
    includeCommandLineAPI: context === 'repl',
  };
  const result: { result: RemoteObject; exceptionDetails?: { text: string; exception?: RemoteObject } } = frame
    ? await cdp.send('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, ...common })
    : await cdp.send('Runtime.evaluate', common);
  if (result.exceptionDetails) {
    const detail = result.exceptionDetails.exception?.description?.split('\n')[0] ?? result.exceptionDetails.text;
    throw errors.evaluateFailed(detail);
  }
  return renderValue(result.result);
}

/** A condition tested in a frame (a function breakpoint's, at the call site); a throw, or no frame, counts as false. */
export async function conditionHolds(
  cdp: CdpClient,
  frame: CallFrame | undefined,
  condition: string,
): Promise<boolean> {
  if (!frame || cdp.isClosed) return false;
  try {
    const r = await cdp.send('Debugger.evaluateOnCallFrame', {
      callFrameId: frame.callFrameId,
      expression: `!!(${condition}\n)`,
      silent: true,
      returnByValue: true,
    });
    if (r.exceptionDetails) {
      log('replay', `function breakpoint condition threw: ${r.exceptionDetails.text}`);
      return false;
    }
    return r.result.value === true;
  } catch (err) {
    log('replay', `function breakpoint condition failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/** A logpoint's line, its `{expressions}` evaluated in the frame (an error says so); undefined if it cannot run. */
export async function logpointText(
  cdp: CdpClient,
  frame: CallFrame | undefined,
  message: string,
): Promise<string | undefined> {
  if (!frame) return undefined;
  try {
    const r = await cdp.send('Debugger.evaluateOnCallFrame', {
      callFrameId: frame.callFrameId,
      expression: logMessageExpression(message),
      silent: true,
      returnByValue: true,
    });
    return r.exceptionDetails ? `Logpoint error: ${r.exceptionDetails.text}` : String(r.result.value);
  } catch (err) {
    log('replay', `logpoint failed: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
