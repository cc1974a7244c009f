/** One CSV row per run: identity, parameter point, then every scalar metric (union of names, sorted). */
import type { LabStore, RunFilter, RunRow } from '../store/store';
import { toCsv, type Cell } from './csv';

/** The runs a filter selects, or exactly the runs given (the workbench's selection). */
export function runsCsv(store: LabStore, filter: RunFilter | readonly RunRow[] = {}): string {
  const runs = Array.isArray(filter) ? (filter as readonly RunRow[]) : store.listRuns(filter as RunFilter);
  const scalars = store.scalars(runs.map((r) => r.id));
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.point)))].sort();
  const metrics = [...new Set([...scalars.values()].flatMap((s) => Object.keys(s)))].sort();
  const header = ['run_id', 'experiment', 'name', 'status', 'seed', 'replication', 'config_hash', 'created_at', 'wall_ms', 'tags', ...params.map((p) => `param.${p}`), ...metrics];
  const rows = runs.map((r): Cell[] => {
    const s = scalars.get(r.id)!;
    return [
      r.id,
      r.experiment,
      r.name,
      r.status,
      r.seed,
      r.replication,
      r.configHash,
      r.createdAt,
      r.wallMs,
      r.tags.join(';'),
      ...params.map((p) => {
        const v = r.point[p];
        return typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as Cell);
      }),
      ...metrics.map((m) => s[m]),
    ];
  });
  return toCsv(header, rows);
}
