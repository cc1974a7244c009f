/**
 * Streaming reader of a trace's text: pulls chunks from a source, splits them into lines and
 * hands back one parsed event at a time, in file order (which, in tracefs and trace-cmd output,
 * is timestamp order across CPUs and so each CPU's own order). It holds one chunk and one
 * partial line, never the file: a trace of any length is read in constant memory.
 *
 * A line that is not a known event, or whose fields do not match the event's format, is a
 * TraceFormatError with its line number; with `skipMalformed` it is counted and skipped instead.
 */
import { TraceFormatError } from './errors';
import { parseTraceEvent, type TraceEvent } from './events';
import { parseTraceLine } from './line';

/** Where trace text comes from: successive chunks, null at the end. */
export interface ChunkSource {
  read(): string | null;
  close?(): void;
}

/** Opens a trace file by the name a spec gives (the hosts supply it; the engine reads no files). */
export type TraceOpener = (file: string, sha256?: string) => ChunkSource;

export interface ReaderOptions {
  /** Count and skip malformed or unknown lines instead of failing on the first. */
  skipMalformed?: boolean;
}

export class TraceReader {
  private chunk = '';
  private pos = 0;
  private eof = false;
  private lineNo = 0;
  /** Lines skipped as malformed or unknown (skipMalformed only). */
  skipped = 0;
  /** Events the tracer says it lost (`CPU:N [LOST M EVENTS]`). */
  lost = 0;
  /** Event lines read. */
  events = 0;

  constructor(
    private readonly source: ChunkSource,
    private readonly opts: ReaderOptions = {},
  ) {}

  /** The 1-based number of the last line read. */
  get line(): number {
    return this.lineNo;
  }

  /** The next event, or null at the end of the trace. */
  next(): TraceEvent | null {
    for (;;) {
      const text = this.nextLine();
      if (text === null) return null;
      const n = ++this.lineNo;
      try {
        const l = parseTraceLine(text, n);
        if (l.kind === 'none') continue;
        if (l.kind === 'lost') {
          this.lost += l.events;
          continue;
        }
        const e = parseTraceEvent(l.line, n);
        this.events++;
        return e;
      } catch (err) {
        if (!(err instanceof TraceFormatError) || !this.opts.skipMalformed) throw err;
        this.skipped++;
      }
    }
  }

  close(): void {
    this.source.close?.();
  }

  private nextLine(): string | null {
    let carry = '';
    for (;;) {
      const nl = this.chunk.indexOf('\n', this.pos);
      if (nl >= 0) {
        const line = carry + this.chunk.slice(this.pos, nl);
        this.pos = nl + 1;
        return line;
      }
      carry += this.chunk.slice(this.pos);
      this.chunk = '';
      this.pos = 0;
      if (this.eof) return carry.length > 0 ? carry : null;
      const next = this.source.read();
      if (next === null) this.eof = true;
      else this.chunk = next;
      if (carry.length > 1 << 20) throw new TraceFormatError(this.lineNo + 1, 'line longer than 1 MiB: not a trace text file');
    }
  }
}

/** A source over text already in memory (tests, generated traces). */
export function stringSource(text: string, chunkSize = 65536): ChunkSource {
  let at = 0;
  return {
    read() {
      if (at >= text.length) return null;
      const s = text.slice(at, at + chunkSize);
      at += chunkSize;
      return s;
    },
  };
}
