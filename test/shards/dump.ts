// A store's runs as comparable data: identity (experiment, configuration, point, replication,
// status) and the SHA-256 of each finished run's canonical result.
import { LabStore } from '../../main/store/store';
import { resultHash } from '../../main/store/merge';

export interface RunIdentity {
  experiment: string;
  configHash: string;
  point: string;
  replication: number;
  status: string;
  result: string | null;
}

export function dumpRuns(path: string): RunIdentity[] {
  const store = LabStore.open(path, { readOnly: true });
  try {
    return store
      .listRuns()
      .map((r) => {
        const result = store.getResult(r.id);
        return { experiment: r.experiment, configHash: r.configHash, point: JSON.stringify(r.point), replication: r.replication, status: r.status, result: result ? resultHash(result) : null };
      })
      .sort((a, b) => (a.configHash < b.configHash ? -1 : a.configHash > b.configHash ? 1 : 0));
  } finally {
    store.close();
  }
}
