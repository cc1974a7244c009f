/**
 * JSON source positions for editor markers: the line:column of a syntax error, and of the
 * value at a spec path such as "devices[0].workload.granule" (so a schema error lands on the
 * offending field, not on line 1). A small scanner, tolerant only of valid JSON.
 */

export interface Position {
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(message);
  }
}

/** Parses JSON; a syntax error carries its line:column. */
export function parseJsonSource(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const pos = m ? positionAt(text, Number(m[1])) : endPosition(text);
    throw new JsonSyntaxError(msg.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, ''), pos);
  }
}

function endPosition(text: string): Position {
  return positionAt(text, text.length);
}

/** Splits "a.b[2].c" into ["a", "b", 2, "c"]. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/**
 * The position of the value at `path` (or of its deepest existing ancestor) in `text`.
 * `root` selects an element when the document is an array of specs (a sweep).
 */
export function locatePath(text: string, path: readonly (string | number)[]): Position {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const skipString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return void skipString();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        ws();
        if (c === '{') {
          skipString();
          ws();
          i++; // ':'
        }
        skipValue();
        ws();
        if (text[i] === ',') i++;
        else return void i++;
      }
    }
    while (i < text.length && !/[,\]}\s]/.test(text[i]!)) i++;
  };
  let best = 0;
  try {
    ws();
    best = i;
    for (const seg of path) {
      ws();
      if (typeof seg === 'number' && text[i] === '[') {
        i++;
        for (let k = 0; k < seg; k++) {
          skipValue();
          ws();
          if (text[i] !== ',') return positionAt(text, best);
          i++;
        }
        ws();
        if (text[i] === ']') return positionAt(text, best);
        best = i;
      } else if (typeof seg === 'string' && text[i] === '{') {
        i++;
        let found = false;
        for (;;) {
          ws();
          if (text[i] === '}') break;
          const keyAt = i;
          const key = skipString();
          ws();
          i++; // ':'
          ws();
          if (key === seg) {
            best = keyAt;
            found = true;
            break;
          }
          skipValue();
          ws();
          if (text[i] === ',') i++;
        }
        if (!found) return positionAt(text, best);
      } else return positionAt(text, best);
    }
  } catch {
    // malformed text: fall back to the deepest position reached
  }
  return positionAt(text, best);
}
