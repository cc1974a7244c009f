// map-bench's thread runs the path's map and unmap as steps (DmaCallSteps: dma-iommu's own,
// dma/iommu/call-steps.ts) instead of `yield*` on the path's generators. On the SMMUv3 paths the
// bench measures — trapped and vCMDQ, one and several threads, strict and lazy, with device
// churn and stage-2 changes — a run must give the same result, event count included, as the
// same run with the steps hidden (the thread then drives the path's generators).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun } from '../../api/runner';
import { runSimulation } from '../run';
import { DmaIommuPath } from '../dma/iommu/dma-iommu';

const SWEEP = join(import.meta.dirname, '..', '..', '..', 'resources', 'examples', 'smmuv3-vcmdq-sweep.json');

function withoutSteps<T>(f: () => T): T {
  const proto = DmaIommuPath.prototype as { callSteps?: unknown };
  const own = proto.callSteps;
  proto.callSteps = undefined;
  try {
    return f();
  } finally {
    proto.callSteps = own;
  }
}

test('map-bench on SMMUv3 with dma-iommu call steps gives what the generators give: every metric and the event count', () => {
  const specs = JSON.parse(readFileSync(SWEEP, 'utf8')) as { vms: { dmaMode?: string; viommus: { params: Record<string, unknown> }[] }[]; point: { path: string; threads: number; granule_kib: number } }[];
  let compared = 0;
  for (const base of specs) {
    if (base.point.granule_kib !== 4 || base.point.threads > 2) continue;
    for (const variant of ['plain', 'lazy', 'busy'] as const) {
      const spec = structuredClone(base);
      if (variant === 'lazy') spec.vms[0]!.dmaMode = 'lazy';
      if (variant === 'busy') Object.assign(spec.vms[0]!.viommus[0]!.params, { churnEvery: '20us', s2ChangeEvery: '30us' });
      const p = prepareRun(spec, { sets: [['duration', '400us']] });
      const steps = runSimulation(p.spec, p.profile);
      const gens = withoutSteps(() => runSimulation(p.spec, p.profile));
      assert.deepEqual(steps, gens, `${base.point.path} × ${base.point.threads}, ${variant}`);
      assert.ok((steps.scalars['unmap.ops'] ?? 0) > 10, 'the bench ran');
      compared++;
    }
  }
  assert.ok(compared >= 12, `${compared} runs compared`);
});
