/**
 * A spec is plain JSON data. JSON.stringify silently drops what is not (a Symbol-named field, a
 * function) and turns NaN and Infinity into null; here each of those is an error at the script
 * position of the part that holds it, instead of a field that quietly vanishes. Runs inside the
 * sandbox, before the spec is serialised.
 */
import type { Site } from './callsite';
import { SiteError } from './site-error';

function siteFor(path: string, sites: readonly [string, Site][]): Site | undefined {
  let best: [string, Site] | undefined;
  for (const s of sites) {
    const p = s[0];
    const prefix = p === '' || path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`);
    if (prefix && (best === undefined || p.length >= best[0].length)) best = s;
  }
  return best?.[1];
}

export function assertPlainData(value: unknown, sites: readonly [string, Site][]): void {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  const fail = (path: string, what: string): never => {
    throw new SiteError(`${path || '(spec)'}: ${what} cannot be part of a spec (it would be dropped when the spec is stored)`, siteFor(path, sites));
  };
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'function') fail(path, 'a function');
    if (typeof v === 'symbol') fail(path, 'a Symbol value');
    if (typeof v === 'bigint') fail(path, 'a BigInt (write a number or a string such as "0x800000000000000")');
    if (typeof v === 'number' && !Number.isFinite(v)) fail(path, `the number ${String(v)}`);
    if (v === null || typeof v !== 'object' || depth > 64) continue;
    const symbols = Object.getOwnPropertySymbols(v);
    if (symbols.length > 0) fail(path, `a Symbol-named field (${String(symbols[0]!.description ?? 'Symbol()')})`);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 }));
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: path === '' ? k : `${path}.${k}`, depth: depth + 1 });
  }
}
