// The lines of a batch hand-off: the NDJSON batch file read whole, or a pipe (ReplayEnv.batchFd) read as the host
// writes it, a chunk at a time, so a batch of any length is never held in memory. Runs in the user's program.
import { read, readFileSync } from 'node:fs';

/** Every non-blank line of the batch file (the file is read once; `onRead` runs right after, e.g. to remove it). */
export async function* fileLines(file: string, onRead: () => void): AsyncGenerator<string> {
  const text = readFileSync(file, 'utf8');
  onRead();
  for (const line of text.split('\n')) if (line.trim() !== '') yield line;
}

const CHUNK = 256 * 1024;

/**
 * Every non-blank line read from `fd` until end of input. The fd is the child's end of the host's socket pair, which
 * stays blocking: fs.read waits on a thread-pool thread, never on the event loop, and only when the next line is needed
 * (so the host's writes are held back by the pipe, not buffered here).
 */
export async function* fdLines(fd: number): AsyncGenerator<string> {
  const buf = Buffer.alloc(CHUNK);
  let pending: Buffer[] = [];
  for (;;) {
    const n = await new Promise<number>((resolve, reject) =>
      read(fd, buf, 0, CHUNK, null, (e, bytes) => (e ? reject(e) : resolve(bytes))),
    );
    if (n === 0) break;
    let chunk = buf.subarray(0, n);
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10)) {
      const line = Buffer.concat([...pending, chunk.subarray(0, nl)]).toString('utf8');
      pending = [];
      chunk = chunk.subarray(nl + 1);
      if (line.trim() !== '') yield line;
    }
    if (chunk.length > 0) pending.push(Buffer.from(chunk));
  }
  const rest = Buffer.concat(pending).toString('utf8');
  if (rest.trim() !== '') yield rest;
}
