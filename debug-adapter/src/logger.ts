// Adapter log: lines tagged by area, appended to the file named by --log or DBOS_REPLAY_ADAPTER_LOG (else silent).
// Runs in the debug adapter process. Never logs recorded values or passwords: callers pass only shapes and ids, and
// every line is scrubbed of database passwords as a last line of defence.
import { appendFileSync } from 'node:fs';
import { redactSecrets } from './dapTrace';

export type LogArea = 'dap' | 'cdp' | 'sourcemap' | 'replay' | 'process' | 'breakpoints';

let logFile: string | undefined = process.env.DBOS_REPLAY_ADAPTER_LOG || undefined;

export function setLogFile(file: string | undefined): void {
  logFile = file;
}

export function log(area: LogArea, message: string): void {
  if (!logFile) return;
  try {
    appendFileSync(logFile, `${new Date().toISOString()} [${area}] ${redactSecrets(message)}\n`);
  } catch {
    // A log that cannot be written must never break a debug session.
  }
}
