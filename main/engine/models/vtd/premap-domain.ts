/**
 * A device's guest domain with a region premapped at probe: what a VFIO user inside the guest (an
 * L2 VM's QEMU mapping its RAM, DPDK mapping hugepages) does through the device's domain —
 * iommu_map calls of `premapChunk` bytes at IOVA = GPA with leaves of `premapLeaf`, each closed
 * by iotlb_sync_map (one PSI under caching mode, which QEMU shadows).
 * Does not model: the user's own pinning in the guest, unmapping the region.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Vcpu } from '../../machine/vcpu';
import { GuestVtdDomain } from './guest-domain';
import type { VtdCostValues, VtdCounters } from './knobs';
import type { QemuVtd, VtdAddressSpace } from './qemu-vtd';
import type { VtdDeviceParams } from './vtd-instance';

/** The guest domain plus the probe-time premapped region (a VFIO user inside the guest). */
export class PremapDomain extends GuestVtdDomain {
  constructor(
    qemu: QemuVtd,
    as: VtdAddressSpace,
    k: VtdCostValues,
    c: VtdCounters,
    private readonly o: ConstructorParameters<typeof GuestVtdDomain>[4] & { premap: VtdDeviceParams },
  ) {
    super(qemu, as, k, c, o);
  }

  override *probe(cpu: Vcpu): ProcessGenerator<void> {
    yield* super.probe(cpu);
    const { premap, premapLeaf, premapChunk } = this.o.premap;
    const chunk = Math.max(premapLeaf, Math.floor(premapChunk / premapLeaf) * premapLeaf);
    for (let a = 0; a < premap; a += chunk) {
      const n = Math.min(chunk, Math.ceil((premap - a) / premapLeaf) * premapLeaf);
      if (!(yield* this.mapLeaves(cpu, a, a, n, premapLeaf))) break;
    }
  }
}
