import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcessGenerator } from '../../kernel';
import { DirectPath } from '../../dma/direct';
import { loadProfile } from '../../../api/profiles';
import { CountingPath, rig } from './test-harness';
import { VirtioBlk } from './blk';
import type { BlkIo } from './blk';
import { dataRuns, WIDE_RUN_STRIDE } from '../../dma/data-runs';

const profile = loadProfile('kvm-x86-2024');

function runReads(opts: { indirect: boolean; requests: number; fragments?: number; route?: 'platform' | 'gpa' }) {
  let counting: CountingPath | null = null;
  const r = rig({
    route: opts.route ?? 'platform',
    profile,
    indirect: opts.indirect,
    dma: (_env, costs) => (opts.route === 'gpa' ? null : (counting = new CountingPath(new DirectPath(costs)))),
  });
  const blk = new VirtioBlk(r.transport, { segMax: 126, sizeMax: 2 ** 20 }, () => r.vm.allocBuffer(4096));
  const slot = r.vm.allocBuffer(4096);
  const data = r.vm.allocBuffer(64 * 1024 * 16);
  const outcomes: boolean[] = [];
  r.env.process(
    (function* (): ProcessGenerator<void> {
      const cpu = r.vm.vcpu(0);
      yield* cpu.run(r.transport.probe(cpu));
      for (let i = 0; i < opts.requests; i++) {
        const io: BlkIo = { read: true, bytes: 64 * 1024, data: dataRuns(data, 64 * 1024, opts.fragments ?? 1, WIDE_RUN_STRIDE), mediaNs: 10_000, slotGpa: slot, device: r.device };
        const o = yield* blk.submit(cpu, io);
        outcomes.push(o.ok);
      }
    })(),
  );
  r.env.run();
  const s = r.metrics.collect().scalars;
  return { s, outcomes, counting: counting as CountingPath | null, notes: r.notes };
}

test('a contiguous 64 KiB virtio-blk read maps and unmaps header, data and status separately: 3 DMA-API maps', () => {
  const { s, outcomes, counting } = runReads({ indirect: false, requests: 10 });
  assert.deepEqual(outcomes, Array(10).fill(true));
  assert.equal(s['virtio.dma_maps'], 30);
  assert.equal(s['virtio.dma_unmaps'], 30);
  assert.equal(s['virtio.ring_maps'], 1, 'the ring is mapped once, at probe');
  // The DMA path itself saw 3 maps per request plus the ring.
  assert.equal(counting!.maps, 31);
  assert.equal(counting!.unmaps, 30);
  // The device moved header (16 B), data and status (1 B) in three DMAs.
  assert.equal(s['dma.transactions'], 30);
  assert.equal(s['dma.bytes'], 10 * (16 + 65536 + 1));
  assert.equal(s['virtio.kicks'], 10, 'one request at a time: one kick each');
  assert.equal(s['virtio.interrupts'], 10);
});

test('with indirect descriptors the table is one more map per request (Linux goes indirect for total_sg > 1)', () => {
  const { s, counting } = runReads({ indirect: true, requests: 10 });
  assert.equal(s['virtio.dma_maps'], 30);
  assert.equal(s['virtio.indirect_maps'], 10);
  assert.equal(counting!.maps, 41);
  assert.equal(counting!.unmaps, 40);
});

test('a fragmented read maps one entry per physically contiguous run', () => {
  const { s } = runReads({ indirect: false, requests: 4, fragments: 4 });
  assert.equal(s['virtio.dma_maps'], 4 * (1 + 4 + 1));
});

test('without ACCESS_PLATFORM the driver makes no DMA-API call at all', () => {
  const { s, outcomes } = runReads({ indirect: false, requests: 5, route: 'gpa' });
  assert.deepEqual(outcomes, Array(5).fill(true));
  assert.equal(s['virtio.dma_maps'] ?? 0, 0);
  assert.equal(s['virtio.ring_maps'] ?? 0, 0);
  assert.equal(s['dma.transactions'], 15);
});
