// Reads DAP frames (a Content-Length header, then that many bytes of JSON) from the client's stream: each well-formed
// message is handed on, a malformed frame is reported and skipped, never fatal. Runs in the debug adapter process.
import type { DebugProtocol } from '@vscode/debugprotocol';

const HEADER = Buffer.from('Content-Length:', 'latin1');
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
/** Larger frames are refused: no client sends one; a bigger Content-Length is garbage or hostile. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 1024;

export class DapFrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private bodyLength = -1;
  /** Skipping bytes after a bad header, up to the next Content-Length: reported once with the bad header. */
  private resyncing = false;

  constructor(
    private readonly onMessage: (message: DebugProtocol.ProtocolMessage) => void,
    private readonly onBadFrame: (why: string) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.bodyLength >= 0 ? this.readBody() : this.readHeader());
  }

  /** True when a header was consumed (or garbage dropped) and there may be more to read. */
  private readHeader(): boolean {
    const start = this.buffer.indexOf(HEADER);
    if (start < 0) {
      // Keep a tail that may be the start of a split header; drop the rest.
      const keep = Math.min(this.buffer.length, HEADER.length - 1);
      this.skip(this.buffer.length - keep);
      return false;
    }
    if (start > 0) this.skip(start);
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) {
      if (this.buffer.length > MAX_HEADER_BYTES) {
        this.bad(`a header of more than ${MAX_HEADER_BYTES} bytes without the blank line that ends it`);
        this.buffer = this.buffer.subarray(HEADER.length);
        return true;
      }
      return false;
    }
    const line = this.buffer.toString('latin1', HEADER.length, end).split('\r\n')[0].trim();
    this.buffer = this.buffer.subarray(end + HEADER_END.length);
    const length = /^\d{1,10}$/.test(line) ? Number(line) : NaN;
    if (!Number.isSafeInteger(length) || length > MAX_FRAME_BYTES) {
      this.bad(
        `Content-Length must be a byte count from 0 to ${MAX_FRAME_BYTES}, got ${JSON.stringify(line.slice(0, 24))}`,
      );
      this.resyncing = true;
      return true;
    }
    this.resyncing = false;
    this.bodyLength = length;
    return true;
  }

  private readBody(): boolean {
    if (this.buffer.length < this.bodyLength) return false;
    const body = this.buffer.toString('utf8', 0, this.bodyLength);
    this.buffer = this.buffer.subarray(this.bodyLength);
    const bytes = this.bodyLength;
    this.bodyLength = -1;
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      // The parser's message quotes the body, which may hold a secret: say only what is wrong.
      this.bad(`its ${bytes}-byte body is not JSON`);
      return true;
    }
    const why = notAMessage(message);
    if (why) this.bad(why);
    else this.onMessage(message as DebugProtocol.ProtocolMessage);
    return true;
  }

  private skip(bytes: number): void {
    if (bytes <= 0) return;
    const dropped = this.buffer.subarray(0, bytes);
    this.buffer = this.buffer.subarray(bytes);
    if (!this.resyncing && dropped.toString('latin1').trim().length > 0)
      this.bad(`${bytes} bytes outside any frame (no Content-Length header before them)`);
  }

  private bad(why: string): void {
    this.onBadFrame(why);
  }
}

function notAMessage(m: unknown): string | undefined {
  if (m === null || typeof m !== 'object' || Array.isArray(m))
    return `its body is ${m === null ? 'null' : Array.isArray(m) ? 'an array' : `a ${typeof m}`}, not a DAP message object`;
  const msg = m as { type?: unknown; command?: unknown; seq?: unknown };
  if (msg.type !== 'request' && msg.type !== 'response' && msg.type !== 'event')
    return 'its "type" is not "request", "response" or "event"';
  if (msg.type === 'request' && typeof msg.command !== 'string') return 'the request has no "command" string';
  return undefined;
}
