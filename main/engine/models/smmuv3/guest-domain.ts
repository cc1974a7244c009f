/**
 * The guest's arm-smmu-v3 driver for one device's DMA domain, plugged into the generic
 * dma-iommu layer: stage-1 page-table writes in guest memory, and the commands Linux issues.
 *
 * Models: attach (CD write + CFGI_CD, STE write + CFGI_STE, each closed by CMD_SYNC); unmap
 * invalidation TLBI_NH_VA per range (RIL) or per page (past 512 pages, TLBI_NH_ASID), ATC_INV when
 * the device has ATS; flush-all as TLBI_NH_ASID; re-attach (device churn) with a new ASID.
 * Translation happens in the physical SMMU (nested) or in QEMU (emulated).
 * Does not model: PASIDs/SSIDs beyond 0, SVA, the event queue.
 */
import type { ProcessGenerator } from '../../kernel';
import { InPlacePtes } from '../../dma/iommu/in-place-ptes';
import type { RadixPageTable } from '../../mem/radix-page-table';
import type { DeviceSpec } from '../../../common/spec';
import type { IommuDomainDriver } from '../../dma/iommu/driver';
import type { Vcpu } from '../../machine/vcpu';
import { FRAME, frameAt } from '../../mem/addr';
import type { VmRuntime } from '../../machine/vm';
import { command, type Command } from './commands';
import type { GuestCd, PhysicalSmmu } from './physical-smmu';
import { tlbiForRange } from './tlbi-range';
import type { VSmmu } from './vsmmu';
import { SMMUV3_COSTS } from './costs';

export interface DomainDevice {
  readonly vsid: number;
  readonly smmu: PhysicalSmmu | null;
  readonly psid: number;
  readonly ats: boolean;
}

// The PTE writes in place, and their parts, come from InPlacePtes (dma/iommu/in-place-ptes.ts).
export class GuestSmmuDomain extends InPlacePtes implements IommuDomainDriver {
  readonly name: string;
  private probed = false;

  constructor(
    private readonly vsmmu: VSmmu,
    private readonly vm: VmRuntime,
    private readonly device: DeviceSpec,
    private readonly dev: DomainDevice,
    /** The device's context descriptor (the guest driver mutates it in place; it is never replaced). */
    private readonly cd: GuestCd,
  ) {
    super(vsmmu.world.env, vsmmu.world.costs.ns(SMMUV3_COSTS.guestSmmuPteWriteNs));
    this.name = `${vsmmu.id}.${device.id}`;
  }

  protected pageTable(): RadixPageTable {
    return this.cd.s1;
  }

  *probe(cpu: Vcpu): ProcessGenerator<void> {
    yield* this.vsmmu.submit(cpu, this.vm, [{ op: 'CFGI_CD', sid: this.dev.vsid, ssid: 0 }]);
    yield* this.vsmmu.submit(cpu, this.vm, [{ op: 'CFGI_STE', sid: this.dev.vsid }]);
    if (!this.probed) {
      this.probed = true;
      // Churn for the k-th device of the VM runs on vCPU k (mod vCPUs), as its driver's work would.
      const k = this.vsmmu.world.ctx.spec.devices.filter((d) => d.vm === this.device.vm).indexOf(this.device);
      this.vsmmu.startBackground(this.vm, this, Math.max(0, k));
    }
  }

  // flushRange, flushAll and translate return the generator that does the work (the callers
  // `yield*` it at once): one generator level fewer under every yield of the path.
  flushRange(cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    const asid = this.cd.asid;
    const cmds: Command[] = tlbiForRange({ asid }, 'TLBI_NH_VA', 'TLBI_NH_ASID', iova, bytes, this.vsmmu.params.rangeInvalidation);
    if (this.dev.ats) cmds.push(command('ATC_INV', undefined, undefined, this.dev.vsid, iova, bytes));
    return this.vsmmu.submit(cpu, this.vm, cmds);
  }

  flushAll(cpu: Vcpu): ProcessGenerator<void> {
    const cmds: Command[] = [command('TLBI_NH_ASID', undefined, this.cd.asid)];
    if (this.dev.ats) cmds.push(command('ATC_INV', undefined, undefined, this.dev.vsid, 0, 0));
    return this.vsmmu.submit(cpu, this.vm, cmds);
  }

  translate(pfn: number, off: number, _bytes: number, _write: boolean): ProcessGenerator<boolean> {
    // Translation is per 4 KiB page: the page's aligned address is exact (mem/addr.ts).
    const page = frameAt(pfn, off) * FRAME;
    if (this.dev.smmu !== null) return this.dev.smmu.translate(this.dev.psid, page);
    return this.vsmmu.swTranslate(this.vm, this.cd, page);
  }

  /** Device churn: detach and re-attach with a fresh ASID (CD rewrite, CFGI_CD, CFGI_STE, then the old ASID flushed). */
  *reattach(cpu: Vcpu): ProcessGenerator<void> {
    const cd = this.cd;
    const old = cd.asid;
    const fresh = this.vsmmu.guestAsids.alloc();
    if (fresh === null) return;
    cd.asid = fresh;
    yield* this.vsmmu.submit(cpu, this.vm, [{ op: 'CFGI_CD', sid: this.dev.vsid, ssid: 0 }]);
    yield* this.vsmmu.submit(cpu, this.vm, [{ op: 'CFGI_STE', sid: this.dev.vsid }]);
    yield* this.vsmmu.submit(cpu, this.vm, [{ op: 'TLBI_NH_ASID', asid: old }]);
    this.vsmmu.guestAsids.free(old);
  }
}
