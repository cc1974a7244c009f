/** Sweep caps shared by the DSL (inside the sandbox, for an early message) and the host (which re-checks the answer). */

/** Runs one experiment may expand to (points × replications); larger studies are split into shards or experiments. */
export const MAX_RUNS = 10_000;
export const MAX_REPLICATIONS = 10_000;

/** 10000000 → "10,000,000" (QuickJS's toLocaleString does not group digits). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function sweepTooLarge(points: number, replications: number): string | undefined {
  const runs = points * replications;
  if (runs <= MAX_RUNS) return undefined;
  return `the sweep expands to ${grouped(runs)} runs (${points} points × ${replications} replications); at most ${grouped(MAX_RUNS)} runs per experiment: split it into shards or experiments`;
}
