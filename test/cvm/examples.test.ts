/**
 * The confidential-VM examples reproduce seed 004's claims and the acceptance and swiotlb
 * behaviours of DOMAIN.md §7–8 (issue 13, "Done when"). Every number asserted comes out of
 * running the example specs through prepareRun and runSimulation; expected counts are derived
 * from the spec (RAM, pool size and alignment), the shapes from the seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun } from '../../main/api/runner';
import { resourcesDir } from '../../main/api/resources';
import type { RunResult } from '../../main/common/result';
import { runSimulation } from '../../main/engine/run';

type Spec = Record<string, unknown> & { point: Record<string, string | number | boolean> };

function load(name: string): Spec[] {
  return JSON.parse(readFileSync(join(resourcesDir(), 'examples', name), 'utf8')) as Spec[];
}

function runAll(name: string): Map<string, RunResult> {
  const out = new Map<string, RunResult>();
  for (const s of load(name)) {
    const p = prepareRun(s);
    out.set(JSON.stringify(s.point), runSimulation(p.spec, p.profile));
  }
  return out;
}

function at(results: Map<string, RunResult>, point: Record<string, string | number | boolean>): Record<string, number> {
  const r = results.get(JSON.stringify(point));
  assert.ok(r, `sweep point ${JSON.stringify(point)} exists`);
  return r.scalars;
}

test('seed 004: today every 4 KiB conversion leaves a 2 MiB double allocation and a split; the 2 MiB-aligned pool leaves none and converts nothing after boot (Done-when 1, 2)', () => {
  const r = runAll('cvm-seed004.json');
  for (const kind of ['tdx', 'sev-snp']) {
    for (const device of ['nic', 'block']) {
      const today = at(r, { kind, design: 'today', device });
      const rfc = at(r, { kind, design: 'rfc', device });
      assert.ok(today['cvm.double_alloc_bytes']! >= 2 * 2 ** 20, `${kind} ${device}: hugetlb cannot free the 4 KiB holes`);
      assert.equal(today['cvm.double_alloc_bytes']! % (2 * 2 ** 20), 0, 'double allocation comes in whole 2 MiB hugetlb pages');
      assert.ok(today['cvm.ept.splits']! >= 1);
      assert.ok(today['cvm.conversions.after_boot']! > 0, 'dma_alloc_coherent converts at run time');
      assert.equal(rfc['cvm.double_alloc_bytes'], 0);
      assert.equal(rfc['cvm.double_alloc_bytes_peak'], 0);
      assert.equal(rfc['cvm.ept.splits'], 0);
      assert.equal(rfc['cvm.conversions.after_boot'], 0);
      assert.equal(rfc['cvm.converted_bytes.4k'], 0, 'every conversion is whole 2 MiB units');
      assert.ok(rfc['cvm.ept.entries']! < today['cvm.ept.entries']!, 'no 4 KiB leaves for split regions');
      assert.equal(rfc['swiotlb.full'], 0);
    }
    // TDX: the pool's conversion is MapGPA in 2 MiB chunks: one VMM round trip per 2 MiB of pool.
    const rfcTdx = at(r, { kind: 'tdx', design: 'rfc', device: 'nic' });
    if (kind === 'tdx') assert.equal(rfcTdx['cvm.exits.vmm'], rfcTdx['swiotlb.pool_bytes']! / 2 ** 21);
  }
});

test('boot: lazy acceptance is faster than eager and the gap widens with RAM, for TDX and SNP (Done-when 4)', () => {
  const r = runAll('cvm-boot-acceptance.json');
  for (const kind of ['tdx', 'sev-snp']) {
    const ratio = (gib: number): number => at(r, { kind, memoryGiB: gib, acceptance: 'eager' })['cvm.boot_ns']! / at(r, { kind, memoryGiB: gib, acceptance: 'lazy' })['cvm.boot_ns']!;
    for (const gib of [4, 16, 64, 256]) {
      assert.ok(ratio(gib) > 1, `${kind} ${gib} GiB: lazy faster`);
      assert.equal(at(r, { kind, memoryGiB: gib, acceptance: 'eager' })['cvm.accepted_bytes'], gib * 2 ** 30, 'eager accepts all RAM at boot');
    }
    assert.ok(ratio(64) > ratio(4), `${kind}: ratio at 64 GiB ${ratio(64).toFixed(2)} > at 4 GiB ${ratio(4).toFixed(2)}`);
    assert.ok(ratio(256) > ratio(64));
  }
});

test('a pool too small for the queue depth: swiotlb-full errors without dynamic swiotlb, none with it, at the price of runtime conversions (Done-when 5)', () => {
  const r = runAll('cvm-swiotlb-exhaustion.json');
  const off = at(r, { dynamicSwiotlb: false });
  const on = at(r, { dynamicSwiotlb: true });
  assert.ok(off['swiotlb.full']! > 0);
  assert.equal(off['swiotlb.transient_pools'], 0);
  assert.equal(on['swiotlb.full'], 0);
  assert.ok(on['swiotlb.transient_pools']! > 0 && on['swiotlb.added_pools']! > 0);
  assert.ok(on['cvm.conversions.after_boot']! > off['cvm.conversions.after_boot']!, 'the pools were converted at run time');
  assert.ok(on['swiotlb.pool_bytes']! > off['swiotlb.pool_bytes']!);
});
