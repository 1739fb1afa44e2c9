// Test support: the bundled adapter spawned as a plain child process, spoken to in raw DAP frames (malformed ones too),
// and the processes it started found in /proc. Runs in the test process (node:test).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterBundle } from './dapHarness';

const WAIT_MS = 30000;

export class RawAdapter {
  readonly child: ChildProcess;
  readonly messages: DebugProtocol.ProtocolMessage[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private buffer = Buffer.alloc(0);
  private seq = 1;
  private waiters: (() => void)[] = [];

  constructor(env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [adapterBundle], { stdio: 'pipe', env: { ...process.env, ...env } });
    this.child.stdout!.on('data', (d: Buffer) => this.onData(d));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => this.wake());
  }

  get pid(): number {
    return this.child.pid!;
  }

  writeRaw(bytes: string | Buffer): void {
    this.child.stdin!.write(bytes);
  }

  /** A frame with a correct Content-Length around any body. */
  static frame(body: string): string {
    return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  }

  request(command: string, args?: unknown): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    this.writeRaw(RawAdapter.frame(JSON.stringify({ seq, type: 'request', command, arguments: args })));
    return this.waitFor(
      (m) => m.type === 'response' && (m as DebugProtocol.Response).request_seq === seq,
      `response to ${command}`,
    ) as Promise<DebugProtocol.Response>;
  }

  event(name: string, pred: (e: DebugProtocol.Event) => boolean = () => true): Promise<DebugProtocol.Event> {
    return this.waitFor(
      (m) => m.type === 'event' && (m as DebugProtocol.Event).event === name && pred(m as DebugProtocol.Event),
      `event ${name}`,
    ) as Promise<DebugProtocol.Event>;
  }

  async waitFor(
    pred: (m: DebugProtocol.ProtocolMessage) => boolean,
    what: string,
  ): Promise<DebugProtocol.ProtocolMessage> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`the adapter exited before ${what}; stderr:\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) break;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.toString('latin1', 0, end))![1]);
      if (this.buffer.length < end + 4 + length) break;
      this.messages.push(JSON.parse(this.buffer.toString('utf8', end + 4, end + 4 + length)));
      this.buffer = this.buffer.subarray(end + 4 + length);
    }
    this.wake();
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Live processes (not zombies) whose parent is `ppid`, with their command lines. */
export function childrenOf(ppid: number): { pid: number; args: string }[] {
  const out: { pid: number; args: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== ppid || fields[0] === 'Z') continue;
      out.push({ pid: Number(name), args: readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Whether a process is alive (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
