/**
 * The host kernel's arm-smmu-v3 driver for a bare-metal device's DMA domain (a device with no
 * VM, behind a physical SMMUv3), plugged into the generic dma-iommu layer the guests use too.
 *
 * Models: a stage-1 domain (STE with S1 only, one linear CD, a host ASID from the instance's
 * namespace, a 4-level io-pgtable-arm table in host memory); attach as CD write + CFGI_CD and
 * STE write + CFGI_STE, each closed by CMD_SYNC; unmap invalidation as TLBI_NH_VA per range
 * (with SMMU_IDR3.RIL) or per page (past 512 pages, TLBI_NH_ASID); flush-all as TLBI_NH_ASID;
 * every command through the host's command-submission path (host-driver.ts) on the CPU that
 * unmaps. The device's accesses are translated by the instance's hardware (physical-smmu.ts).
 * Does not model: ATS on the host, SVA/PASIDs, E2H (TLBI_EL2_*: the same costs), the event queue.
 */
import type { ProcessGenerator } from '../../kernel';
import type { DeviceSpec } from '../../../common/spec';
import type { IommuDomainDriver } from '../../dma/iommu/driver';
import { DmaIommuPath } from '../../dma/iommu/dma-iommu';
import { InPlacePtes } from '../../dma/iommu/in-place-ptes';
import type { DmaPath } from '../../dma/path';
import type { Vcpu } from '../../machine/vcpu';
import type { VmRuntime } from '../../machine/vm';
import { FRAME, frameAt } from '../../mem/addr';
import { RadixPageTable } from '../../mem/radix-page-table';
import { TopologyError } from '../model';
import type { Command } from './commands';
import { SMMUV3_HOST_COSTS } from './costs-host';
import { HOST_S1_LEVELS } from './linux-constants';
import type { GuestCd, PhysicalSmmu } from './physical-smmu';
import { tlbiForRange } from './tlbi-range';
import type { SmmuWorld } from './world';

// As GuestSmmuDomain: the PTE writes in place, and their parts, from InPlacePtes.
export class BareMetalDomain extends InPlacePtes implements IommuDomainDriver {
  readonly name: string;
  private readonly psid: number;
  private readonly cd: GuestCd;

  constructor(
    private readonly world: SmmuWorld,
    private readonly smmu: PhysicalSmmu,
    device: DeviceSpec,
    at: string,
  ) {
    super(world.env, world.costs.ns(SMMUV3_HOST_COSTS.hostS1PteWriteNs));
    this.name = `${smmu.id}.${device.id}`;
    this.psid = smmu.allocSid();
    const asid = smmu.asids.alloc();
    if (asid === null) throw new TopologyError(at, `ASID exhaustion on ${smmu.id}: all ${smmu.asids.capacity} ${smmu.params.asidBits}-bit ASIDs are in use, none left for ${device.id}`);
    // The host's CD table (linear: one CD for SSID 0) and page-table pages are host memory.
    this.cd = { asid, s1: new RadixPageTable(HOST_S1_LEVELS, world.hostTableAlloc), cdIpas: [world.hostTableAlloc()] };
  }

  protected pageTable(): RadixPageTable {
    return this.cd.s1;
  }

  /** Stage-1-only entries are tagged by ASID alone: VMID 0, which no VM is given (id-allocator.ts). */
  *probe(cpu: Vcpu): ProcessGenerator<void> {
    this.smmu.installSte(this.psid, { vmid: 0, s2: null, cd: this.cd });
    yield* this.issue(cpu, [{ op: 'CFGI_CD', sid: this.psid, ssid: 0 }]);
    yield* this.issue(cpu, [{ op: 'CFGI_STE', sid: this.psid }]);
  }

  flushRange(cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    return this.issue(cpu, tlbiForRange({ asid: this.cd.asid }, 'TLBI_NH_VA', 'TLBI_NH_ASID', iova, bytes, this.smmu.params.rangeInvalidation));
  }

  flushAll(cpu: Vcpu): ProcessGenerator<void> {
    return this.issue(cpu, [{ op: 'TLBI_NH_ASID', asid: this.cd.asid }]);
  }

  translate(pfn: number, off: number, _bytes: number, _write: boolean): ProcessGenerator<boolean> {
    return this.smmu.translate(this.psid, frameAt(pfn, off) * FRAME);
  }

  private issue(cpu: Vcpu, cmds: Command[]): ProcessGenerator<void> {
    return this.world.driver(this.smmu).issue(cmds, cpu.index, 'host');
  }
}

/** The DMA path of a bare-metal device behind `smmu`: the host's dma-iommu (strict or lazy, host.dmaMode) over a BareMetalDomain. */
export function bareMetalPath(world: SmmuWorld, smmu: PhysicalSmmu, device: DeviceSpec, host: VmRuntime, at: string): DmaPath {
  const domain = new BareMetalDomain(world, smmu, device, at);
  return new DmaIommuPath(world.env, world.costs, world.metrics, domain, {
    mode: world.ctx.spec.host.dmaMode ?? 'strict',
    timerCpu: host.vcpu(0),
    dmaLimit: 2 ** (12 + 9 * HOST_S1_LEVELS),
  });
}
