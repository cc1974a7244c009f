/**
 * Output sinks, injectable so commands can be tested in-process.
 *
 * The process's sinks write to file descriptors 1 and 2 directly on Linux: the same bytes in the
 * same order, each write done when it returns (for a file or a TTY so are the streams' writes;
 * for a pipe, whose stream writes in the background, the bin's exit waits for those anyway). What
 * is saved is creating the streams (for a pipe a net.Socket with its modules, ~4 ms of every
 * command here, and as much again for its first write). A write that fails (a pipe set
 * non-blocking whose reader is behind, a closed pipe) hands what is left of it, and everything
 * after it, to the stream, which does what it always did. Elsewhere the streams are used from
 * the start.
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
  /** Whether a direct write failed and the stream took over. */
  readonly handedOver: boolean;
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
    get handedOver() {
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
 * Whether the bin must let the process end by itself rather than exit at once: output is still
 * being written, or a direct write failed (the stream then reports the failure, an EPIPE say,
 * as it did before, which an early exit would cut off). Direct writes are done when they
 * return, and so are a file's or a TTY's stream writes; a pipe's stream writes asynchronously,
 * and a write still under way is an active write request (SimpleWriteWrap, WriteWrap) of the
 * process. Asking the streams themselves would create them.
 */
export function outputPending(): boolean {
  if (!direct) return process.stdout.writableLength > 0 || process.stderr.writableLength > 0;
  return stdout.handedOver || stderr.handedOver || process.getActiveResourcesInfo().some((r) => r.endsWith('WriteWrap'));
}
