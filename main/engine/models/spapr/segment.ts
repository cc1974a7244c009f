/** Metric-name segment for an id (same rule as the engine's run loop: lower-case, [a-z0-9_]). */
export function metricSegment(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
