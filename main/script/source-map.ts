/**
 * Reads a version-3 source map (the one esbuild writes for the transpiled script) and maps a
 * generated line:column back to the script's own line:column. Only what diagnostics need:
 * one source, no names.
 */

/** [generated column, source line, source column], all 0-based. */
type Segment = [number, number, number];

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = B64_INDEX.get(ch);
    if (digit === undefined) throw new Error(`bad source map character "${ch}"`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

export class SourceMap {
  private readonly lines: Segment[][];

  constructor(json: string) {
    const map = JSON.parse(json) as { version: number; mappings: string };
    if (map.version !== 3) throw new Error(`unsupported source map version ${map.version}`);
    let srcLine = 0;
    let srcCol = 0;
    this.lines = map.mappings.split(';').map((line) => {
      let genCol = 0;
      const segs: Segment[] = [];
      for (const seg of line.split(',')) {
        if (seg === '') continue;
        const v = decodeVlq(seg);
        genCol += v[0]!;
        if (v.length < 4) continue;
        srcLine += v[2]!;
        srcCol += v[3]!;
        segs.push([genCol, srcLine, srcCol]);
      }
      return segs;
    });
  }

  /** The source position of a generated one (1-based in and out); undefined if the line has no mapping. */
  original(pos: Position): Position | undefined {
    const segs = this.lines[pos.line - 1];
    if (segs === undefined || segs.length === 0) return undefined;
    const col = pos.column - 1;
    let best = segs[0]!;
    for (const s of segs) {
      if (s[0] <= col) best = s;
      else break;
    }
    return { line: best[1] + 1, column: best[2] + 1 };
  }
}
