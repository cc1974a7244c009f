import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcessGenerator } from '../../kernel';
import { mapScatterList, unmapScatterList, type Mapping } from '../../dma/path';
import { loadProfile } from '../../../api/profiles';
import { viommuRig } from './test-support';

const profile = loadProfile('kvm-x86-2024');

/** An NVMe-like driver: each 64 KiB read is one dma_map_sg of `segs` physically separate runs. */
function nvmeReads(mode: 'strict' | 'lazy', batchMaps: boolean, ios: number, segs: number) {
  const r = viommuRig(profile, mode, batchMaps);
  let completed = 0;
  let faults = 0;
  r.env.process(
    (function* (): ProcessGenerator<void> {
      const cpu = r.vm.vcpu(0);
      yield* cpu.run(r.path.probe(cpu));
      for (let i = 0; i < ios; i++) {
        const list = Array.from({ length: segs }, (_, k) => ({ gpa: 0x4000_0000 + k * 2 ** 21 + (i % 8) * 65536, bytes: 65536 / segs }));
        const ms = (yield* cpu.run(mapScatterList(r.path, cpu, list, 'from-device'))) as Mapping[];
        for (const m of ms) if (!(yield* r.path.translate(m.iovaPfn, m.iovaOff, m.bytes, true))) faults++;
        yield 20_000;
        yield* cpu.run(unmapScatterList(r.path, cpu, ms));
        completed++;
      }
    })(),
  );
  r.env.run(2e9);
  const s = r.metrics.collect().scalars;
  const per = (k: string) => (s[k] ?? 0) / completed;
  return {
    completed,
    faults,
    kicks: per('virtio_iommu.kicks'),
    requests: per('virtio_iommu.requests'),
    maps: per('virtio_iommu.requests.map'),
    unmaps: per('virtio_iommu.requests.unmap'),
    mapIoctls: per('virtio_iommu.vfio_map_ioctls'),
    unmapIoctls: per('virtio_iommu.vfio_unmap_ioctls'),
    windowMax: s['virtio_iommu.stale_window_ns.max'] ?? 0,
    windowCount: s['virtio_iommu.stale_window_ns.count'] ?? 0,
    s,
  };
}

test('virtio-iommu, four modes: batching never adds kicks, lazy never adds unmaps; the stale window is 0 strict, > 0 lazy', () => {
  const ios = 200;
  const m = {
    strict: nvmeReads('strict', false, ios, 4),
    strictBatch: nvmeReads('strict', true, ios, 4),
    lazy: nvmeReads('lazy', false, ios, 4),
    lazyBatch: nvmeReads('lazy', true, ios, 4),
  };
  for (const [k, v] of Object.entries(m)) {
    assert.equal(v.completed, ios, k);
    assert.equal(v.faults, 0, `${k}: no DMA faults`);
    // One MAP request and one VFIO map ioctl per segment, whatever the mode.
    assert.ok(Math.abs(v.maps - 4) < 0.01, `${k} maps ${v.maps}`);
    assert.ok(Math.abs(v.mapIoctls - 4) < 0.01, `${k} map ioctls ${v.mapIoctls}`);
  }
  // Unbatched, each segment's MAP is its own kick; batched, one per dma_map_sg.
  assert.ok(m.strictBatch.kicks <= m.strict.kicks && m.lazyBatch.kicks <= m.lazy.kicks);
  assert.ok(Math.abs(m.strict.kicks - 5) < 0.01, `strict: 4 map kicks + 1 unmap sync, got ${m.strict.kicks}`);
  assert.ok(Math.abs(m.strictBatch.kicks - 2) < 0.01, `strict+batch: 1 map sync + 1 unmap sync, got ${m.strictBatch.kicks}`);
  assert.ok(m.lazyBatch.kicks < m.strictBatch.kicks, 'lazy: the UNMAP rides on the next map sync');
  // dma_unmap_sg is one range: one UNMAP request per I/O in every mode (lazy never adds any).
  assert.ok(m.lazy.unmaps <= m.strict.unmaps && m.lazyBatch.unmaps <= m.strictBatch.unmaps);
  assert.ok(m.lazy.unmapIoctls <= m.strict.unmapIoctls + 1e-9);
  // The stale-translation window.
  assert.equal(m.strict.windowMax, 0);
  assert.equal(m.strictBatch.windowMax, 0);
  assert.ok(m.strict.windowCount >= ios);
  assert.ok(m.lazy.windowMax > 0 && m.lazyBatch.windowMax > 0);
});

test('lazy mode: a DMA through a range the guest unmapped is still translated until the UNMAP reaches the device', () => {
  const r = viommuRig(profile, 'lazy', true);
  const seen: boolean[] = [];
  r.env.process(
    (function* (): ProcessGenerator<void> {
      const cpu = r.vm.vcpu(0);
      yield* cpu.run(r.path.probe(cpu));
      const m = (yield* cpu.run(r.path.map(cpu, 0x4000_0000, 4096, 'from-device')))!;
      yield* cpu.run(r.path.unmap(cpu, m));
      seen.push(yield* r.path.translate(m.iovaPfn, m.iovaOff, 64, true));
      // The flush-queue timer (1000 ms) sends the queued UNMAP.
      yield 1_100_000_000;
      seen.push(yield* r.path.translate(m.iovaPfn, m.iovaOff, 64, true));
    })(),
  );
  r.env.run();
  assert.deepEqual(seen, [true, false]);
  const s = r.metrics.collect().scalars;
  assert.equal(s['security.stale_dma'], 1);
  assert.ok(s['virtio_iommu.stale_window_ns.max']! >= 1e9, `window ${s['virtio_iommu.stale_window_ns.max']}`);
});
