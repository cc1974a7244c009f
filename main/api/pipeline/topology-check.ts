/**
 * The topology check itself: builds each spec's machine and reports what the models refuse.
 * It imports the engine, so only the engine host's workers (main/api/engine/worker.ts) and the
 * CLI (off Electron) load this module; a test keeps it out of Electron's main bundle.
 */
import { TopologyError } from '../../common/diagnostics';
import type { ResolvedProfile } from '../../common/profile/profile';
import type { Spec } from '../../common/spec';
import { checkTopology } from '../../engine/run';
import type { TopologyChecker, TopologyIssue } from './checker';
// Whatever checks topologies here also runs them: give its engine the trace-file opener.
import '../trace-opener';
import { estimateWork } from './estimate';

export function topologyIssue(spec: Spec, profile: ResolvedProfile): TopologyIssue | null {
  try {
    checkTopology(spec, profile);
    return null;
  } catch (e) {
    if (e instanceof TopologyError) return { path: e.path, detail: e.detail };
    // A model that throws anything else has a bug; still one diagnostic rather than a crash.
    return { path: '', detail: `the engine could not build this topology: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The check on the calling thread: for the CLI and tests (never on Electron's main thread). */
export const inProcessChecker: TopologyChecker = {
  checkTopology: async (runs) => runs.map((r) => topologyIssue(r.spec, r.profile)),
  estimateWork: async (runs, pilotEvents, maxBytes) => runs.map((r) => estimateWork(r.spec, r.profile, pilotEvents, maxBytes)),
};
