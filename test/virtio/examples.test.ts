// The other virtio examples, run: virtio-blk behind the emulated SMMUv3 (strict vs lazy) and
// virtio-iommu with a VFIO NVMe-like disk in its four modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun } from '../../main/api/runner';
import { resourcesDir } from '../../main/api/resources';
import { runSimulation } from '../../main/engine/run';

function runAll(file: string) {
  const specs = JSON.parse(readFileSync(join(resourcesDir(), 'examples', file), 'utf8')) as { point: Record<string, unknown> }[];
  return specs.map((spec) => {
    const p = prepareRun(spec);
    return { point: spec.point, s: runSimulation(p.spec, p.profile).scalars };
  });
}

test('virtio-blk behind the emulated SMMUv3: 3 DMA-API maps per 64 KiB read, and lazy beats strict', () => {
  const [strict, lazy] = runAll('virtio-blk-smmuv3.json').map((r) => r.s);
  for (const s of [strict!, lazy!]) {
    assert.equal(s['io.completed'], 256, 'the run ends after its 256 requests');
    // Header, data and status mapped and unmapped separately; the indirect table on top.
    assert.equal(s['virtio.dma_maps'], 3 * 256);
    assert.equal(s['virtio.dma_unmaps'], 3 * 256);
    assert.equal(s['virtio.indirect_maps'], 256);
    assert.equal(s['map.ops'] ?? 0, 0, 'the workload maps nothing itself: the driver does');
    assert.equal(s['faults.dma'], 0);
  }
  assert.ok(lazy!['inval.guest.cmds']! < strict!['inval.guest.cmds']! / 10, `${lazy!['inval.guest.cmds']} vs ${strict!['inval.guest.cmds']}`);
  assert.ok(lazy!['io.iops']! > strict!['io.iops']!);
});

test('virtio-iommu, four modes from the example: batching never adds kicks, lazy never adds unmaps, the stale window is 0 only in strict mode', () => {
  const rows = runAll('virtio-iommu-nvme.json');
  const at = (dmaMode: string, batchMaps: boolean) => rows.find((r) => r.point['dmaMode'] === dmaMode && r.point['batchMaps'] === batchMaps)!.s;
  const per = (s: Record<string, number>, k: string) => (s[k] ?? 0) / s['io.completed']!;
  for (const mode of ['strict', 'lazy']) {
    const plain = at(mode, false);
    const batched = at(mode, true);
    assert.ok(per(batched, 'virtio_iommu.kicks') <= per(plain, 'virtio_iommu.kicks'), mode);
    assert.ok(per(batched, 'virtio_iommu.kicks') < per(plain, 'virtio_iommu.kicks'), `${mode}: 4 segments, one sync instead of four`);
    // Every segment is one MAP and one VFIO map ioctl in every mode.
    for (const s of [plain, batched]) {
      assert.equal(per(s, 'virtio_iommu.requests.map'), 4);
      assert.equal(per(s, 'virtio_iommu.vfio_map_ioctls'), 4);
      assert.equal(s['faults.dma'], 0);
    }
  }
  for (const batch of [false, true]) {
    const strict = at('strict', batch);
    const lazy = at('lazy', batch);
    assert.ok(lazy['virtio_iommu.requests.unmap']! <= strict['virtio_iommu.requests.unmap']!);
    assert.ok(lazy['virtio_iommu.vfio_unmap_ioctls']! <= strict['virtio_iommu.vfio_unmap_ioctls']!);
    assert.ok(per(lazy, 'virtio_iommu.kicks') < per(strict, 'virtio_iommu.kicks'), 'lazy: the UNMAP rides on the next map sync');
    assert.equal(strict['virtio_iommu.stale_window_ns.max'], 0);
    assert.ok(strict['virtio_iommu.stale_window_ns.count']! >= 256);
    assert.ok(lazy['virtio_iommu.stale_window_ns.max']! > 0);
  }
});
