/**
 * SMMUv3 model throughput: simulated unmap operations per wall-clock second on the trapped path
 * (guest CMDQ exit → QEMU → IOMMU_HWPT_INVALIDATE) and on the vCMDQ path, 4 KiB map-bench with
 * 2 guest threads on the Grace profile. Wall time is measured here only, never in the engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun } from '../main/api/runner';
import { resourcesDir } from '../main/api/resources';
import { runSimulation } from '../main/engine/run';
import { timed, type BenchRow } from './types';

function unmapsPerWallSecond(path: 'trapped' | 'vcmdq', duration: string): { rate: number; eventsPerS: number } {
  const specs = JSON.parse(readFileSync(join(resourcesDir(), 'examples', 'smmuv3-vcmdq-sweep.json'), 'utf8')) as { point: Record<string, unknown> }[];
  const spec = specs.find((s) => s.point.path === path && s.point.threads === 2 && s.point.granule_kib === 4)!;
  const p = prepareRun(spec, { sets: [['duration', duration]] });
  const { value: r, seconds: s } = timed(() => runSimulation(p.spec, p.profile));
  return { rate: (r.scalars['unmap.ops'] ?? 0) / s, eventsPerS: r.events / s };
}

export async function benchSmmuv3(): Promise<BenchRow[]> {
  unmapsPerWallSecond('trapped', '1ms'); // warm-up: JIT and profile cache
  const trapped = unmapsPerWallSecond('trapped', '20ms');
  const vcmdq = unmapsPerWallSecond('vcmdq', '20ms');
  return [
    { name: 'smmuv3.trapped.unmaps_per_wall_s', value: trapped.rate, unit: 'ops/s' },
    { name: 'smmuv3.vcmdq.unmaps_per_wall_s', value: vcmdq.rate, unit: 'ops/s' },
    { name: 'smmuv3.trapped.events_per_wall_s', value: trapped.eventsPerS, unit: 'events/s' },
    { name: 'smmuv3.vcmdq.events_per_wall_s', value: vcmdq.eventsPerS, unit: 'events/s' },
  ];
}

export default benchSmmuv3;

if (import.meta.url === `file://${process.argv[1]}`) {
  void benchSmmuv3().then((rows) => {
    for (const r of rows) console.log(`${r.name}\t${Math.round(r.value)}\t${r.unit}`);
  });
}
