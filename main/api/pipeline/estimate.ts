/**
 * A run's work estimate (issue 10), made by the run pipeline before anything runs: events from a
 * pilot (the run's first events; boot, then the measured phase, extrapolated over the spec's
 * duration), memory from the models' footprints (what the spec alone fixes), wall time at the
 * pilot's own rate on this machine. It imports the engine, so it runs where topology checks run
 * (the engine host's worker in the app, in-process in the CLI), never on Electron's main thread.
 */
import type { FootprintItem, WorkEstimate } from '../../common/budget';
import { formatCount } from '../../common/budget';
import type { ResolvedProfile } from '../../common/profile/profile';
import type { Spec } from '../../common/spec';
import { footprint, pilot, type PilotResult } from '../../engine/run';

import { PILOT_EVENTS, PILOT_MAX_MS, PILOT_POLL_EVENTS } from './estimate-limits';
import { hostBudgetCheck } from '../budget-meter';
import { monotonicMs } from '../wall-clock';
/**
 * Memory of the engine's own structures per run besides the footprints (event set, processes,
 * histograms, series). An allowance, not a measurement of the spec: three examples measured after
 * their run (heap + array buffers) held 7 to 30 MB.
 */
export const RUN_BASE_BYTES = 32 * 2 ** 20;

/** What the spec alone fixes: the models' footprints and the bytes they add to RUN_BASE_BYTES. */
export function footprintBytes(spec: Spec, profile: ResolvedProfile): { bytes: number; footprint: FootprintItem[] } {
  const fp = footprint(spec, profile);
  return { bytes: RUN_BASE_BYTES + fp.reduce((s, f) => s + f.count * f.bytesEach, 0), footprint: fp };
}

/** The estimate; with `maxBytes`, a spec whose footprint alone exceeds it gets no pilot (which would fill that memory). */
export function estimateWork(spec: Spec, profile: ResolvedProfile, pilotEvents = PILOT_EVENTS, maxBytes = Infinity): WorkEstimate {
  const { bytes, footprint: fp } = footprintBytes(spec, profile);
  if (bytes > maxBytes || pilotEvents === 0) return { events: 0, eventsBasis: 'at-least', bytes, wallMs: 0, footprint: fp, basis: bytes > maxBytes ? 'no pilot: the memory estimate alone is over budget' : 'no pilot' };
  const t0 = monotonicMs();
  let p;
  try {
    // Events bound the pilot's work on every machine; a wall bound stops one whose events are coarse (a boot mapping millions of entries per event).
    p = pilot(spec, profile, pilotEvents, PILOT_POLL_EVENTS, hostBudgetCheck({ maxWallMs: PILOT_MAX_MS, maxMemoryBytes: Infinity }));
  } catch (e) {
    return failedPilotEstimate(bytes, fp, e);
  }
  return estimateFromPilot(p, monotonicMs() - t0, bytes, fp);
}

/** The estimate when the pilot threw (an engine bug: the topology check passed). */
export function failedPilotEstimate(bytes: number, fp: FootprintItem[], e: unknown): WorkEstimate {
  return { events: 0, eventsBasis: 'at-least', bytes, wallMs: 0, footprint: fp, basis: 'the pilot failed', pilotError: e instanceof Error ? e.message : String(e) };
}

/** The estimate from how far a pilot got in `pilotMs` of wall time (also a run's own first events: run-pilot.ts). */
export function estimateFromPilot(p: PilotResult, pilotMs: number, bytes: number, fp: FootprintItem[]): WorkEstimate {
  let events: number;
  let eventsBasis: WorkEstimate['eventsBasis'];
  let basis: string;
  if (p.finished) {
    events = p.events;
    eventsBasis = 'exact';
    basis = 'the pilot ran the whole run';
  } else if (p.bootEvents !== null && p.measuredNs > 0) {
    const perNs = (p.events - p.bootEvents) / p.measuredNs;
    events = p.bootEvents + perNs * p.durationNs;
    eventsBasis = 'extrapolated';
    basis = `boot ${formatCount(p.bootEvents)} events, then ${formatCount(perNs * 1e6)} per simulated ms for ${p.durationNs / 1e6} ms`;
  } else {
    events = p.events;
    eventsBasis = 'at-least';
    basis = p.bootEvents === null ? `the boot alone outlasted a pilot of ${formatCount(p.events)} events` : `the first simulated ns outlasted a pilot of ${formatCount(p.events)} events`;
  }
  const wallMs = p.events > 0 ? (pilotMs / p.events) * events : pilotMs;
  return { events, eventsBasis, bytes, wallMs, footprint: fp, basis };
}
