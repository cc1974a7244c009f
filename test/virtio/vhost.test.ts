// The vhost backend behind a real virtio-iommu (an integration test: tests may combine models).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcessGenerator } from '../../main/engine/kernel';
import { DmaIommuPath } from '../../main/engine/dma/iommu/dma-iommu';
import { loadProfile } from '../../main/api/profiles';
import { CountingPath, rig } from '../../main/engine/models/virtio/test-harness';
import { VirtioBlk } from '../../main/engine/models/virtio/blk';
import { readVirtioIommuCosts } from '../../main/engine/models/virtio-iommu/cost-table';
import { VirtioIommuDevice } from '../../main/engine/models/virtio-iommu/device';
import { VirtioIommuDomain } from '../../main/engine/models/virtio-iommu/guest-domain';

const profile = loadProfile('kvm-x86-2024');

function scenario(mode: 'strict' | 'lazy') {
  let counting: CountingPath | null = null;
  const r = rig({
    route: 'platform',
    backend: 'vhost',
    profile,
    dma: (env, costs, metrics, vm) => {
      const c = readVirtioIommuCosts(costs);
      const dev = new VirtioIommuDevice(env, c, metrics, vm, 'viommu0', 256, 512);
      dev.addEndpoint({ id: 8, vfio: false });
      const path = new DmaIommuPath(env, costs, metrics, new VirtioIommuDomain(dev, 1, { batchMaps: true, endpoint: 8 }), {
        mode,
        timerCpu: vm.vcpu(0),
        dmaLimit: 2 ** 48,
        singleFlushQueue: { entries: c.fqEntries, timeoutNs: c.fqTimeoutNs },
      });
      return (counting = new CountingPath(path));
    },
  });
  const blk = new VirtioBlk(r.transport, { segMax: 126, sizeMax: 2 ** 20 }, () => r.vm.allocBuffer(4096));
  const seen: { at: string; ok: boolean; stale: number; invalidations: number }[] = [];
  const snap = (at: string, ok: boolean) => {
    const s = r.metrics.collect().scalars;
    seen.push({ at, ok, stale: s['virtio.vhost.stale_uses'] ?? 0, invalidations: s['virtio.vhost.invalidations'] ?? 0 });
  };
  r.env.process(
    (function* (): ProcessGenerator<void> {
      const cpu = r.vm.vcpu(0);
      yield* cpu.run(r.transport.probe(cpu));
      const o = yield* blk.submit(cpu, { read: true, bytes: 4096, data: [{ gpa: r.vm.allocBuffer(4096), bytes: 4096 }], mediaNs: 10_000, slotGpa: r.vm.allocBuffer(4096), device: r.device });
      assert.equal(o.ok, true);
      // A device access through the data buffer's address after the guest unmapped it.
      const data = counting!.mapped.find((m) => m.bytes === 4096)!;
      snap('after unmap', yield* r.transport.translate(data.iovaPfn, data.iovaOff, 64, true));
      yield 1_100_000_000; // past the 1000 ms flush-queue timer
      snap('after flush', yield* r.transport.translate(data.iovaPfn, data.iovaOff, 64, true));
    })(),
  );
  r.env.run();
  return { seen, s: r.metrics.collect().scalars };
}

test('vhost: the UNMAP reaches the device IOTLB; in lazy mode a DMA before the flush is a stale use', () => {
  const lazy = scenario('lazy');
  assert.ok(lazy.s['virtio.vhost.iotlb_misses']! >= 2, 'the device IOTLB filled by misses answered by the VMM');
  assert.deepEqual(
    lazy.seen.map((x) => [x.at, x.ok, x.stale]),
    [
      ['after unmap', true, 1],
      ['after flush', false, 1],
    ],
  );
  assert.equal(lazy.seen[0]!.invalidations, 0, 'lazy: no UNMAP has reached vhost yet');
  assert.ok(lazy.seen[1]!.invalidations >= 3, 'the flush sent header, data and status UNMAPs through the notifier');
  assert.equal(lazy.s['security.stale_dma'], 1);

  const strict = scenario('strict');
  assert.deepEqual(
    strict.seen.map((x) => [x.at, x.ok, x.stale]),
    [
      ['after unmap', false, 0],
      ['after flush', false, 0],
    ],
  );
  assert.ok(strict.seen[0]!.invalidations >= 3, 'strict: every UNMAP reached vhost before the unmap returned');
});
