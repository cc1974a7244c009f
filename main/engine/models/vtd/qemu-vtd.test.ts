import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment, type ProcessGenerator } from '../../kernel';
import { Counter } from '../../metrics/collector';
import { RadixPageTable, tablePageAllocator } from '../../mem/radix-page-table';
import { VmRuntime } from '../../machine/vm';
import type { VmSpec } from '../../../common/spec';
import { IovaTree } from './iova-tree';
import type { VtdCostValues, VtdCounters } from './knobs';
import { QemuVtd, type ResyncPolicy, type VtdAddressSpace } from './qemu-vtd';
import { GuestVtdDomain } from './guest-domain';
import { HostVfio } from './vfio-backend';
import { UnsafeWindow } from './unsafe-window';
import { VhostIotlb } from './vhost-iotlb';
import type { DescType } from './inv-desc';

const P = 4096;
const MiB = 2 ** 20;

export const TEST_COSTS: VtdCostValues = {
  pteWriteNs: 20,
  descWriteNs: 30,
  waitPollNs: 100,
  exitNs: 4000,
  nestedExitNs: 25_000,
  descEmulateNs: 300,
  pteReadNs: 100,
  treeLookupNs: 50,
  treeUpdateNs: 150,
  iotlbLookupNs: 80,
  contextReadNs: 200,
  mapIoctlNs: 3000,
  unmapIoctlNs: 5000,
  pinPageNs: 500,
  unpinPageNs: 100,
  hostPteNs: 50,
  hostIotlbFlushNs: 1000,
  hwTranslateNs: 50,
  vhostLookupNs: 30,
  vhostMissNs: 5000,
  vhostInvalNs: 1500,
  hwptInvalidateNs: 3000,
  iotlbEntries: 1024,
  vhostIotlbEntries: 2048,
  dmaEntryLimit: 65535,
  treeSizes: { nodeBytes: 40, elementBytes: 28, mallocHeaderBytes: 8, mallocAlignBytes: 16, mallocMinChunkBytes: 32 },
};

export function testCounters(): VtdCounters & { descs: Map<DescType, Counter> } {
  const descs = new Map<DescType, Counter>();
  const c = () => new Counter();
  return {
    descs,
    desc(t) {
      let x = descs.get(t);
      if (x === undefined) descs.set(t, (x = new Counter()));
      return x;
    },
    submissions: c(),
    exits: c(),
    vmmNs: c(),
    walks: c(),
    pteReads: c(),
    translateReads: c(),
    resyncs: c(),
    vfioMaps: c(),
    vfioUnmaps: c(),
    vfioMapFailures: c(),
    iqErrors: c(),
    iotlbHits: c(),
    iotlbMisses: c(),
    faultRecords: c(),
    vhostMisses: c(),
    vhostInvals: c(),
    hwptInvalidates: c(),
  };
}

function setup(resync: ResyncPolicy, notifier: 'map' | 'unmap-only' = 'map', k: VtdCostValues = TEST_COSTS, unmapOnlyWalk = false) {
  const env = new Environment(1);
  const vm = new VmRuntime(env, { id: 'vm0', memory: 4 * 2 ** 30, vcpus: 2 } as VmSpec);
  const c = testCounters();
  const window = new UnsafeWindow();
  const notes: string[] = [];
  const qemu = new QemuVtd(env, vm, k, c, { resync, unmapOnlyWalk, nestedGuest: false }, window);
  const guest = new RadixPageTable(4, tablePageAllocator(3 * 2 ** 30, 64 * MiB, 'gt'));
  const vfio = notifier === 'map' ? new HostVfio(env, k, c, window, (iova) => guest.translate(iova) !== null, (t) => notes.push(t), 'nic0') : null;
  const as: VtdAddressSpace = {
    sid: 8,
    did: 1,
    name: 'vtd0.nic0',
    notifier,
    guest,
    tree: notifier === 'map' ? new IovaTree(k.treeSizes) : null,
    vfio,
    vhost: notifier === 'unmap-only' ? new VhostIotlb(k.vhostIotlbEntries) : null,
  };
  qemu.add(as);
  const dom = new GuestVtdDomain(qemu, as, k, c, { cachingMode: true, maxAm: 18, ats: false, note: (t) => notes.push(t) });
  return { env, vm, c, window, qemu, as, dom, notes, cpu: vm.vcpu(0) };
}

function run(env: Environment, body: () => ProcessGenerator<void>): void {
  env.process(body());
  env.run();
}

test('CM=1: a map is a PSI that QEMU walks and turns into one VFIO MAP; strict unmap a PSI and one UNMAP', () => {
  const { env, c, dom, as, cpu } = setup('iova-tree-delta');
  const results: boolean[] = [];
  run(env, function* () {
    yield* cpu.run(dom.mapPages(cpu, 0x10_0000, 0x8000_0000, P, 'from-device'));
    results.push(yield* dom.translate((0x10_0000) / P, 0, 64, true));
    yield* cpu.run(dom.unmapPages(cpu, 0x10_0000, P));
    yield* cpu.run(dom.flushRange(cpu, 0x10_0000, P));
    results.push(yield* dom.translate((0x10_0000) / P, 0, 64, true));
  });
  assert.deepEqual(results, [true, false]);
  assert.equal(c.descs.get('iotlb-psi')!.value, 2);
  assert.equal(c.descs.get('wait')!.value, 2);
  assert.equal(c.exits.value, 2);
  assert.equal(c.vfioMaps.value, 1);
  assert.equal(c.vfioUnmaps.value, 1);
  assert.equal(c.faultRecords.value, 1);
  assert.equal(as.tree!.nodes, 0);
  // Each PSI walk read the 3 upper descriptors and one leaf-level slot.
  assert.equal(c.pteReads.value, 8);
});

