// Done-when 6 (issue 11): bad VT-d input is one clear error or a counted failure, never a crash;
// and 1,000 mutants of VT-d specs either validate-and-run or fail with one of those errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopologyError } from '../../main/common/diagnostics';
import { runSpec, vtdSpec } from './support';
import { prepareRun } from '../../main/api/runner';
import { SpecError } from '../../main/common/spec/validate';
import { SetPathError } from '../../main/common/spec/set-path';
import { ProfileError } from '../../main/common/profile/profile';

test('vfio-pci behind a vIOMMU without caching mode is refused as QEMU refuses it', () => {
  assert.throws(
    () => runSpec(vtdSpec({ viommu: { cachingMode: false } })),
    (e: Error) => e instanceof TopologyError && /vms\[0\]\.viommus\[0\]\.params\.cachingMode: .*Device assignment is not allowed without enabling caching-mode=on/.test(e.message),
  );
  // Emulated and vhost devices do not need it.
  assert.doesNotThrow(() => runSpec(vtdSpec({ viommu: { cachingMode: false }, device: { attach: 'emulated' } })));
});

test('an address mask above QEMU\'s MAMV is refused at its JSON path', () => {
  assert.throws(() => prepareRun(vtdSpec({ viommu: { maxAm: 19 } })), /vms\[0\]\.viommus\[0\]\.params\.maxAm.*MAMV 18/);
});

test('domain-ID exhaustion is a topology error naming the device that found none', () => {
  const spec = vtdSpec({ viommu: { domainIdBits: 4 } });
  const dev = (spec.devices as Record<string, unknown>[])[0]!;
  spec.devices = Array.from({ length: 16 }, (_, i) => ({ ...dev, id: `dev${i}`, workload: { kind: 'boot' } }));
  assert.throws(() => runSpec(spec), (e: Error) => e instanceof TopologyError && /devices\[15\]\.viommu: domain-ID exhaustion: .*15 usable/.test(e.message));
  spec.devices = (spec.devices as unknown[]).slice(0, 15);
  assert.doesNotThrow(() => runSpec(spec));
});

test('a VFIO container over its dma_entry_limit: maps fail as on Linux, counted, and the device faults there', () => {
  const r = runSpec(
    vtdSpec({
      duration: '10ms',
      overrides: { 'vfio.dma_entry_limit': 100 },
      device: { kind: 'nic' },
      workload: { kind: 'nic', direction: 'rx', bitrate: '1Gbps', ringSize: 256 },
    }),
  );
  assert.ok(r.scalars['vfio.map_failures']! > 0);
  assert.ok(r.scalars['faults.dma']! > 0);
  assert.ok(r.scalars['nic.drops']! > 0, 'the faults surface as dropped packets');
  assert.ok(r.notes.some((n) => /vfio_dma_map.*-28 \(No space left on device\)/.test(n)));
});

test('the same on a block device: requests whose DMA faults end as I/O errors, not completions', () => {
  const r = runSpec(
    vtdSpec({
      duration: '5ms',
      overrides: { 'vfio.dma_entry_limit': 8 },
      device: { kind: 'nvme' },
      workload: { kind: 'block', queueDepth: 16, requestSize: '4KiB', serviceTime: { kind: 'fixed', value: '20us' } },
    }),
  );
  assert.ok(r.scalars['vfio.map_failures']! > 0);
  assert.ok(r.scalars['io.errors']! > 0);
  assert.ok(r.scalars['io.completed']! > 0, 'requests whose buffers did get a host mapping complete');
});

/** A deterministic PRNG for the mutants. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('1,000 mutants of VT-d specs: each runs or gives one clear error, none crashes', () => {
  const rand = rng(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const bad: unknown[] = [-1, 1.5, 2 ** 60, 'x', '', null, [], {}, true, '12parsecs'];
  // For each field: values a user might well write (most valid), then anything at all.
  const viommuFields: Record<string, unknown[]> = {
    cachingMode: [true, false],
    mode: ['legacy', 'scalable-passthrough', 'scalable'],
    resync: ['iova-tree-delta', 'unmap-all-replay'],
    unmapOnlyWalk: [true, false],
    maxAm: [0, 1, 9, 18, 19, 64],
    domainIdBits: [4, 6, 16, 5, 18],
    addressWidth: [39, 48, 57],
    guestStrictWithCm: [true, false],
    nestedIn: ['', 'vm0/vtd0', 'l1/vtd0', 'nope'],
    l2RamBase: [0, '4GiB', '1TiB'],
    bogus: [1],
  };
  const deviceFields: Record<string, unknown[]> = {
    ats: [true, false],
    premap: [0, '2MiB', '16MiB', '5GiB', 4097],
    premapLeaf: ['4KiB', '2MiB', '1GiB', '8KiB'],
    premapChunk: ['4KiB', '2MiB', '1GiB', 0],
    bogus: [1],
  };
  const mutate = (fields: Record<string, unknown[]>, n: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let j = 0; j < n; j++) {
      const key = pick(Object.keys(fields));
      out[key] = rand() < 0.8 ? pick(fields[key]!) : pick(bad);
    }
    return out;
  };
  const attaches = ['vfio', 'vfio', 'emulated', 'vhost', 'virtio', 'nope'];
  let ran = 0;
  let refused = 0;
  for (let i = 0; i < 1000; i++) {
    const viommu = mutate(viommuFields, Math.floor(rand() * 4));
    const params = rand() < 0.5 ? mutate(deviceFields, 1 + Math.floor(rand() * 2)) : {};
    const attach = pick(attaches);
    const workload = pick([{ kind: 'map-bench', maxOps: 20 }, { kind: 'boot' }, { kind: 'nic', bitrate: '1Gbps', ringSize: 16 }]);
    // The device kind the attach and workload need (strict specs refuse a dma-engine on vhost or running a NIC).
    const kind = attach === 'vhost' || attach === 'virtio' ? 'virtio-net' : workload.kind === 'nic' ? 'nic' : 'dma-engine';
    const spec = vtdSpec({
      duration: '100us',
      viommu,
      vm: { memory: pick(['1GiB', '4GiB', '4GiB', 4096, '1MiB']), dmaMode: pick(['strict', 'lazy']) },
      device: { attach, kind, params },
      workload,
    });
    try {
      runSpec(spec);
      ran++;
    } catch (e) {
      const err = e as Error;
      // One clear error: a spec, profile or topology error with a message of one line.
      const clear = err instanceof SpecError || err instanceof TopologyError || err instanceof ProfileError || err instanceof SetPathError;
      assert.ok(clear, `mutant ${i}: ${err.stack}`);
      assert.ok(!err.message.includes('\n') && err.message.length > 10, `mutant ${i}: ${err.message}`);
      refused++;
    }
  }
  assert.equal(ran + refused, 1000);
  // The schema ranges (issue 10) refuse more of the extreme mutants; both outcomes must still be common.
  assert.ok(ran > 100 && refused > 200, `ran ${ran}, refused ${refused}`);
  console.log(`VT-d fuzz: ${ran} mutants ran, ${refused} refused with one clear error`);
});
