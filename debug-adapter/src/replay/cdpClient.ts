// A small typed Chrome DevTools Protocol client over a WebSocket: request/response by id, events, clean close.
// Runs in the debug adapter process.
import WebSocket from 'ws';
import { errors } from '../errors';
import { log } from '../logger';
import type { CdpCommand, CdpCommands, CdpEvent, CdpEvents } from './cdpTypes';
import { Emitter, type Disposable } from './emitter';

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The caller's stack, so a failed call points at the code that made it, not at the socket handler. */
  callerStack: string;
}

/**
 * Node's inspector writes without TCP_NODELAY and this end acknowledges lazily (Linux delays an ACK up to 40 ms), so
 * the second of two quick messages from the debuggee (a step's `resumed` after its response, `paused` after
 * `resumed`) waits ~40 ms for the ACK of the first. Any message of ours carries that ACK: for a short while after
 * the debuggee spoke, a no-op request follows what it said, and its next message goes out at once. (WebSocket
 * ping frames would be cheaper, but Node's inspector closes the connection on them.)
 */
const NUDGE_WINDOW_MS = 50;
const NUDGE_METHOD = 'Runtime.getIsolateId';

export class CdpClient implements Disposable {
  private nextId = 1;
  private lastHeard = 0;
  private nudgeTimer: NodeJS.Timeout | undefined;
  private readonly nudges = new Set<number>();
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();
  private closed = false;
  private readonly closedEmitter = new Emitter<void>();
  /** Fires once when the socket closes (either side). */
  readonly onClose = this.closedEmitter.event;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.onMessage(String(data)));
    socket.on('close', () => this.onClosed('the inspector socket closed'));
    socket.on('error', (e) => {
      log('cdp', `socket error: ${e.message}`);
      this.onClosed(`the inspector socket failed: ${e.message}`);
    });
  }

  /** Opens a connection to an inspector `ws://` URL. */
  static connect(url: string): Promise<CdpClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
      const onError = (e: Error) => {
        reject(errors.inspectorUnreachable(url, e.message));
      };
      socket.once('error', onError);
      socket.once('open', () => {
        socket.off('error', onError);
        log('cdp', `connected to ${url}`);
        resolve(new CdpClient(socket));
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send<M extends CdpCommand>(method: M, params: CdpCommands[M]['params']): Promise<CdpCommands[M]['result']> {
    const callerStack = new Error().stack?.split('\n').slice(2).join('\n') ?? '';
    if (this.closed) {
      return Promise.reject(withStack(errors.cdpClosed(method), callerStack));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, callerStack });
      this.socket.send(JSON.stringify({ id, method, params }), (e) => {
        if (e) this.rejectPending(id, `the message could not be sent: ${e.message}`);
      });
    });
  }

  on<E extends CdpEvent>(event: E, listener: (params: CdpEvents[E]) => void): Disposable {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as (p: unknown) => void;
    set.add(l);
    return { dispose: () => set.delete(l) };
  }

  dispose(): void {
    if (!this.closed) {
      try {
        this.socket.close();
      } catch {
        // already closing
      }
      this.onClosed('the adapter closed the inspector connection');
    }
    this.socket.removeAllListeners('message');
  }

  private onMessage(text: string): void {
    let msg: {
      id?: number;
      method?: string;
      params?: unknown;
      result?: unknown;
      error?: { code: number; message: string };
    };
    try {
      msg = JSON.parse(text);
    } catch {
      log('cdp', `unparseable message dropped (${text.length} chars)`);
      return;
    }
    if (typeof msg.id === 'number' && this.nudges.delete(msg.id)) {
      this.nudgeSoon();
      return;
    }
    this.lastHeard = Date.now();
    this.nudgeSoon();
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) {
        p.reject(withStack(errors.cdpCallFailed(p.method, msg.error.message), p.callerStack));
      } else {
        p.resolve(msg.result ?? {});
      }
      return;
    }
    if (msg.method) {
      for (const l of [...(this.listeners.get(msg.method) ?? [])]) {
        try {
          l(msg.params ?? {});
        } catch (e) {
          log('cdp', `listener for ${msg.method} threw: ${e instanceof Error ? e.stack : String(e)}`);
        }
      }
    }
  }

  private nudgeSoon(): void {
    if (this.nudgeTimer || this.closed) return;
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = undefined;
      if (this.closed || Date.now() - this.lastHeard > NUDGE_WINDOW_MS) return;
      const id = this.nextId++;
      this.nudges.add(id);
      this.socket.send(JSON.stringify({ id, method: NUDGE_METHOD, params: {} }), () => undefined);
    }, 1);
    this.nudgeTimer.unref();
  }

  private rejectPending(id: number, reason: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.reject(withStack(errors.cdpCallClosed(p.method, reason), p.callerStack));
  }

  private onClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.nudgeTimer);
    log('cdp', `closed: ${reason}`);
    for (const id of [...this.pending.keys()]) this.rejectPending(id, reason);
    this.closedEmitter.fire();
    this.closedEmitter.dispose();
  }
}

function withStack(e: Error, callerStack: string): Error {
  e.stack = `${e.name}: ${e.message}\n${callerStack}`;
  return e;
}