/**
 * The seed-003 race at unit level: the guest keeps 256 pages mapped (a receive ring), a device
 * DMAs into them continuously, and the guest issues a domain invalidation.
 */
function dsiRace(resync: ResyncPolicy, pages: number) {
  const s = setup(resync);
  const { env, dom, cpu } = s;
  let dmas = 0;
  let faults = 0;
  let stop = false;
  let posted = 0;
  env.process(
    (function* () {
      yield* cpu.run(
        (function* () {
          for (let i = 0; i < pages; i++) {
            yield* dom.mapPages(cpu, 0x10_0000 + i * P, 0x8000_0000 + i * P, P, 'from-device');
            posted++;
          }
        })(),
      );
      yield* cpu.run(dom.flushAll(cpu));
      stop = true;
    })(),
  );
  env.process(
    (function* () {
      yield 1000;
      let i = 0;
      while (!stop) {
        // Only buffers whose dma_map has returned, as a driver only posts those.
        if (posted > 0) {
          dmas++;
          if (!(yield* dom.translate((0x10_0000 + (i++ % posted) * P) / P, 0, 1500, true))) faults++;
        }
        yield 2000;
      }
    })(),
  );
  env.run();
  s.window.closeAll(env.now);
  return { ...s, dmas, faults };
}

test('domain invalidation: unmap-all-replay faults in-flight DMA and opens an unsafe window; the IOVA-tree delta does neither', () => {
  const old = dsiRace('unmap-all-replay', 256);
  const now = dsiRace('iova-tree-delta', 256);
  assert.ok(old.faults > 0, `faults ${old.faults}`);
  assert.ok(old.window.totalNs > 0 && old.window.longestNs > 0);
  assert.equal(now.faults, 0);
  assert.equal(now.window.totalNs, 0);
  assert.equal(now.window.gaps, 0);
  // The delta sync walked the domain and found nothing to do; the replay re-mapped every page.
  assert.equal(now.c.vfioMaps.value, 256);
  assert.equal(old.c.vfioMaps.value, 512);
  assert.equal(old.c.vfioUnmaps.value, 1);
  // A bigger domain has a longer longest gap.
  const big = dsiRace('unmap-all-replay', 1024);
  assert.ok(big.window.longestNs > old.window.longestNs);
});

test('a PSI with an AM above MAMV is an invalidation queue error; nothing is synced', () => {
  const { env, c, qemu, cpu } = setup('iova-tree-delta');
  run(env, function* () {
    yield* cpu.run(qemu.submit(cpu, [{ type: 'iotlb-psi', did: 1, addr: 0, am: 19 }]));
  });
  assert.equal(c.iqErrors.value, 1);
  assert.equal(c.walks.value, 0);
});

test('dma_entry_limit: MAPs beyond it fail (counted, noted once) and the device faults there', () => {
  const { env, c, dom, cpu, notes } = setup('iova-tree-delta', 'map', { ...TEST_COSTS, dmaEntryLimit: 4 });
  const ok: boolean[] = [];
  run(env, function* () {
    for (let i = 0; i < 6; i++) yield* cpu.run(dom.mapPages(cpu, i * P + P, 0x8000_0000 + i * P, P, 'to-device'));
    for (let i = 0; i < 6; i++) ok.push(yield* dom.translate((i * P + P) / P, 0, 64, false));
  });
  assert.equal(c.vfioMapFailures.value, 2);
  assert.deepEqual(ok, [true, true, true, true, false, false]);
  assert.equal(notes.filter((n) => n.includes('No space left on device')).length, 1);
});

test('vhost (UNMAP-only): a PSI is one UNMAP with no page walk; with the walk kept, PTE reads', () => {
  for (const walk of [false, true]) {
    const { env, c, dom, as, cpu } = setup('iova-tree-delta', 'unmap-only', TEST_COSTS, walk);
    const hits: boolean[] = [];
    run(env, function* () {
      yield* cpu.run(dom.mapPages(cpu, 0x10_0000, 0x8000_0000, 4 * P, 'to-device'));
      hits.push(yield* dom.translate((0x10_0000) / P, 0, 64, false));
      hits.push(yield* dom.translate((0x10_0000) / P, 0, 64, false));
      yield* cpu.run(dom.unmapPages(cpu, 0x10_0000, 4 * P));
      yield* cpu.run(dom.flushRange(cpu, 0x10_0000, 4 * P));
      hits.push(yield* dom.translate((0x10_0000) / P, 0, 64, false));
    });
    assert.deepEqual(hits, [true, true, false]);
    assert.equal(c.vhostMisses.value, 2, 'one miss fills, the second access hits; after the unmap it misses again');
    assert.equal(as.vhost!.size, 0);
    // The translate walks (4 reads each) happen on misses either way; the PSI walks only with the knob.
    assert.equal(c.translateReads.value, 2 * 4);
    if (walk) assert.ok(c.pteReads.value > 0);
    else assert.equal(c.pteReads.value, 0);
  }
});
