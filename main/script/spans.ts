/**
 * Spans in a script's own source, for editor markers: given the position of a DSL builder call
 * (recorded in the sandbox, mapped back through the source map) and the rest of a spec path
 * below what that call declared, the span of the property in the call's arguments that set it —
 * `threads: -3` in `mapBench({ threads: -3 })`, `cpus: -1` in `.host({ cpus: -1 })` — found by a
 * small bracket-aware scan that skips strings, template literals and comments. Nested object
 * literals, arrays and calls in a property's value are followed. Where the property is not
 * written in the call (a default, a spread, a variable holding the options), the span is the
 * call's name. It does not parse TypeScript: the scan is lexical, and an odd construct (a regular
 * expression holding a bracket) at worst falls back to the call's name.
 */

export interface SourceSpan {
  line: number;
  column: number;
  /** Exclusive end column, 1-based (Monaco's convention). */
  endLine: number;
  endColumn: number;
}

function offsetOf(source: string, pos: { line: number; column: number }): number {
  let offset = 0;
  for (let l = 1; l < pos.line; l++) {
    const nl = source.indexOf('\n', offset);
    if (nl < 0) return source.length;
    offset = nl + 1;
  }
  return Math.min(source.length, offset + pos.column - 1);
}

function positionOf(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

const IDENT = /[A-Za-z_$][\w$]*/y;

class Scanner {
  constructor(readonly s: string) {}

  /** Past whitespace and comments. */
  trivia(i: number): number {
    for (;;) {
      while (i < this.s.length && /\s/.test(this.s[i]!)) i++;
      if (this.s.startsWith('//', i)) {
        const nl = this.s.indexOf('\n', i);
        i = nl < 0 ? this.s.length : nl + 1;
      } else if (this.s.startsWith('/*', i)) {
        const end = this.s.indexOf('*/', i + 2);
        i = end < 0 ? this.s.length : end + 2;
      } else return i;
    }
  }

  /** Past a string or template literal starting at i. */
  string(i: number): number {
    const q = this.s[i]!;
    i++;
    while (i < this.s.length && this.s[i] !== q) {
      if (this.s[i] === '\\') i += 2;
      else if (q === '`' && this.s.startsWith('${', i)) i = this.close(i + 1);
      else i++;
    }
    return i + 1;
  }

  /** Past the bracket group opening at i ('(', '[' or '{'). */
  close(i: number): number {
    const open = this.s[i]!;
    const want = open === '(' ? ')' : open === '[' ? ']' : '}';
    i++;
    while (i < this.s.length) {
      i = this.trivia(i);
      const c = this.s[i];
      if (c === undefined) return i;
      if (c === want) return i + 1;
      if (c === '"' || c === "'" || c === '`') i = this.string(i);
      else if (c === '(' || c === '[' || c === '{') i = this.close(i);
      else i++;
    }
    return i;
  }

  /** The end of an expression starting at i: the next ',' or closing bracket at its own level (trailing trivia excluded). */
  expressionEnd(i: number): number {
    let end = i;
    while (i < this.s.length) {
      i = this.trivia(i);
      const c = this.s[i];
      if (c === undefined || c === ',' || c === ')' || c === ']' || c === '}' || c === ';') return end;
      if (c === '"' || c === "'" || c === '`') i = this.string(i);
      else if (c === '(' || c === '[' || c === '{') i = this.close(i);
      else i++;
      end = i;
    }
    return end;
  }

  /** The start of each element of the group opening at i (arguments, array elements, properties). */
  elements(i: number): number[] {
    const starts: number[] = [];
    const end = this.close(i) - 1;
    let j = this.trivia(i + 1);
    while (j < end) {
      starts.push(j);
      j = this.expressionEnd(j);
      j = this.trivia(j);
      if (this.s[j] !== ',') break;
      j = this.trivia(j + 1);
    }
    return starts;
  }

  /** In the object literal opening at i: the property `key` — where its name starts and its value starts. */
  property(i: number, key: string): { at: number; value: number } | null {
    for (const start of this.elements(i)) {
      let name: string | undefined;
      let j = start;
      const c = this.s[j];
      if (c === '"' || c === "'") {
        const end = this.string(j);
        name = this.s.slice(j + 1, end - 1);
        j = end;
      } else {
        IDENT.lastIndex = j;
        const m = IDENT.exec(this.s);
        if (m) {
          name = m[0];
          j += m[0].length;
        }
      }
      j = this.trivia(j);
      if (name === key && this.s[j] === ':') return { at: start, value: this.trivia(j + 1) };
    }
    return null;
  }

  /** If a call starts at i (`name(`, `a.b(`, `name<T>(`), where its '(' is. */
  callParen(i: number): number | null {
    let j = i;
    for (;;) {
      IDENT.lastIndex = j;
      const m = IDENT.exec(this.s);
      if (!m) return null;
      j = this.trivia(j + m[0].length);
      if (this.s[j] === '.') {
        j = this.trivia(j + 1);
        continue;
      }
      if (this.s[j] === '<') {
        const gt = this.s.indexOf('>', j);
        if (gt < 0) return null;
        j = this.trivia(gt + 1);
      }
      return this.s[j] === '(' ? j : null;
    }
  }
}

/**
 * The span, in `source`, of what set the spec value `rest` levels below the call at `at`. `rest`
 * holds path segments (["threads"], ["devices", 0, "workload"]); empty: the call's name.
 */
export function spanInCall(source: string, at: { line: number; column: number }, rest: readonly (string | number)[]): SourceSpan {
  const sc = new Scanner(source);
  const start = offsetOf(source, at);
  IDENT.lastIndex = start;
  const name = IDENT.exec(source);
  const fallback = (from: number, to: number): SourceSpan => {
    const a = positionOf(source, from);
    const b = positionOf(source, Math.max(to, from + 1));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  const callName = fallback(start, start + (name?.[0].length ?? 1));
  try {
    let found: { from: number; to: number } | null = null;
    /** Looks for rest[k…] inside the value starting at v; records the deepest property found. */
    const descend = (v: number, k: number): void => {
      if (k >= rest.length) return;
      const seg = rest[k]!;
      const c = source[v];
      if (c === '{' && typeof seg === 'string') {
        const p = sc.property(v, seg);
        if (p === null) return;
        found = { from: p.at, to: sc.expressionEnd(p.value) };
        descend(p.value, k + 1);
      } else if (c === '[' && typeof seg === 'number') {
        const el = sc.elements(v)[seg];
        if (el === undefined) return;
        found = { from: el, to: sc.expressionEnd(el) };
        descend(el, k + 1);
      } else {
        const paren = sc.callParen(v);
        if (paren !== null) for (const arg of sc.elements(paren)) if (source[arg] === '{' && sc.property(arg, String(seg)) !== null) return descend(arg, k);
      }
    };
    const paren = sc.callParen(start);
    if (paren === null || rest.length === 0) return callName;
    for (const arg of sc.elements(paren)) {
      if (source[arg] !== '{' || typeof rest[0] !== 'string' || sc.property(arg, rest[0]) === null) continue;
      descend(arg, 0);
      break;
    }
    const f = found as { from: number; to: number } | null;
    return f === null ? callName : fallback(f.from, f.to);
  } catch {
    return callName;
  }
}
