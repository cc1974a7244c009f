/** Finds the script position responsible for a spec value: the site recorded for the longest prefix of its JSON path. */
import type { Site } from './dsl/callsite';

function isPrefix(prefix: string, path: string): boolean {
  if (prefix === '') return true;
  if (!path.startsWith(prefix)) return false;
  const next = path.charAt(prefix.length);
  return next === '' || next === '.' || next === '[';
}

export function siteForPath(path: string, sites: readonly [string, Site][]): Site | undefined {
  return entryForPath(path, sites)?.[1];
}

/** The entry for the longest prefix of `path` that has one: [that prefix, its value]. */
export function entryForPath<T>(path: string, entries: readonly [string, T][]): [string, T] | undefined {
  let best: [string, T] | undefined;
  for (const s of entries) {
    if (isPrefix(s[0], path) && (best === undefined || s[0].length >= best[0].length)) best = s;
  }
  return best;
}

/** The segments of `path` below `prefix` ("devices[0].workload.threads" below "devices[0]": ["workload", "threads"]). */
export function restOfPath(path: string, prefix: string): (string | number)[] {
  const rest = path.slice(prefix.length);
  const out: (string | number)[] = [];
  for (const m of rest.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** The script position for a JSON path of a spec, from a ScriptExperiment's `positions` entry. */
export function positionOfPath(path: string, positions: Readonly<Record<string, { line: number; column: number }>> | undefined): { line: number; column: number } | undefined {
  return positions === undefined ? undefined : siteForPath(path, Object.entries(positions));
}
