import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RadixPageTable, tablePageAllocator } from '../../mem/radix-page-table';
import { IovaTree } from './iova-tree';
import { newTally, syncRange, unmapAll, unmapAllReplay, type ShadowOp, type WalkTally } from './shadow-sync';

const P = 4096;
const MiB = 2 ** 20;
const SIZES = { nodeBytes: 40, elementBytes: 28, mallocHeaderBytes: 8, mallocAlignBytes: 16, mallocMinChunkBytes: 32 };

function setup() {
  const guest = new RadixPageTable(4, tablePageAllocator(0x1_0000_0000, 64 * MiB, 'g'));
  return { guest, tree: new IovaTree(SIZES) };
}
const ops = (g: Generator<ShadowOp>) => [...g];
const T = (): WalkTally => newTally();
function reads(f: (t: WalkTally) => Generator<ShadowOp>): number {
  const t = newTally();
  for (const _ of f(t));
  return t.reads;
}

test('delta sync: MAP for new leaves only, nothing for unchanged ones, counted descriptor reads', () => {
  const { guest, tree } = setup();
  guest.map(0x10_0000, 0x80_0000, 2 * P);
  assert.deepEqual(ops(syncRange(guest, tree, 0x10_0000, 0x10_0000 + 2 * P, T())), [
    { op: 'map', iova: 0x10_0000, size: P, out: 0x80_0000 },
    { op: 'map', iova: 0x10_1000, size: P, out: 0x80_1000 },
  ]);
  assert.equal(tree.nodes, 2);
  // A second PSI over a wider range: the two leaves are already in the tree.
  guest.map(0x10_2000, 0x90_0000, P);
  assert.deepEqual(ops(syncRange(guest, tree, 0x10_0000, 0x10_0000 + 4 * P, T())), [{ op: 'map', iova: 0x10_2000, size: P, out: 0x90_0000 }]);
  // Reads: root, level 1, level 2 pointers then the 4 leaf-level slots.
  assert.equal(reads((t) => syncRange(guest, tree, 0x10_0000, 0x10_0000 + 4 * P, t)), 3 + 4);
});

test('delta sync: removed leaves become UNMAP, changed ones UNMAP then MAP', () => {
  const { guest, tree } = setup();
  guest.map(0, 0x80_0000, 4 * P);
  ops(syncRange(guest, tree, 0, 4 * P, T()));
  guest.unmap(P, P);
  guest.unmap(2 * P, P);
  guest.map(2 * P, 0xa0_0000, P);
  assert.deepEqual(ops(syncRange(guest, tree, 0, 4 * P, T())), [
    { op: 'unmap', iova: P, size: P },
    { op: 'unmap', iova: 2 * P, size: P },
    { op: 'map', iova: 2 * P, size: P, out: 0xa0_0000 },
  ]);
  assert.equal(tree.nodes, 3);
  assert.equal(tree.find(2 * P)!.translated, 0xa0_0000);
});

test('an empty upper-level slot is one UNMAP of its whole span', () => {
  const { guest, tree } = setup();
  const far = 3 * 2 ** 30;
  guest.map(far, 0x80_0000, P);
  ops(syncRange(guest, tree, far, far + P, T()));
  const g2 = new RadixPageTable(4, tablePageAllocator(0x2_0000_0000, MiB, 'g2'));
  assert.deepEqual(ops(syncRange(g2, tree, 0, 2 ** 48, T())), [{ op: 'unmap', iova: 0, size: 2 ** 39 }]);
  assert.equal(tree.nodes, 0);
});

test('unmap-all-replay: one UNMAP of everything, then a MAP for every leaf; unmapAll alone leaves nothing', () => {
  const { guest, tree } = setup();
  guest.map(0, 0x80_0000, 3 * P);
  guest.map(2 * MiB, 0x100_0000, 2 * MiB, 2 * MiB);
  ops(syncRange(guest, tree, 0, 4 * MiB, T()));
  const r = ops(unmapAllReplay(guest, tree, T()));
  assert.deepEqual(r[0], { op: 'unmap', iova: 0, size: 2 ** 48 });
  assert.deepEqual(
    r.slice(1).map((o) => (o.op === 'map' ? [o.iova, o.size] : o.op)),
    [
      [0, P],
      [P, P],
      [2 * P, P],
      [2 * MiB, 2 * MiB],
    ],
  );
  assert.equal(tree.nodes, 4);
  assert.deepEqual(ops(unmapAll(guest, tree)), [{ op: 'unmap', iova: 0, size: 2 ** 48 }]);
  assert.equal(tree.nodes, 0);
});
