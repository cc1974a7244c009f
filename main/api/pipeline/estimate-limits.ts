/**
 * How much pilot the run pipeline's budget stage spends (estimate.ts): at most PILOT_EVENTS per
 * distinct spec (about 20–50 ms of engine time), a sweep sharing PILOT_TOTAL_EVENTS across its
 * distinct specs but never below PILOT_MIN_EVENTS each. Pure numbers, so Electron's main thread
 * may import them (estimate.ts imports the engine).
 */
export const PILOT_EVENTS = 100_000;
export const PILOT_TOTAL_EVENTS = 1_000_000;
export const PILOT_MIN_EVENTS = 8192;
/** A pilot stops after this much wall time whatever its events (then its events are a lower bound). */
export const PILOT_MAX_MS = 2000;
/** The pilot's checks (its events and wall bound) come every this many events. */
export const PILOT_POLL_EVENTS = 4096;
