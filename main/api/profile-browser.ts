/** The profile browser's data: every cost profile resolved along its chain, each parameter with value, unit, meaning, source and origin. */
import type { ProfileInfo } from '../common/api/provenance-types';
import { resolveProfile } from '../common/profile/profile';
import { catalog } from '../engine/catalog';
import { loadProfileFiles } from './profiles';

export function listProfiles(): ProfileInfo[] {
  const files = loadProfileFiles();
  return [...files.values()].map((f) => {
    const r = resolveProfile(catalog.params, files, f.id);
    return {
      id: f.id,
      description: f.description,
      extends: f.extends ?? null,
      chain: r.chain,
      params: Object.entries(r.params).map(([name, p]) => ({ name, value: p.value, unit: p.unit, doc: catalog.params.get(name)?.doc ?? '', source: p.source, from: p.from })),
    };
  });
}
