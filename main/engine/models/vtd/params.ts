/**
 * Parameters of the Intel VT-d model (vms[].viommus[].kind = "intel-iommu") and of a device behind
 * it (devices[].params). Defaults are today's QEMU and Linux.
 */
import { bytes, z } from '../../../common/models/params-kit';
import { QEMU_MAMV } from './inv-desc';

const leaf = z.enum(['4KiB', '2MiB', '1GiB']);
export const LEAF_BYTES: Record<z.infer<typeof leaf>, number> = { '4KiB': 4096, '2MiB': 2 ** 21, '1GiB': 2 ** 30 };

export const vtdParams = z.object({
  cachingMode: z.boolean().default(true).describe('caching-mode=on: the guest invalidates on map as well as unmap (needed for vfio-pci; QEMU refuses assignment without it)'),
  mode: z
    .enum(['legacy', 'scalable-passthrough'])
    .default('legacy')
    .describe('legacy: second-level tables shadowed by QEMU; scalable-passthrough: scalable mode, guest first-stage tables on an iommufd nested HWPT (no shadowing)'),
  resync: z
    .enum(['iova-tree-delta', 'unmap-all-replay'])
    .default('iova-tree-delta')
    .describe('domain-invalidation resync of vfio shadows: the IOVA-tree delta (QEMU since 2018) or unmap everything then replay (before Peter Xu\'s series)'),
  unmapOnlyWalk: z.boolean().default(false).describe('keep the page walk for UNMAP-only notifiers (vhost) on PSIs, as before the 2018 series'),
  maxAm: z
    .number()
    .int()
    .min(0)
    .max(QEMU_MAMV, { message: `QEMU's intel-iommu advertises at most MAMV ${QEMU_MAMV} (2^${QEMU_MAMV} pages = 1 GiB per PSI); a larger address mask is not supported` })
    .default(QEMU_MAMV)
    .describe('MAMV the vIOMMU advertises: PSIs cover at most 2^maxAm pages, larger ranges become DSIs'),
  domainIdBits: z
    .union([z.literal(4), z.literal(6), z.literal(8), z.literal(10), z.literal(12), z.literal(14), z.literal(16)])
    .default(16)
    .describe('domain-ID width from the capability ND field, 4 + 2*ND bits (QEMU: 16)'),
  addressWidth: z.union([z.literal(39), z.literal(48)]).default(48).describe('aw-bits: 39 (3-level) or 48 (4-level) second-level tables'),
  guestStrictWithCm: z
    .boolean()
    .default(true)
    .describe('the guest forces strict invalidation under caching mode ("IOMMU batching disallowed due to virtualization", Linux >= 5.15); false: a 2018 guest keeps its lazy flush queue'),
  nestedIn: z.string().default('').describe('"<L1 vm>/<its intel-iommu>": this VM is an L2 guest inside that L1, so its VFIO goes through L1\'s vIOMMU (three layers); empty: not nested'),
  l2RamBase: bytes({ max: 2 ** 46 }).default(2 ** 32).describe('nested: where this L2 guest\'s RAM sits in the L1 guest\'s physical memory (0 … 64 TiB)'),
});

export const vtdDeviceParams = z.object({
  ats: z.boolean().default(false).describe('the device has ATS: unmaps also send a device-TLB invalidation'),
  premap: bytes({ max: 16 * 2 ** 40 }).default(0).describe('guest RAM a VFIO user inside the guest (an L2 VM\'s QEMU, DPDK) maps through this device\'s domain at probe, IOVA = GPA; 0: none; at most 16 TiB'),
  premapLeaf: leaf.default('4KiB').describe('leaf size of the premapped region\'s PTEs'),
  premapChunk: bytes({ min: 4096, max: 2 ** 30 }).default(2 * 2 ** 20).describe('bytes per iommu_map call of the premapped region (one iotlb_sync_map, so one PSI under caching mode; 4 KiB … 1 GiB)'),
});

export type VtdParamsOut = z.output<typeof vtdParams>;
export type VtdDeviceParamsOut = z.output<typeof vtdDeviceParams>;

