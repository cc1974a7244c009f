/**
 * SMMUv3 model throughput: simulated unmap operations per wall-clock second on the trapped path
 * (guest CMDQ exit → QEMU → IOMMU_HWPT_INVALIDATE) and on the vCMDQ path, 4 KiB map-bench with
 * 2 guest threads on the Grace profile, and kernel events per map/DMA/unmap iteration. Each
 * path is warmed up with a whole run of the measured length first (a 1 ms warm-up mostly timed
 * the JIT), then the best of three runs is its rate. Wall time is measured here only.
 * The setup rows time the same spec with a 0 ms duration (machine, tables, boot: everything a run
 * does before its first iteration), best of three after the measured runs, so a rate that is
 * setup-bound shows as such.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun } from '../main/api/runner';
import { resourcesDir } from '../main/api/resources';
import { runSimulation } from '../main/engine/run';
import { timed, type BenchRow } from './types';

function bestWall(run: () => unknown, n: number): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) best = Math.min(best, timed(run).seconds);
  return best;
}

function unmapsPerWallSecond(path: 'trapped' | 'vcmdq', duration: string): { rate: number; eventsPerS: number; eventsPerIteration: number; setupS: number } {
  const specs = JSON.parse(readFileSync(join(resourcesDir(), 'examples', 'smmuv3-vcmdq-sweep.json'), 'utf8')) as { point: Record<string, unknown> }[];
  const spec = specs.find((s) => s.point.path === path && s.point.threads === 2 && s.point.granule_kib === 4)!;
  const p = prepareRun(spec, { sets: [['duration', duration]] });
  runSimulation(p.spec, p.profile); // warm-up: the same run
  let best = Infinity;
  let r = runSimulation(p.spec, p.profile);
  for (let i = 0; i < 3; i++) {
    const t = timed(() => runSimulation(p.spec, p.profile));
    r = t.value;
    best = Math.min(best, t.seconds);
  }
  const empty = prepareRun(spec, { sets: [['duration', '0ms']] });
  const setupS = bestWall(() => runSimulation(empty.spec, empty.profile), 3);
  return { rate: (r.scalars['unmap.ops'] ?? 0) / best, eventsPerS: r.events / best, eventsPerIteration: r.events / (r.scalars['bench.ops'] ?? 1), setupS };
}

export async function benchSmmuv3(): Promise<BenchRow[]> {
  const trapped = unmapsPerWallSecond('trapped', '20ms');
  const vcmdq = unmapsPerWallSecond('vcmdq', '20ms');
  return [
    { name: 'smmuv3.trapped.unmaps_per_wall_s', value: trapped.rate, unit: 'ops/s', note: 'goal ≥ 500k' },
    { name: 'smmuv3.vcmdq.unmaps_per_wall_s', value: vcmdq.rate, unit: 'ops/s', note: 'goal ≥ 700k' },
    { name: 'smmuv3.trapped.events_per_wall_s', value: trapped.eventsPerS, unit: 'events/s' },
    { name: 'smmuv3.vcmdq.events_per_wall_s', value: vcmdq.eventsPerS, unit: 'events/s' },
    { name: 'smmuv3.trapped.events_per_iteration', value: trapped.eventsPerIteration, unit: 'events', note: 'map + DMA + unmap; goal ≤ 10' },
    { name: 'smmuv3.vcmdq.events_per_iteration', value: vcmdq.eventsPerIteration, unit: 'events', note: 'goal ≤ 10' },
    { name: 'smmuv3.trapped.setup_ms', value: trapped.setupS * 1000, unit: 'ms', note: 'a 0 ms run of the same spec' },
    { name: 'smmuv3.vcmdq.setup_ms', value: vcmdq.setupS * 1000, unit: 'ms', note: 'a 0 ms run of the same spec' },
  ];
}

export default benchSmmuv3;

if (import.meta.url === `file://${process.argv[1]}`) {
  void benchSmmuv3().then((rows) => {
    for (const r of rows) console.log(`${r.name}\t${Math.round(r.value)}\t${r.unit}`);
  });
}
