/**
 * Costs of the host kernel's own use of a physical SMMUv3 (bare-metal devices and the host
 * command-submission path). The hardware-side costs stay in costs.ts.
 */
import { declareCosts } from '../../../common/profile/params';

export const SMMUV3_HOST_COSTS = declareCosts({
  hostS1PteWriteNs: {
    name: 'host.s1_pte_write_ns',
    unit: 'ns',
    doc: 'host driver CPU time to write or clear one stage-1 PTE of a bare-metal device\'s DMA domain (io-pgtable-arm)',
    value: 20,
    source: 'estimate: io-pgtable-arm PTE write per 4 KiB page, the same code as the guest\'s (guest.smmu_pte_write_ns)',
  },
});
