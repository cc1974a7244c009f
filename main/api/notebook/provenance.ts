/**
 * The provenance of a notebook's results: engine version, each experiment cell's script, every
 * run it read (point, replication, seed, configuration, spec and result hashes) and each distinct
 * resolved cost profile with every value's unit, source and origin (overrides marked "override").
 */
import type { ProvenanceParam, ProvenanceProfile, ProvenanceRun, Provenance } from '../../common/notebook/outputs';
import type { Notebook } from '../../common/notebook/schema';
import type { ResolvedProfile } from '../../common/profile/profile';
import { canonicalJson, ENGINE_VERSION } from '../../common/result';
import * as q from '../../store/run-queries';
import type { NotebookBackend } from './backend';
import { resultHash, sha256, specHash } from './hashes';

export function provenanceOf(b: NotebookBackend, nb: Notebook): Provenance {
  const runs: ProvenanceRun[] = [];
  const profiles = new Map<string, ProvenanceProfile>();
  const experiments: Provenance['experiments'] = [];
  const descriptions = new Map(q.listExperiments(b.store).map((e) => [e.name, e.description]));
  for (const cell of nb.cells) {
    if (cell.type !== 'experiment') continue;
    const st = nb.state[cell.id];
    if (st?.experiment === undefined || st.results === undefined) continue;
    experiments.push({ name: st.experiment, description: descriptions.get(st.experiment) ?? null, file: cell.file, source: cell.source });
    for (const r of q.allRuns(b.store, { experiment: st.experiment, status: 'done', configs: st.results.map((x) => x.configHash) })) {
      const stored = b.store.getSpec(r.id)!;
      const prof = stored.profile as ResolvedProfile;
      const pkey = sha256(canonicalJson(prof));
      let p = profiles.get(pkey);
      if (p === undefined) {
        const params: ProvenanceParam[] = Object.entries(prof.params ?? {}).map(([name, v]) => ({ name, value: v.value, unit: v.unit, source: v.source, from: v.from }));
        p = { key: `P${profiles.size + 1}`, id: prof.id, chain: prof.chain ?? [prof.id], params };
        profiles.set(pkey, p);
      }
      runs.push({
        id: r.id,
        experiment: r.experiment,
        name: r.name,
        point: r.point as ProvenanceRun['point'],
        replication: r.replication,
        seed: r.seed,
        engineVersion: r.engineVersion,
        configHash: r.configHash,
        specHash: specHash(stored.spec),
        resultHash: resultHash(b.store, r.id) ?? '',
        profileKey: p.key,
      });
    }
  }
  return { engineVersion: ENGINE_VERSION, appVersion: b.appVersion, experiments, runs, profiles: [...profiles.values()] };
}
