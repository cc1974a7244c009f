/**
 * The configurations a vSMMU refuses, as topology errors at the spec's JSON path: its backing
 * instances (each must exist, once), what a device behind it needs (nested: an assigned vfio
 * device naming one of the backing instances; emulated: anything but vfio), and the limits of
 * Tegra241 CMDQV (a VINTF and its VCMDQs only on a nested vSMMU over one instance with a CMDQV).
 *
 * Models: QEMU's and iommufd's refusals as one clear sentence each. Does not model: anything at
 * run time.
 */
import type { DeviceSpec } from '../../../common/spec';
import { TopologyError } from '../model';
import type { Vcmdq, Vintf } from './cmdqv/cmdqv';
import type { Smmuv3ViommuParams } from './params';
import type { PhysicalSmmu } from './physical-smmu';
import type { SmmuWorld, VmNest } from './world';

/** The physical instances behind a vSMMU (none for an emulated one: QEMU alone). */
export function backingInstances(world: SmmuWorld, p: Smmuv3ViommuParams, path: string): PhysicalSmmu[] {
  const backing = (p.mode === 'emulated' ? [] : p.backing).map((b, k) => {
    const smmu = world.physical.get(b);
    if (smmu === undefined) {
      const known = [...world.physical.keys()];
      throw new TopologyError(`${path}.params.backing[${k}]`, `no physical SMMUv3 "${b}" in host.iommus (smmuv3 instances: ${known.length ? known.join(', ') : 'none'})`);
    }
    return smmu;
  });
  if (new Set(backing).size !== backing.length) throw new TopologyError(`${path}.params.backing`, 'a physical SMMU is listed twice');
  return backing;
}

/** The VM's VINTF and its VCMDQs on the one backing instance, or a topology error saying which limit was hit. */
export function allocateVintf(p: Smmuv3ViommuParams, backing: readonly PhysicalSmmu[], nest: VmNest, owner: string, path: string): { vintf: Vintf; queues: Vcmdq[] } {
  if (p.mode !== 'nested') throw new TopologyError(`${path}.params.vcmdq`, 'vCMDQ needs a nested vSMMU (the hardware executes the guest queue)');
  if (backing.length !== 1) {
    throw new TopologyError(`${path}.params.vcmdq`, `vCMDQ needs one vSMMU per physical SMMU; this vSMMU spans ${backing.length} (${p.backing.join(', ')})`);
  }
  const smmu = backing[0]!;
  if (smmu.cmdqv === null) throw new TopologyError(`${path}.params.vcmdq`, `${smmu.id} has no CMDQV (set host.iommus[].params.cmdqv)`);
  const vintf = smmu.cmdqv.allocVintf(owner, nest.vmidOn(smmu, path));
  if (vintf === null) {
    throw new TopologyError(`${path}.params.vcmdq`, `more VINTFs than ${smmu.id} has: its CMDQV has ${smmu.cmdqv.numVintfs} VINTFs, VINTF0 is the host's and the other ${smmu.cmdqv.numVintfs - 1} are taken`);
  }
  const queues: Vcmdq[] = [];
  for (let i = 0; i < p.vcmdqs; i++) {
    const q = vintf.allocQueue(p.vcmdqLog2);
    if (q === null) throw new TopologyError(`${path}.params.vcmdqs`, `${smmu.id} cannot give this VM ${p.vcmdqs} VCMDQs of 2^${p.vcmdqLog2} entries (${smmu.cmdqv.numVcmdqs} in the CMDQV, ${smmu.cmdqv.vcmdqsFree} free)`);
    queues.push(q);
  }
  return { vintf, queues };
}

/** The physical instance a device behind the vSMMU sits on (null for an emulated vSMMU), or a topology error. */
export function deviceInstance(vsmmuId: string, p: Smmuv3ViommuParams, backing: readonly PhysicalSmmu[], device: DeviceSpec, dpath: string): PhysicalSmmu | null {
  if (p.mode === 'nested') {
    if (device.attach !== 'vfio') throw new TopologyError(`${dpath}.attach`, `a nested vSMMU translates in hardware and needs an assigned (vfio) device, not "${device.attach}"`);
    if (device.hostIommu === undefined) throw new TopologyError(`${dpath}.hostIommu`, `device ${device.id} behind nested vSMMU ${vsmmuId} must name its physical SMMU`);
    const smmu = backing.find((s) => s.id === device.hostIommu);
    if (smmu === undefined) {
      throw new TopologyError(
        `${dpath}.hostIommu`,
        `vDEVICE ${device.id} sits behind ${device.hostIommu}, but vSMMU ${vsmmuId} is a vIOMMU of ${p.backing.join(', ')}: a vDEVICE must be created on the vIOMMU of its own physical SMMU`,
      );
    }
    return smmu;
  }
  if (device.attach === 'vfio') throw new TopologyError(`${dpath}.attach`, `QEMU's emulated SMMUv3 cannot translate for a vfio device (no MAP notifier); use mode "nested"`);
  return null;
}
