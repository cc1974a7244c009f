/**
 * A device behind a physical SMMU with no vIOMMU in the guest (vfio with a host paging domain):
 * the guest uses dma-direct (bus address = guest-physical address) and the SMMU translates every
 * access through the VM's stage 2 only.
 *
 * Models: STE installed at probe, stage-2-only walks and IOTLB use on the device side.
 * Does not model: the host's VFIO map of guest RAM at VM start (it precedes the run).
 */
import type { ProcessGenerator } from '../../kernel';
import type { DeviceSpec } from '../../../common/spec';
import type { DmaPath, Direction, Mapping } from '../../dma/path';
import type { Vcpu } from '../../machine/vcpu';
import { FRAME, frameAt, splitSafe } from '../../mem/addr';
import type { VmRuntime } from '../../machine/vm';
import type { PhysicalSmmu } from './physical-smmu';
import type { SmmuWorld } from './world';
import { CORE_COSTS } from '../../../common/profile/core';

export class HostOnlyPath implements DmaPath {
  readonly name: string;
  private readonly psid: number;
  private readonly mapNs: number;
  private readonly unmapNs: number;

  constructor(
    private readonly world: SmmuWorld,
    private readonly smmu: PhysicalSmmu,
    private readonly device: DeviceSpec,
    private readonly vm: VmRuntime,
  ) {
    this.name = `dma-direct over ${smmu.id} stage 2`;
    this.psid = smmu.allocSid();
    this.mapNs = world.costs.ns(CORE_COSTS.guestDmaDirectMapNs);
    this.unmapNs = world.costs.ns(CORE_COSTS.guestDmaDirectUnmapNs);
  }

  *probe(_cpu: Vcpu): ProcessGenerator<void> {
    const path = `devices[${this.world.ctx.spec.devices.indexOf(this.device)}].hostIommu`;
    const nest = this.world.vmNestOf(this.vm.spec, path);
    this.smmu.installSte(this.psid, { vmid: nest.vmidOn(this.smmu, path), s2: nest.s2On(this.smmu), cd: null });
  }

  *map(_cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    yield this.mapNs;
    const { pfn, off } = splitSafe(gpa);
    return { iovaPfn: pfn, iovaOff: off, bytes, dir, gpa };
  }

  *unmap(_cpu: Vcpu, _m: Mapping): ProcessGenerator<void> {
    yield this.unmapNs;
  }

  /** The instance's translation itself (DmaPath.translate's callers `yield*` it at once): no generator level of its own. */
  translate(pfn: number, off: number, _bytes: number, _write: boolean): ProcessGenerator<boolean> {
    return this.smmu.translate(this.psid, frameAt(pfn, off) * FRAME);
  }
}
