/**
 * Checks an untrusted spec before the schema sees it, without recursion (a 10,000-level nesting
 * must give one message, not a stack overflow): nesting depth, array and object sizes, and keys
 * that JavaScript objects cannot hold as data (`__proto__`: zod and plain objects drop it, so two
 * different specs would validate, store and hash alike).
 */
import type { SpecIssue } from './validate';
import { formatPath } from './validate';

export const MAX_SPEC_DEPTH = 32;
export const MAX_SPEC_ARRAY = 100_000;
export const MAX_SPEC_KEYS = 10_000;

export function guardSpecInput(input: unknown): SpecIssue | undefined {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: input, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= MAX_SPEC_DEPTH) return { path: formatPath(path), message: `nested more than ${MAX_SPEC_DEPTH} levels deep; a spec is a few levels deep` };
    if (Array.isArray(v)) {
      if (v.length > MAX_SPEC_ARRAY) return { path: formatPath(path), message: `array of ${v.length} items; at most ${MAX_SPEC_ARRAY} are accepted` };
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > MAX_SPEC_KEYS) return { path: formatPath(path), message: `object with ${keys.length} fields; at most ${MAX_SPEC_KEYS} are accepted` };
    for (const k of keys) {
      if (k === '__proto__') return { path: formatPath([...path, k]), message: 'a field may not be named "__proto__"' };
      stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
    }
  }
  return undefined;
}
