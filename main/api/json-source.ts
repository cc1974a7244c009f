/**
 * JSON source positions for editor markers: the line:column of a syntax error, and of the
 * value at a spec path such as "devices[0].workload.granule" (so a schema error lands on the
 * offending field, not on line 1). A small scanner, tolerant only of valid JSON.
 */
import { pathSegments } from '../common/spec/set-path';

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

/** Parses JSON; a syntax error carries its line:column (found by our own scan: V8's messages often omit the position). */
export function parseJsonSource(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const found = findSyntaxError(text);
    const msg = found?.message ?? (e as Error).message.replace(/ in JSON at position \d+.*$/, '');
    throw new JsonSyntaxError(msg, positionAt(text, found?.offset ?? text.length));
  }
}

/** The first syntax error of a JSON text: its offset and a short description, or null if it is valid. */
export function findSyntaxError(text: string): { offset: number; message: string } | null {
  let i = 0;
  class Stop extends Error {
    constructor(readonly offset: number, message: string) {
      super(message);
    }
  }
  const fail = (message: string, at = i): never => {
    throw new Stop(at, message);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = (): string => (i >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[i])}`);
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape');
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else fail('bad escape in string');
      } else if (c.charCodeAt(0) < 0x20) fail('control character in string');
      else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe().replace('unexpected ', '')}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ':' after the property name, found ${describe().replace('unexpected ', '')}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') fail('trailing comma before }');
          continue;
        }
        if (text[i] === '}') return void i++;
        fail(`expected ',' or '}', found ${describe().replace('unexpected ', '')}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail('trailing comma before ]');
          continue;
        }
        if (text[i] === ']') return void i++;
        fail(`expected ',' or ']', found ${describe().replace('unexpected ', '')}`);
      }
    }
    if (c === '"') return string();
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (lit) return void (i += lit[0].length);
    fail(`${describe()} where a value was expected`);
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`${describe()} after the end of the document`);
    return null;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    throw e;
  }
}

/** Splits "a.b[2].c" into ["a", "b", 2, "c"]. */
export const splitPath = pathSegments;

/** A source range: 1-based start, and the end as an exclusive 1-based column (Monaco's convention). */
export interface Span extends Position {
  endLine: number;
  endColumn: number;
}

/**
 * The position of the value at `path` (or of its deepest existing ancestor) in `text`.
 * `root` selects an element when the document is an array of specs (a sweep).
 */
export function locatePath(text: string, path: readonly (string | number)[]): Position {
  const { line, column } = locateSpan(text, path);
  return { line, column };
}

/**
 * The span of the field at `path` (or of its deepest existing ancestor): `"key": value` for a
 * scalar value, the key alone for an object or array (whose text may run over many lines); an
 * array element is the element itself when scalar, its opening bracket otherwise.
 */
export function locateSpan(text: string, path: readonly (string | number)[]): Span {
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
  /** The deepest node found: where its span starts and ends (offsets). */
  let best = 0;
  let bestEnd = 1;
  /** The end of the value starting at `at` if it is a scalar, else null (objects and arrays are marked by their key or bracket). */
  const scalarEnd = (at: number): number | null => {
    if (text[at] === '{' || text[at] === '[') return null;
    const save = i;
    i = at;
    skipValue();
    const end = i;
    i = save;
    return end;
  };
  const span = (): Span => {
    const a = positionAt(text, best);
    const b = positionAt(text, Math.max(best + 1, bestEnd));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  try {
    ws();
    best = i;
    bestEnd = i + 1;
    for (const seg of path) {
      ws();
      if (typeof seg === 'number' && text[i] === '[') {
        i++;
        for (let k = 0; k < seg; k++) {
          skipValue();
          ws();
          if (text[i] !== ',') return span();
          i++;
        }
        ws();
        if (text[i] === ']') return span();
        best = i;
        bestEnd = scalarEnd(i) ?? i + 1;
      } else if (typeof seg === 'string' && text[i] === '{') {
        i++;
        let found = false;
        for (;;) {
          ws();
          if (text[i] === '}') break;
          const keyAt = i;
          const key = skipString();
          const keyEnd = i;
          ws();
          i++; // ':'
          ws();
          if (key === seg) {
            best = keyAt;
            bestEnd = scalarEnd(i) ?? keyEnd;
            found = true;
            break;
          }
          skipValue();
          ws();
          if (text[i] === ',') i++;
        }
        if (!found) return span();
      } else return span();
    }
  } catch {
    // malformed text: fall back to the deepest position reached
  }
  return span();
}
