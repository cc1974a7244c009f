// Issue 14, done-when 2: the trapped vSMMU path counts the guest's CMD_SYNC completion-wait exits
// (Linux polls CMDQ_CONS: QEMU advertises no MSI) and the time vCPUs wait for QEMU's big lock;
// with two guest threads the lock wait per unmap is larger than with one. Also: QEMU splits a
// range TLBI into aligned power-of-two chunks, and the guest's RIL follows the vSMMU's IDR3.RIL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../main/api/runner';
import { runSimulation } from '../../main/engine/run';
import type { RunResult } from '../../main/common/result';

function trapped(threads: number, vsmmu: Record<string, unknown> = {}, granule = '64KiB', maxOps?: number): RunResult {
  const emulated = vsmmu.mode === 'emulated';
  const p = prepareRun({
    duration: '300us',
    profile: { base: 'grace-tegra241' },
    host: { arch: 'aarch64', cpus: 8, iommus: [{ id: 'smmu0', kind: 'smmuv3' }] },
    vms: [{ id: 'vm0', memory: '4GiB', vcpus: 4, viommus: [{ id: 'v0', kind: 'smmuv3', params: { backing: ['smmu0'], ...vsmmu } }] }],
    devices: [{ id: 'd0', vm: 'vm0', viommu: 'v0', ...(emulated ? { attach: 'emulated' } : { hostIommu: 'smmu0', attach: 'vfio' }), workload: { kind: 'map-bench', threads, granule, dmaBytes: '4KiB', ...(maxOps === undefined ? {} : { maxOps }) } }],
  });
  return runSimulation(p.spec, p.profile);
}

const s = (r: RunResult, k: string): number => r.scalars[k] ?? 0;

test('every trapped submission closed by CMD_SYNC costs one CMDQ_CONS read exit; msi costs none', () => {
  // A bounded loop that finishes inside the run, so every issued command was also handled.
  const poll = trapped(1, {}, '64KiB', 10);
  const syncs = s(poll, 'inval.guest.cmd.cmd_sync');
  assert.ok(syncs >= 10);
  assert.equal(s(poll, 'vsmmu.sync_wait_exits'), syncs, 'one CONS read per guest CMD_SYNC (QEMU finished the queue inside the PROD write)');
  assert.equal(s(poll, 'exits.mmio'), 2 * syncs, 'the PROD write and the CONS read');
  const msi = trapped(1, { syncWait: 'msi' }, '64KiB', 10);
  assert.equal(s(msi, 'vsmmu.sync_wait_exits'), 0);
  assert.equal(s(msi, 'exits.mmio'), s(msi, 'inval.guest.cmd.cmd_sync'));
  assert.ok(s(msi, 'unmap.latency_ns.p50') < s(poll, 'unmap.latency_ns.p50'), 'no second exit');
});

for (const mode of ['nested', 'emulated']) {
  test(`${mode}: with two guest threads the big-lock wait per unmap exceeds one thread's (histogram and total)`, () => {
    const one = trapped(1, { mode });
    const two = trapped(2, { mode });
    const perUnmap = (r: RunResult): number => s(r, 'vsmmu.bql_wait_total_ns') / s(r, 'unmap.ops');
    assert.equal(perUnmap(one), 0, 'one vCPU never finds the lock held by another');
    assert.ok(perUnmap(two) > 100, `two threads: ${perUnmap(two)} ns of lock wait per unmap`);
    const h2 = two.histograms['vsmmu.bql_wait_ns']!;
    assert.ok(h2.count >= 2 * s(two, 'unmap.ops'), 'every PROD write and CONS read took the lock');
    assert.ok(s(two, 'vsmmu.bql_wait_ns.max') > 0 && s(one, 'vsmmu.bql_wait_ns.max') === 0);
  });
}

test('emulated vSMMU: QEMU splits each range TLBI into aligned power-of-two chunks; without RIL the guest sends one TLBI per page', () => {
  const ril = trapped(1, { mode: 'emulated' }, '64KiB', 10);
  const noRil = trapped(1, { mode: 'emulated', rangeInvalidation: false }, '64KiB', 10);
  // IOVAs of 16 pages are 16-page aligned (Linux's size-aligned IOVA allocation): one chunk per unmap.
  assert.equal(s(ril, 'vsmmu.inval_chunks'), s(ril, 'inval.guest.cmd.tlbi_nh_va'));
  assert.equal(s(noRil, 'inval.guest.cmd.tlbi_nh_va'), 16 * s(noRil, 'unmap.ops'), 'IDR3.RIL off: 16 page TLBIs per 64 KiB unmap');
  assert.equal(s(noRil, 'vsmmu.inval_chunks'), s(noRil, 'inval.guest.cmd.tlbi_nh_va'));
  assert.ok(s(noRil, 'unmap.latency_ns.p50') > s(ril, 'unmap.latency_ns.p50'));
});
