/**
 * The topology stage's contract. Checking a topology means building its machine, so the API
 * service never does it itself: the engine host's worker pool implements this interface
 * (main/api/engine/pool.ts), the CLI uses the same check in-process (topology-check.ts).
 */
import type { ResolvedProfile } from '../../common/profile/profile';
import type { Spec } from '../../common/spec';
import type { WorkEstimate } from '../../common/budget';

/** Why a spec's machine cannot be built: the JSON path of the offending part, and what is wrong there. */
export interface TopologyIssue {
  path: string;
  detail: string;
}

export interface TopologyChecker {
  /** One answer per spec, in order: null when its machine builds. */
  checkTopology(runs: readonly { spec: Spec; profile: ResolvedProfile }[]): Promise<(TopologyIssue | null)[]>;
  /**
   * The work estimate of each spec (a pilot run and the models' footprints: main/api/pipeline/estimate.ts),
   * each pilot at most `pilotEvents` events, none for a spec whose footprint alone exceeds `maxBytes`.
   * A checker without it (test fakes) skips the pipeline's budget stage.
   */
  estimateWork?(runs: readonly { spec: Spec; profile: ResolvedProfile }[], pilotEvents: number, maxBytes: number): Promise<WorkEstimate[]>;
}
