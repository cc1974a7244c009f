/**
 * Structures that scale: the IOVA allocator's time per operation at 10k, 100k and 1M live
 * allocations (ratios to 10k are the result), the simulator's bytes per TCE, and the CPU time of
 * a 1 TiB guest mapping all its RAM into a 64 KiB-page DDW.
 *
 * IOVA workloads, each a ring (free the oldest, allocate a new one of the slot's size: a NIC's
 * descriptor ring), slot i freed on CPU i mod 4 and refilled from CPU i + 1 mod 4:
 * - `rcache`: 1..32-page sizes, the dma-iommu mix: magazines, moving between CPUs via the depot;
 * - `tree`: 64-page allocations, above the cached sizes, so every operation is a tree walk,
 *   insert, lookup and erase.
 * Random-order frees of uncached sizes are not benchmarked: Linux's cached-node walk is linear in
 * the distance to the hole there, and so is the model (it keeps Linux's semantics).
 */
import { prepareRun } from '../main/api/runner';
import { IovaAllocator } from '../main/engine/dma/iommu/iova-allocator';
import { TceTable, tceValue, TCE_READ, TCE_WRITE } from '../main/engine/models/spapr/tce-table';
import { runSimulation } from '../main/engine/run';
import { timed, type BenchRow } from './types';

const SIZES = [1, 1, 1, 2, 4, 1, 8, 1, 16, 32, 1, 3];

/** A ring of `live` allocations; `run(ops)` frees the oldest and allocates anew `ops` times and returns ns per operation. */
function iovaRing(live: number, mode: 'rcache' | 'tree'): (ops: number) => number {
  const a = new IovaAllocator(1, 2 ** 36);
  const pfn = new Float64Array(live);
  const pages = new Uint8Array(live);
  for (let i = 0; i < live; i++) {
    pages[i] = mode === 'tree' ? 64 : SIZES[i % SIZES.length]!;
    pfn[i] = a.alloc(pages[i]!, (i + 1) & 3)!.pfn;
  }
  let k = 0;
  return (ops) => {
    const t = timed(() => {
      for (const end = k + ops; k < end; k++) {
        const i = k % live;
        a.free(pfn[i]!, pages[i]!, i & 3);
        pfn[i] = a.alloc(pages[i]!, (i + 1) & 3)!.pfn;
      }
    });
    return (t.seconds * 1e9) / (2 * ops);
  };
}

/**
 * A table with `valid` entries mapped at 64 KiB; `run(ops)` clears and rewrites entries (H_PUT_TCE's
 * table update) and returns ns per write: in order (as Linux's next-fit window allocator hands
 * pages out) or spread over the table (every write a cache miss once the table outgrows the
 * caches, as for any flat array).
 */
function tceTable(valid: number, spread: boolean): (ops: number) => number {
  const t = new TceTable(16, 2 ** 24);
  for (let i = 0; i < valid; i++) t.set(i, tceValue(i * 65536, TCE_READ | TCE_WRITE));
  let k = 0;
  return (ops) => {
    const r = timed(() => {
      for (const end = k + ops; k < end; k++) {
        const i = spread ? (k * 7919) % valid : k % valid;
        t.set(i, 0);
        t.set(i, tceValue(i * 65536, TCE_READ | TCE_WRITE));
      }
    });
    return (r.seconds * 1e9) / (2 * ops);
  };
}

function tceBytesPerEntry(): { structure: number; heap: number } {
  const entries = 2 ** 22;
  globalThis.gc?.();
  const m0 = process.memoryUsage();
  const t = new TceTable(16, entries);
  for (let i = 0; i < entries; i++) t.set(i, tceValue(i * 65536, TCE_READ | TCE_WRITE));
  globalThis.gc?.();
  const m1 = process.memoryUsage();
  const heap = m1.heapUsed + m1.arrayBuffers - (m0.heapUsed + m0.arrayBuffers);
  return { structure: t.storageBytes / t.validCount, heap: heap / entries };
}

function tibGuest(memory: string): { cpuSeconds: number; tces: number } {
  const p = prepareRun({
    name: 'bench: 1 TiB DDW',
    duration: '1ms',
    profile: { base: 'power9-kvm' },
    host: { arch: 'ppc64le', cpus: 8 },
    vms: [{ id: 'g', memory, vcpus: 4, viommus: [{ id: 'phb0', kind: 'spapr-tce', params: { ddwPageSizes: ['64KiB'], hcallPath: 'kvm-real' } }] }],
    devices: [{ id: 'd', vm: 'g', viommu: 'phb0', workload: { kind: 'boot' } }],
  });
  const c0 = process.cpuUsage();
  const r = runSimulation(p.spec, p.profile);
  const c = process.cpuUsage(c0);
  return { cpuSeconds: (c.user + c.system) / 1e6, tces: r.scalars['hcalls.tces.h_put_tce_indirect'] ?? 0 };
}

export async function structuresBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // First, while the heap holds nothing else: freed array buffers are returned lazily after a gc.
  const b = tceBytesPerEntry();
  const lives = [10_000, 100_000, 1_000_000];
  for (const mode of ['rcache', 'tree'] as const) {
    const rings = lives.map((live) => iovaRing(live, mode));
    for (const r of rings) r(200_000); // warm-up, and one pass around the smaller rings
    // Interleaved short rounds, the best of fifteen per size: on a shared machine the load moves
    // faster than a long round would average it out.
    const best = lives.map(() => Infinity);
    for (let round = 0; round < 15; round++) rings.forEach((r, i) => (best[i] = Math.min(best[i]!, r(100_000))));
    lives.forEach((live, i) => rows.push({ name: `iova.${mode}.ns_per_op.live_${live}`, value: best[i]!, unit: 'ns/op', note: 'alloc or free, ring order, best of 15' }));
    rows.push({ name: `iova.${mode}.growth_1m_vs_10k`, value: best[2]! / best[0]!, unit: '×', note: 'target ≤ 1.2' });
  }
  for (const spread of [false, true]) {
    const order = spread ? 'spread' : 'in_order';
    const tables = lives.map((n) => tceTable(n, spread));
    for (const f of tables) f(100_000);
    const best = lives.map(() => Infinity);
    for (let round = 0; round < 15; round++) tables.forEach((f, i) => (best[i] = Math.min(best[i]!, f(100_000))));
    lives.forEach((n, i) => rows.push({ name: `tce.${order}.ns_per_write.valid_${n}`, value: best[i]!, unit: 'ns/op', note: 'set or clear, best of 15' }));
    rows.push({ name: `tce.${order}.growth_1m_vs_10k`, value: best[2]! / best[0]!, unit: '×' });
  }
  rows.push({ name: 'tce.bytes_per_entry.structure', value: b.structure, unit: 'B', note: 'entry chunks + exposure counts, 2^22 TCEs; target ≤ 10' });
  rows.push({ name: 'tce.bytes_per_entry.heap', value: b.heap, unit: 'B', note: globalThis.gc ? 'heap + array buffers after gc' : 'heap + array buffers, no gc (node --expose-gc for exact)' });
  tibGuest('4GiB'); // warm-up: the same path on a small guest
  const t = tibGuest('1TiB');
  rows.push({ name: 'spapr.ddw_1tib_64k.cpu_s', value: t.cpuSeconds, unit: 's', note: `${t.tces} TCEs mapped; target < 2 s` });
  return rows;
}

export default structuresBench;
