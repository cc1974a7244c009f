// A physical VT-d unit under the host kernel (issue 14): strict unmaps are a PSI rounded to an
// aligned power of two plus a wait descriptor, or a DSI when the mask would pass CAP.MAMV; CPUs
// sharing the unit's queue wait for its lock and for each other's descriptors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../main/api/runner';
import { runSimulation } from '../../main/engine/run';
import type { RunResult } from '../../main/common/result';

function bench(params: Record<string, unknown>, workload: Record<string, unknown>): RunResult {
  const p = prepareRun({
    duration: '200us',
    host: { arch: 'x86_64', cpus: 4, iommus: [{ id: 'dmar0', kind: 'intel-iommu', params }] },
    devices: [{ id: 'd0', hostIommu: 'dmar0', workload: { kind: 'map-bench', maxOps: 20, ...workload } }],
  });
  return runSimulation(p.spec, p.profile);
}

test('a 64 KiB unmap is one PSI with mask 4; past CAP.MAMV it becomes a DSI', () => {
  const psi = bench({ mamv: 9 }, { granule: '64KiB' }).scalars;
  assert.equal(psi['inval.hw.vtd_psi.dmar0'], psi['unmap.ops']);
  assert.equal(psi['inval.hw.vtd_dsi.dmar0'] ?? 0, 0);
  const dsi = bench({ mamv: 2 }, { granule: '64KiB' }).scalars;
  assert.equal(dsi['inval.hw.vtd_psi.dmar0'] ?? 0, 0);
  assert.equal(dsi['inval.hw.vtd_dsi.dmar0'], dsi['unmap.ops']);
  assert.equal(dsi['inval.hw.vtd_wait.dmar0'], dsi['unmap.ops'], 'every qi_submit_sync ends with its wait descriptor');
});

test('four CPUs on one unit: the in-order queue makes each wait longer than one CPU alone', () => {
  const one = bench({}, { threads: 1, maxOps: 50 }).scalars;
  const four = bench({}, { threads: 4, maxOps: 50 }).scalars;
  assert.ok(four['vtd.qi_wait_ns.mean']! > 1.5 * one['vtd.qi_wait_ns.mean']!, `${four['vtd.qi_wait_ns.mean']} vs ${one['vtd.qi_wait_ns.mean']}`);
});

test('a VM\'s device behind the physical unit without a vIOMMU is refused', () => {
  assert.throws(
    () => prepareRun({ host: { arch: 'x86_64', iommus: [{ id: 'dmar0', kind: 'intel-iommu' }] }, vms: [{ id: 'vm0', memory: '4GiB' }], devices: [{ id: 'd0', vm: 'vm0', hostIommu: 'dmar0', workload: { kind: 'boot' } }] }),
    /devices\[0\]\.hostIommu: the physical VT-d unit dmar0 drives bare-metal devices/,
  );
});
