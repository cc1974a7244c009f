/**
 * Output sinks, injectable so commands can be tested in-process.
 *
 * The process's sinks write to file descriptors 1 and 2 directly on Linux, where Node's own
 * process.stdout/stderr writes are synchronous too (files, TTYs and pipes alike), so the bytes and
 * their order are the same; what is saved is creating those streams (for a pipe a net.Socket
 * with its modules, ~4 ms of every command here, and as much again for its first write). A write
 * that fails (a pipe set non-blocking whose reader is behind, a closed pipe) hands what is left
 * of it, and everything after it, to the stream, which does what it always did. Elsewhere the
 * streams are used from the start.
 */
import { writeSync } from 'node:fs';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

/** A sink for `fd`: direct writes until one fails, then `stream()` for the rest (kept in order). */
export interface FdSink {
  write(text: string): void;
  /** Whether the stream was needed (its pending bytes are then the caller's to wait for). */
  readonly usedStream: boolean;
}

export function fdSink(fd: number, stream: () => { write(chunk: string | Uint8Array): unknown }, direct: boolean, write: (fd: number, b: Uint8Array, off: number) => number = writeSync): FdSink {
  let viaStream = !direct;
  return {
    write(text) {
      if (viaStream) {
        stream().write(text);
        return;
      }
      const bytes = Buffer.from(text, 'utf8');
      let off = 0;
      try {
        while (off < bytes.length) off += write(fd, bytes, off);
      } catch {
        viaStream = true;
        stream().write(bytes.subarray(off));
      }
    },
    get usedStream() {
      return viaStream && direct;
    },
  };
}

const direct = process.platform === 'linux';
const stdout = fdSink(1, () => process.stdout, direct);
const stderr = fdSink(2, () => process.stderr, direct);

export const processIO: CliIO = {
  out: (t) => stdout.write(t),
  err: (t) => stderr.write(t),
  // Read when first needed (a progress line, after a second of running): it creates the stream.
  get isTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

/**
 * Whether output the process's sinks wrote is still queued in a stream (the bin waits for it
 * before it exits). Direct writes are done when they return; a stream that was never created
 * holds nothing, and on Linux one that was is written synchronously too, except a pipe the
 * sinks handed over to after a failed write.
 */
export function outputPending(): boolean {
  if (!direct) return process.stdout.writableLength > 0 || process.stderr.writableLength > 0;
  return (stdout.usedStream && process.stdout.writableLength > 0) || (stderr.usedStream && process.stderr.writableLength > 0);
}
