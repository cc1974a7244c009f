/**
 * Runs as JSON for notebooks: each run's identity, parameter point, spec, resolved profile and
 * full result (scalars, histograms with their sketch buckets, series), keys sorted. Unfinished
 * runs carry their status and error and no result.
 */
import { canonicalJson } from '../common/result';
import type { LabStore, RunFilter, RunRow } from '../store/store';

/** The runs a filter selects, or exactly the runs given (the workbench's selection). */
export function runsJson(store: LabStore, filter: RunFilter | readonly RunRow[] = {}): string {
  const rows = Array.isArray(filter) ? (filter as readonly RunRow[]) : store.listRuns(filter as RunFilter);
  const runs = rows.map((r) => {
    const stored = store.getSpec(r.id)!;
    return {
      id: r.id,
      experiment: r.experiment,
      name: r.name,
      status: r.status,
      error: r.error,
      configHash: r.configHash,
      seed: r.seed,
      engineVersion: r.engineVersion,
      point: r.point,
      replication: r.replication,
      tags: r.tags,
      createdAt: r.createdAt,
      wallMs: r.wallMs,
      spec: stored.spec,
      profile: stored.profile,
      result: store.getResult(r.id) ?? null,
    };
  });
  return canonicalJson(runs, 2) + '\n';
}
