// Finds the user's call site of a durable call: the first stack frame outside the replay runtime.
// Runs in the user's program.
import type { SourceLocation } from '../../../protocol/replayProtocol.js';

const selfFiles = new Set<string>([__filename]);

/** A frame is ours if it is in the runtime bundle (or its sources, when run unbundled in unit tests). */
function isOurs(file: string): boolean {
  return selfFiles.has(file) || file.includes('/replay-runtime/src/') || file.includes('/dist/replay-runtime.js');
}

const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

export function callerLocation(stack?: string): SourceLocation | null {
  let s = stack;
  if (s === undefined) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 60;
    s = new Error().stack ?? '';
    Error.stackTraceLimit = limit;
  }
  for (const line of s.split('\n').slice(1)) {
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[2];
    if (file.startsWith('async ')) file = file.slice(6);
    if (file.startsWith('node:') || file.startsWith('internal/') || file === '<anonymous>' || isOurs(file)) continue;
    const fn = m[1]?.replace(/^async /, '');
    return {
      file,
      line1: Number(m[3]),
      column1: Number(m[4]),
      functionName: fn || undefined,
      text: `${file}:${m[3]}:${m[4]}`,
    };
  }
  return null;
}
