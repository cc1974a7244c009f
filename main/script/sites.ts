/** Finds the script position responsible for a spec value: the site recorded for the longest prefix of its JSON path. */
import type { Site } from './dsl/callsite';

function isPrefix(prefix: string, path: string): boolean {
  if (prefix === '') return true;
  if (!path.startsWith(prefix)) return false;
  const next = path.charAt(prefix.length);
  return next === '' || next === '.' || next === '[';
}

export function siteForPath(path: string, sites: readonly [string, Site][]): Site | undefined {
  let best: [string, Site] | undefined;
  for (const s of sites) {
    if (isPrefix(s[0], path) && (best === undefined || s[0].length >= best[0].length)) best = s;
  }
  return best?.[1];
}

/** The script position for a JSON path of a spec, from a ScriptExperiment's `positions` entry. */
export function positionOfPath(path: string, positions: Readonly<Record<string, { line: number; column: number }>> | undefined): { line: number; column: number } | undefined {
  return positions === undefined ? undefined : siteForPath(path, Object.entries(positions));
}
