/**
 * Prepares and executes runs: validates every spec and resolves every profile before anything
 * is stored (bad input stores nothing), then runs each spec and stores its result.
 */
import { checkTopology, runSimulation, CancelledError, type RunProgress } from '../engine/run';
import { paramDef } from '../common/profile/all';
import type { ResolvedProfile } from '../common/profile/profile';
import { ENGINE_VERSION, type RunResult } from '../common/result';
import { parseSpec, type Spec } from '../common/spec';
import { setPath } from '../common/spec/set-path';
import { ResultSpilledError, type LabStore, type RunStatus } from '../store/store';
import { configHash } from './config-hash';
import { loadProfile } from './profiles';

export interface PreparedRun {
  spec: Spec;
  profile: ResolvedProfile;
  configHash: string;
}

export interface PrepareOptions {
  seed?: number;
  /** `--set key=value` pairs: a declared profile parameter becomes a profile override, anything else a spec path. */
  sets?: readonly [string, unknown][];
}

export function prepareRun(input: unknown, opts: PrepareOptions = {}): PreparedRun {
  let raw = input;
  const profileSets: Record<string, number | string> = {};
  for (const [key, value] of opts.sets ?? []) {
    if (paramDef(key) !== undefined) profileSets[key] = value as number | string;
    else raw = setPath(raw, key, value);
  }
  if (opts.seed !== undefined) raw = setPath(raw, 'seed', opts.seed);
  const spec = parseSpec(raw);
  const profile = loadProfile(spec.profile.base, { ...spec.profile.overrides, ...profileSets });
  checkTopology(spec, profile);
  return { spec, profile, configHash: configHash(spec, profile, ENGINE_VERSION) };
}

export interface ExecuteOptions {
  experiment: string;
  description?: string;
  source?: string;
  onRunStart?: (index: number, total: number, run: PreparedRun, runId: number) => void;
  onProgress?: (index: number, p: RunProgress) => void;
  shouldCancel?: () => boolean;
}

export interface ExecutedRun {
  runId: number;
  status: RunStatus;
  result?: RunResult;
  error?: string;
  /** The result finished but the database could not take it: the spill file that keeps it. */
  spilled?: string;
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

export function executeRuns(store: LabStore, runs: readonly PreparedRun[], opts: ExecuteOptions): ExecutedRun[] {
  const experimentId = store.ensureExperiment(opts.experiment, opts.description, opts.source);
  const out: ExecutedRun[] = [];
  for (const [i, run] of runs.entries()) {
    const runId = beginPreparedRun(store, experimentId, run);
    opts.onRunStart?.(i, runs.length, run, runId);
    const started = process.hrtime.bigint();
    const wallMs = (): number => Number(process.hrtime.bigint() - started) / 1e6;
    let result: RunResult;
    try {
      result = runSimulation(run.spec, run.profile, {
        onProgress: opts.onProgress ? (p) => opts.onProgress!(i, p) : undefined,
        shouldCancel: opts.shouldCancel,
      });
    } catch (e) {
      const cancelled = e instanceof CancelledError;
      const message = e instanceof Error ? e.message : String(e);
      store.endRun(runId, cancelled ? 'cancelled' : 'failed', message, wallMs());
      out.push({ runId, status: cancelled ? 'cancelled' : 'failed', error: message });
      if (cancelled) break;
      continue;
    }
    try {
      store.finishRun(runId, result, wallMs());
      out.push({ runId, status: 'done', result });
    } catch (e) {
      if (!(e instanceof ResultSpilledError)) throw e;
      // The store cannot take more now; later runs would only spill too.
      out.push({ runId, status: 'done', result, error: e.message, spilled: e.spillFile });
      break;
    }
  }
  return out;
}
