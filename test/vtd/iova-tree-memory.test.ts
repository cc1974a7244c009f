// Done-when 1 (issue 11): a fully mapped guest's IOVA-tree memory comes from the tree's own node
// count and allocation sizes: about 2 % of the mapped bytes at 4 KiB leaves (seed 003: ~160 MB
// for 8 GiB at 72 B per leaf; 96 B per leaf with glibc's chunk overhead here), linear in the
// mapped size. The simulator's own heap per live mapping is measured by `npm run bench`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpec, vtdSpec } from './support';

const GiB = 2 ** 30;

function premapped(bytes: number, leaf: '4KiB' | '2MiB') {
  const r = runSpec(
    vtdSpec({
      // Guest RAM twice the mapped region: the guest's page tables live in its top sixteenth.
      vm: { memory: 2 * bytes },
      device: { params: { premap: bytes, premapLeaf: leaf, premapChunk: '2MiB' } },
      workload: { kind: 'boot' },
      // A guest VFIO user mapping all of its RAM at 4 KiB needs more than the default 65535 VFIO entries.
      overrides: { 'vfio.dma_entry_limit': 2 ** 26 },
    }),
  );
  const s = r.scalars;
  return { nodes: s['vtd.iova_tree_nodes']!, bytes: s['mem.iova_tree_bytes']!, failures: s['vfio.map_failures'] ?? 0, maps: s['vfio.map_ioctls']! };
}

test('a fully mapped 8 GiB guest at 4 KiB: one tree node per leaf, about 2 % of the mapped bytes', () => {
  const r = premapped(8 * GiB, '4KiB');
  assert.equal(r.failures, 0);
  assert.equal(r.nodes, (8 * GiB) / 4096);
  assert.equal(r.maps, r.nodes, 'one VFIO map per shadowed leaf');
  const ratio = r.bytes / (8 * GiB);
  assert.ok(ratio > 0.015 && ratio < 0.03, `IOVA tree is ${(ratio * 100).toFixed(2)} % of the mapped bytes`);
  // The seed's estimate is 160 MB (72 B/leaf); with malloc chunk overhead 96 B/leaf: 201 MB.
  assert.ok(r.bytes > 150e6 && r.bytes < 250e6, `${r.bytes} bytes`);
});

test('linear in the mapped size: at 4 KiB from 256 MiB to 1 GiB (and 8 GiB above), at 2 MiB from 1 to 64 GiB', () => {
  const small = [0.25, 0.5, 1].map((g) => premapped(g * GiB, '4KiB'));
  for (const [i, r] of small.entries()) assert.equal(r.bytes, small[0]!.bytes * 2 ** i);
  const huge = [1, 4, 16, 64].map((g) => premapped(g * GiB, '2MiB'));
  for (const [i, r] of huge.entries()) {
    assert.equal(r.nodes, (4 ** i * GiB) / 2 ** 21);
    assert.equal(r.bytes, huge[0]!.bytes * 4 ** i);
  }
  // Same per-node size whatever the leaf: 2 MiB leaves need 512 times less tree.
  assert.equal(small[2]!.bytes / huge[0]!.bytes, 512);
});

test('with the default dma_entry_limit a 4 KiB full map fails past 65535 VFIO entries (counted, not a crash)', () => {
  const r = runSpec(vtdSpec({ vm: { memory: '1GiB' }, device: { params: { premap: '512MiB' } }, workload: { kind: 'boot' } }));
  assert.equal(r.scalars['vfio.map_failures'], 131072 - 65535);
  assert.ok(r.notes.some((n) => n.includes('No space left on device')));
});
