/**
 * Finds where JSON text first goes wrong, as line and column (1-based), because JSON.parse's
 * messages do not always carry a position. A small recursive scanner of the JSON grammar.
 */

export interface JsonErrorPosition {
  line: number;
  column: number;
  message: string;
}

export function locateJsonError(text: string): JsonErrorPosition | null {
  let i = 0;
  const fail = (message: string): never => {
    throw Object.assign(new Error(message), { offset: i });
  };
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const expect = (s: string): void => {
    if (text.startsWith(s, i)) i += s.length;
    else fail(i >= text.length ? `unexpected end of input, expected ${s}` : `unexpected ${JSON.stringify(text[i])}, expected ${s}`);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`unexpected ${c === undefined ? 'end of input' : JSON.stringify(text[i] ?? '')}, expected a "quoted" key`);
        string();
        ws();
        expect(':');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect('}');
        return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(']');
        return;
      }
    }
    if (c === '"') return string();
    if (c !== undefined && /[-0-9]/.test(c)) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (m === null) fail('malformed number');
      i += m![0].length;
      return;
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    fail(c === undefined ? 'unexpected end of input, expected a value' : `unexpected ${JSON.stringify(c)}, expected a value`);
  };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') i += 2;
      else if (c < ' ') fail('control character in string');
      else i++;
    }
    fail('unterminated string');
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the document`);
    return null;
  } catch (e) {
    const offset = (e as { offset: number }).offset;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n'), message: (e as Error).message };
  }
}
