// The subset of the Chrome DevTools Protocol (Debugger, Runtime, NodeRuntime domains) the adapter uses, typed.
// Runs in the debug adapter process. Positions here are 0-based, as in CDP.

export interface RemoteObject {
  type: 'object' | 'function' | 'undefined' | 'string' | 'number' | 'boolean' | 'symbol' | 'bigint';
  subtype?: string;
  className?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  objectId?: string;
  preview?: ObjectPreview;
}

export interface ObjectPreview {
  type: string;
  subtype?: string;
  description?: string;
  overflow: boolean;
  properties: PropertyPreview[];
  entries?: { key?: ObjectPreview; value: ObjectPreview }[];
}

export interface PropertyPreview {
  name: string;
  type: string;
  value?: string;
  valuePreview?: ObjectPreview;
  subtype?: string;
}

export interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
  get?: RemoteObject;
  set?: RemoteObject;
  enumerable: boolean;
  isOwn?: boolean;
  symbol?: RemoteObject;
}

export interface InternalPropertyDescriptor {
  name: string;
  value?: RemoteObject;
}

export interface ExceptionDetails {
  exceptionId: number;
  text: string;
  lineNumber: number;
  columnNumber: number;
  url?: string;
  exception?: RemoteObject;
}

export interface Location {
  scriptId: string;
  lineNumber: number;
  columnNumber?: number;
}

export interface Scope {
  type:
    | 'global'
    | 'local'
    | 'with'
    | 'closure'
    | 'catch'
    | 'block'
    | 'script'
    | 'eval'
    | 'module'
    | 'wasm-expression-stack';
  object: RemoteObject;
  name?: string;
}

export interface CallFrame {
  callFrameId: string;
  functionName: string;
  location: Location;
  url: string;
  scopeChain: Scope[];
  this: RemoteObject;
}

export interface ScriptParsedEvent {
  scriptId: string;
  url: string;
  sourceMapURL?: string;
  hash?: string;
  executionContextId?: number;
}

export interface PausedEvent {
  callFrames: CallFrame[];
  reason: string;
  data?: Record<string, unknown> & Partial<RemoteObject>;
  hitBreakpoints?: string[];
}

export interface EvaluateResult {
  result: RemoteObject;
  exceptionDetails?: ExceptionDetails;
}

/** Command name → params and result. */
export interface CdpCommands {
  'Runtime.enable': { params: Record<string, never>; result: Record<string, never> };
  'Runtime.runIfWaitingForDebugger': { params: Record<string, never>; result: Record<string, never> };
  'Runtime.getProperties': {
    params: { objectId: string; ownProperties?: boolean; accessorPropertiesOnly?: boolean; generatePreview?: boolean };
    result: {
      result: PropertyDescriptor[];
      internalProperties?: InternalPropertyDescriptor[];
      exceptionDetails?: ExceptionDetails;
    };
  };
  'Runtime.addBinding': { params: { name: string }; result: Record<string, never> };
  'Runtime.releaseObjectGroup': { params: { objectGroup: string }; result: Record<string, never> };
  'Runtime.evaluate': {
    params: {
      expression: string;
      objectGroup?: string;
      silent?: boolean;
      returnByValue?: boolean;
      generatePreview?: boolean;
      throwOnSideEffect?: boolean;
      includeCommandLineAPI?: boolean;
      timeout?: number;
    };
    result: EvaluateResult;
  };
  'Runtime.callFunctionOn': {
    params: { functionDeclaration: string; objectId: string; returnByValue?: boolean; silent?: boolean };
    result: EvaluateResult;
  };
  'Debugger.enable': { params: { maxScriptsCacheSize?: number }; result: { debuggerId: string } };
  'Debugger.setInstrumentationBreakpoint': {
    params: { instrumentation: 'beforeScriptExecution' | 'beforeScriptWithSourceMapExecution' };
    result: { breakpointId: string };
  };
  'Debugger.setBreakpointByUrl': {
    params: { lineNumber: number; url?: string; urlRegex?: string; columnNumber?: number; condition?: string };
    result: { breakpointId: string; locations: Location[] };
  };
  'Debugger.setBreakpoint': {
    params: { location: Location; condition?: string };
    result: { breakpointId: string; actualLocation: Location };
  };
  'Debugger.removeBreakpoint': { params: { breakpointId: string }; result: Record<string, never> };
  'Debugger.getPossibleBreakpoints': {
    params: { start: Location; end?: Location; restrictToFunction?: boolean };
    result: { locations: Location[] };
  };
  'Debugger.setPauseOnExceptions': {
    params: { state: 'none' | 'uncaught' | 'all' | 'caught' };
    result: Record<string, never>;
  };
  'Debugger.setBlackboxPatterns': { params: { patterns: string[] }; result: Record<string, never> };
  'Debugger.resume': { params: Record<string, never>; result: Record<string, never> };
  'Debugger.pause': { params: Record<string, never>; result: Record<string, never> };
  'Debugger.stepOver': { params: Record<string, never>; result: Record<string, never> };
  'Debugger.stepInto': { params: Record<string, never>; result: Record<string, never> };
  'Debugger.stepOut': { params: Record<string, never>; result: Record<string, never> };
  'Debugger.evaluateOnCallFrame': {
    params: {
      callFrameId: string;
      expression: string;
      silent?: boolean;
      generatePreview?: boolean;
      returnByValue?: boolean;
      throwOnSideEffect?: boolean;
      includeCommandLineAPI?: boolean;
      timeout?: number;
    };
    result: EvaluateResult;
  };
  'NodeRuntime.notifyWhenWaitingForDisconnect': { params: { enabled: boolean }; result: Record<string, never> };
}

/** Event name → params. */
export interface CdpEvents {
  'Debugger.scriptParsed': ScriptParsedEvent;
  'Debugger.paused': PausedEvent;
  'Debugger.resumed': Record<string, never>;
  'Debugger.breakpointResolved': { breakpointId: string; location: Location };
  'Runtime.executionContextDestroyed': { executionContextId: number };
  'Runtime.exceptionThrown': { timestamp: number; exceptionDetails: ExceptionDetails };
  'Runtime.bindingCalled': { name: string; payload: string; executionContextId: number };
  'NodeRuntime.waitingForDisconnect': Record<string, never>;
}

export type CdpCommand = keyof CdpCommands;
export type CdpEvent = keyof CdpEvents;
