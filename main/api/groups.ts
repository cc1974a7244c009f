/** Groups runs into configurations (experiment + parameter point); a group's runs are its replications. */
import type { ConfigGroup, ParamValue } from '../common/api/types';
import { canonicalJson } from '../common/result';
import type { QueriedRun } from '../store/run-queries';

export function pointLabel(point: Record<string, ParamValue>): string {
  return Object.entries(point)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

export function groupRuns(runs: readonly QueriedRun[]): { groups: ConfigGroup[]; params: string[] } {
  const byKey = new Map<string, ConfigGroup>();
  for (const r of runs) {
    const point = r.point as Record<string, ParamValue>;
    const key = `${r.experiment}\u0000${canonicalJson(point)}`;
    let g = byKey.get(key);
    if (g === undefined) {
      g = { key, experiment: r.experiment, point, label: '', runIds: [] };
      byKey.set(key, g);
    }
    g.runIds.push(r.id);
  }
  const groups = [...byKey.values()];
  const experiments = new Set(groups.map((g) => g.experiment));
  const allKeys = [...new Set(groups.flatMap((g) => Object.keys(g.point)))].sort();
  const params = allKeys.filter((k) => new Set(groups.map((g) => canonicalJson(g.point[k] ?? null))).size > 1);
  for (const g of groups) {
    const varying: Record<string, ParamValue> = {};
    for (const k of params) if (g.point[k] !== undefined) varying[k] = g.point[k]!;
    const pl = pointLabel(params.length ? varying : g.point);
    g.label = experiments.size > 1 ? `${g.experiment}${pl ? ` · ${pl}` : ''}` : pl || g.experiment;
  }
  groups.sort((a, b) => compareGroups(a, b, allKeys));
  return { groups, params };
}

function compareGroups(a: ConfigGroup, b: ConfigGroup, keys: string[]): number {
  if (a.experiment !== b.experiment) return a.experiment.localeCompare(b.experiment);
  for (const k of keys) {
    const x = a.point[k];
    const y = b.point[k];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x).localeCompare(String(y), undefined, { numeric: true });
  }
  return 0;
}
