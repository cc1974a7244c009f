/**
 * `--set key=value` for specs: writes a value at a dotted path with [index] steps
 * (`devices[0].workload.threads=4`, `duration=50ms`). Values are read as booleans, numbers or
 * JSON where they look like one, otherwise kept as strings (units are parsed by the schema).
 */

export class SetPathError extends Error {}

export function parseSetValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  if (/^[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SetPathError(`value ${text} looks like JSON but does not parse`);
    }
  }
  return text;
}

const PATH = /^[A-Za-z_][\w-]*(\[\d+\])*(\.[A-Za-z_][\w-]*(\[\d+\])*)*$/;

/** Splits "a.b[2].c" into ["a", "b", 2, "c"] without judging it (paths the schema formatted). */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** Splits a path a person typed, refusing anything that is not identifiers and [index] steps. */
export function splitPath(path: string): (string | number)[] {
  if (!PATH.test(path)) throw new SetPathError(`"${path}" is not a path like devices[0].workload.threads`);
  return pathSegments(path);
}

/** Returns a copy of `input` with `value` at `path`; the parents must exist (a typo is an error, not a new branch). */
export function setPath(input: unknown, path: string, value: unknown): unknown {
  const steps = splitPath(path);
  const root = structuredClone(input) as Record<string | number, unknown>;
  let cur: unknown = root;
  for (let i = 0; i < steps.length - 1; i++) {
    const s = steps[i]!;
    const next = (cur as Record<string | number, unknown>)[s];
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new SetPathError(`--set ${path}: "${steps.slice(0, i + 1).join('.')}" does not exist in the spec`);
    }
    cur = next;
  }
  const last = steps[steps.length - 1]!;
  if (Array.isArray(cur) && (typeof last !== 'number' || last > cur.length)) throw new SetPathError(`--set ${path}: index out of range`);
  (cur as Record<string | number, unknown>)[last] = value;
  return root;
}
