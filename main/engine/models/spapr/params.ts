/**
 * Parameters of the sPAPR vIOMMU ('spapr-tce'): the guest-visible PCI host bridge (PHB) of a
 * pseries guest with its TCE tables, default DMA window and dynamic DMA windows (DDW), where the
 * TCE hypercalls are handled, and the guest-side settings that decide which hypercalls Linux uses
 * (firmware features, secure-guest variant). The secure (PEF) switch itself is the VM's
 * `confidential: "pef"`.
 */
import { address, bytes, count, duration, z } from '../../../common/models/params-kit';

export const SPAPR_HCALL_PATHS = ['qemu', 'kvm-virtual', 'kvm-real'] as const;
export type SpaprHcallPath = (typeof SPAPR_HCALL_PATHS)[number];

/** Exact: Math.log2(2^53 − 1) rounds to 53, so the power is re-built and compared. */
const isPowerOfTwo = (v: number): boolean => v > 0 && 2 ** Math.round(Math.log2(v)) === v;
/** A power of two from 4 KiB to `max` (default 2^50). */
const powerOfTwoBytes = (what: string, max = 2 ** 50) =>
  bytes({ min: 4096, max }).refine(isPowerOfTwo, { message: `${what} must be a power of two of at least 4 KiB` });

export const spaprTceParams = z.object({
  hcallPath: z
    .enum(SPAPR_HCALL_PATHS)
    .default('qemu')
    .describe('where TCE hypercalls are handled: QEMU userspace (windows KVM does not know, e.g. emulated devices), KVM virtual mode, or KVM real mode'),
  dmaWindowSize: powerOfTwoBytes('dmaWindowSize', 2 ** 32)
    .default(2 ** 30)
    .describe('default 32-bit DMA window size (spapr-pci-host-bridge.dma_win_size; QEMU default 1 GiB; a power of two, 4 KiB … 4 GiB)'),
  dmaWindowPageSize: powerOfTwoBytes('dmaWindowPageSize', 2 ** 24).default(4096).describe('IOMMU page size of the default window (QEMU: 4 KiB; a power of two, 4 KiB … 16 MiB)'),
  ddw: z.boolean().default(true).describe('dynamic DMA windows offered by the PHB (ddw=on) and used by the guest (no disable_ddw)'),
  machineVersion: z
    .string()
    .regex(/^\d+\.\d+$/, 'machine version like "4.2"')
    .default('4.2')
    .describe('pseries machine version: it sets the DDW page-size mask (4K/64K before 4.2; 4K/64K/2M/16M from 4.2)'),
  ddwPageSizes: z
    .array(powerOfTwoBytes('a DDW page size', 2 ** 34))
    .min(1)
    .max(16)
    .optional()
    .describe('override the PHB page-size mask (spapr-pci-host-bridge.pgsz) with these page sizes (1 … 16 powers of two, 4 KiB … 16 GiB)'),
  maxWindows: z.number().int().min(1).max(8).default(2).describe('DMA windows per PHB (QEMU SPAPR_PCI_DMA_MAX_WINDOWS = 2, the default window included)'),
  ddwLargestBlock: count(2 ** 40)
    .default(0x80000000)
    .describe('largest number of TCEs the hypervisor offers for a new window (QEMU answers 0x80000000); smaller values force a dynamic DDW; 0 … 2^40'),
  dma64WindowAddr: address()
    .default('0x800000000000000')
    .describe('bus address of the 64-bit window (spapr-pci-host-bridge.dma64_win_addr; QEMU default 2^59); 4 KiB aligned, exact to 2^64 in hex'),
  tceLevels: z.number().int().min(1).max(5).default(1).describe('levels of each TCE table (1: one flat table allocated whole; more: lower levels allocated on first use)'),
  tceLevelMinBytes: powerOfTwoBytes('tceLevelMinBytes', 2 ** 30).default(4096).describe('smallest size of one level of a multi-level TCE table (a power of two, 4 KiB … 1 GiB)'),
  firmwareFeatures: z
    .object({
      putTceInd: z.boolean().default(true).describe('FW_FEATURE_PUT_TCE_IND: the guest may use H_PUT_TCE_INDIRECT'),
      stuffTce: z.boolean().default(true).describe('FW_FEATURE_STUFF_TCE: the guest may use H_STUFF_TCE'),
      split: z
        .boolean()
        .default(true)
        .describe('the guest kernel splits MULTITCE into PUT_TCE_IND and STUFF_TCE; if false, a secure guest that drops PUT_TCE_IND loses H_STUFF_TCE too'),
    })
    .strict()
    .default({})
    .describe('hcall-multi-tce firmware features the guest sees'),
  secureTce: z
    .enum(['put-tce-only', 'share-indirect'])
    .default('put-tce-only')
    .describe('secure (PEF) guests: map with H_PUT_TCE only (merged design) or share the per-CPU TCE list page around each H_PUT_TCE_INDIRECT (seed 000 proposal)'),
  swiotlbSize: bytes({ min: 2 ** 20, max: 2 ** 32 }).default(64 * 2 ** 20).describe('swiotlb pool of a secure guest (POWER default 64 MiB; 1 MiB … 4 GiB), shared with the hypervisor once at boot'),
  clearDefaultWindow: z.boolean().default(true).describe('the guest clears the whole default window at probe (iommu_table_clear); false: the later kernel change that skips it'),
  guestPageSize: powerOfTwoBytes('guestPageSize', 2 ** 24).default(65536).describe('guest kernel PAGE_SIZE (64 KiB on ppc64le): alignment of page-sized mappings and swiotlb slots; 4 KiB … 16 MiB'),
  memoryHotplug: z
    .array(z.object({ at: duration().describe('simulated time of the hot-plug (0 … 1 h)'), size: bytes({ min: 2 ** 20, max: 16 * 2 ** 40 }).describe('memory added (1 MiB … 16 TiB)') }).strict())
    .max(64)
    .default([])
    .describe('memory hot-plug events (at most 64): new memory is mapped in every direct window'),
});

export type SpaprTceParams = z.output<typeof spaprTceParams>;

/** Settings of a device behind the PHB (devices[].params). */
export const spaprDeviceParams = z.object({
  dma64: z.boolean().default(true).describe('the driver sets a 64-bit DMA mask, so it may ask for a dynamic DMA window (false: 32-bit device, default window only)'),
});

export type SpaprDeviceParams = z.output<typeof spaprDeviceParams>;
