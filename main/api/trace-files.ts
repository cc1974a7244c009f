/**
 * Trace files for the trace-replay workload, on the Node side: where a spec's `file` resolves to
 * (an absolute path as it is, a relative one under the lab's resources/traces), its SHA-256, and
 * a streaming chunk source the engine reads it through (1 MiB at a time, UTF-8 decoded across
 * chunk boundaries, the digest checked when the end is reached, so a file that changed after the
 * run was prepared fails the run instead of replaying something else).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ChunkSource } from '../common/trace/reader';
import { resourcesDir } from './resources';

const CHUNK = 1 << 20;

/** The path a spec's trace `file` names. */
export function resolveTraceFile(file: string): string {
  return isAbsolute(file) ? file : join(resourcesDir(), 'traces', file);
}

/** Why a trace file cannot be read, or null. */
export function traceFileProblem(file: string): string | null {
  const path = resolveTraceFile(file);
  try {
    if (!statSync(path).isFile()) return `${path} is not a file`;
    closeSync(openSync(path, 'r'));
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `no trace file ${path}` : `cannot read trace file ${path} (${code ?? String(e)})`;
  }
}

const digests = new Map<string, { key: string; sha256: string }>();

/** SHA-256 of a trace file's bytes, read in chunks (remembered while its size and mtime stay). */
export function traceSha256(file: string): string {
  const path = resolveTraceFile(file);
  const st = statSync(path);
  const key = `${st.size}:${st.mtimeMs}`;
  const known = digests.get(path);
  if (known?.key === key) return known.sha256;
  const sha256 = hashFile(path);
  digests.set(path, { key, sha256 });
  return sha256;
}

function hashFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) hash.update(buf.subarray(0, n));
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** Opens a trace file as a chunk source; with `sha256`, reaching the end checks the bytes read against it. */
export function openTraceFile(file: string, sha256?: string): ChunkSource {
  const path = resolveTraceFile(file);
  let fd: number | null = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const hash = createHash('sha256');
  const close = (): void => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  return {
    read() {
      if (fd === null) return null;
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) {
        close();
        const digest = hash.digest('hex');
        if (sha256 !== undefined && digest !== sha256) throw new Error(`trace file ${path} changed since the run was prepared: its SHA-256 is ${digest}, the spec says ${sha256}`);
        const tail = decoder.decode();
        return tail.length > 0 ? tail : null;
      }
      hash.update(buf.subarray(0, n));
      try {
        return decoder.decode(buf.subarray(0, n), { stream: true });
      } catch {
        close();
        throw new Error(`trace file ${path} is not UTF-8 text (a binary trace.dat? convert it with trace-cmd report)`);
      }
    },
    close,
  };
}


