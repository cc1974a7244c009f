/**
 * A prepared run: a validated spec with its resolved profile and configuration hash — everything
 * a run needs except the topology check, which builds a machine and so runs in the engine host
 * (pipeline.ts, topology-check.ts). Of the engine it reads only the catalogue (the spec schema and
 * parameter names built from the model registry), never run or machine: Electron's main thread
 * imports it.
 */
import type { ResolvedProfile } from '../../common/profile/profile';
import { ENGINE_VERSION } from '../../common/result';
import { SpecError, type Spec } from '../../common/spec';
import { catalog, parseSpec } from '../../engine/catalog';
import { setPath } from '../../common/spec/set-path';
import type { LabStore } from '../../store/store';
import { configHash } from '../config-hash';
import { loadProfile } from '../profiles';

export interface PreparedRun {
  spec: Spec;
  profile: ResolvedProfile;
  configHash: string;
}

export interface PrepareOptions {
  /** Replaces the spec's seed. */
  seed?: number;
  /** `--set key=value` pairs: a declared profile parameter becomes a profile override, anything else a spec path. */
  sets?: readonly [string, unknown][];
}

/** Validates a spec and resolves its profile; throws SpecError, SetPathError or ProfileError. */
export function prepareSpec(input: unknown, opts: PrepareOptions = {}): PreparedRun {
  let raw = input;
  const profileSets: Record<string, number | string> = {};
  for (const [key, value] of opts.sets ?? []) {
    if (catalog.params.get(key) !== undefined) profileSets[key] = value as number | string;
    else raw = setPath(raw, key, value);
  }
  if (opts.seed !== undefined) raw = setPath(raw, 'seed', opts.seed);
  const spec = parseSpec(raw);
  const profile = loadProfile(spec.profile.base, { ...spec.profile.overrides, ...profileSets });
  if (profile.arch !== undefined && profile.arch !== spec.host.arch) {
    throw new SpecError([{ path: 'host.arch', message: `${spec.host.arch}, but profile "${profile.id}" describes a ${profile.arch} host: choose a profile for ${spec.host.arch} or set host.arch to ${profile.arch}` }]);
  }
  return { spec, profile, configHash: configHash(spec, profile, ENGINE_VERSION) };
}

/** Records a prepared run as running in an experiment (with everything that identifies it); returns its id. */
export function beginPreparedRun(store: LabStore, experimentId: number, run: PreparedRun): number {
  return store.beginRun({
    experimentId,
    configHash: run.configHash,
    name: run.spec.name,
    spec: run.spec,
    profile: run.profile,
    seed: run.spec.seed,
    engineVersion: ENGINE_VERSION,
    point: run.spec.point,
    replication: run.spec.replication,
  });
}
