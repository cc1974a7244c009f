/** The identity of a run's configuration: spec (with seed, point, replication), resolved profile and engine version. */
import { createHash } from 'node:crypto';
import type { ResolvedProfile } from '../common/profile/profile';
import { canonicalJson } from '../common/result';
import type { Spec } from '../common/spec';

export function configHash(spec: Spec, profile: ResolvedProfile, engineVersion: string): string {
  const values: Record<string, number> = {};
  for (const [k, p] of Object.entries(profile.params)) values[k] = p.value;
  return createHash('sha256').update(canonicalJson({ spec, profile: values, engineVersion })).digest('hex');
}
