/**
 * One table for a sweep: a row per run with its parameter point, replication and the headline
 * metrics that say something for this experiment (present, and not zero in every run). The
 * full results stay in the store (`runs`, `export csv`) and in `--json`.
 */
import type { RunResult } from '../common/result';
import type { Spec } from '../common/spec';
import { formatNumber, table } from './table';

const HEADLINES = [
  'dma.throughput_gbps',
  'ops.per_sec',
  'map.latency_ns.p50',
  'unmap.latency_ns.p50',
  'unmap.latency_ns.p99',
  'nic.pps',
  'nic.drops',
  'io.iops',
  'io.latency_ns.p99',
  'boot.dma_setup_ns',
  'faults.dma',
  'security.stale_dma',
  'security.exposure_ns',
  'security.dma_visible_bytes',
];
const MAX_METRICS = 7;

export interface SweepRow {
  runId: number;
  spec: Spec;
  result?: RunResult;
  status: string;
}

/** Expands `prefix.*` patterns against the metrics the runs produced, keeping their sorted order. */
function expand(patterns: readonly string[], rows: readonly SweepRow[]): string[] {
  const present = [...new Set(rows.flatMap((r) => Object.keys(r.result?.scalars ?? {})))].sort();
  return [
    ...new Set(
      patterns.flatMap((p) => (p.endsWith('.*') ? present.filter((m) => m.startsWith(p.slice(0, -1))) : [p])),
    ),
  ];
}

export function sweepTable(rows: readonly SweepRow[], metrics?: readonly string[]): string {
  const params = [...new Set(rows.flatMap((r) => Object.keys(r.spec.point)))];
  const chosen =
    metrics !== undefined ? expand(metrics, rows) : HEADLINES.filter((m) => rows.some((r) => (r.result?.scalars[m] ?? 0) !== 0)).slice(0, MAX_METRICS);
  const header = ['run', ...params, 'rep', 'status', ...chosen];
  const body = rows.map((r) => [
    `#${r.runId}`,
    ...params.map((p) => String(r.spec.point[p] ?? '')),
    String(r.spec.replication),
    r.status,
    ...chosen.map((m) => {
      const v = r.result?.scalars[m];
      return v === undefined ? '' : formatNumber(v);
    }),
  ]);
  return table(header, body, ['r', ...params.map(() => 'l' as const), 'r', 'l', ...chosen.map(() => 'r' as const)]);
}
