/**
 * Parameters of the Arm SMMUv3 model: the physical instance (host.iommus[].kind = "smmuv3") and
 * the guest-visible vSMMU (vms[].viommus[].kind = "smmuv3").
 */
import { bytes, duration, identifier, z } from '../../../common/models/params-kit';

/** log2 of a size, min … max (both written in each field's description). */
const log2 = (max: number, min = 0) => z.number().int().min(min).max(max);

export const smmuv3HostParams = z.object({
  streamTable: z.enum(['linear', '2-level']).default('2-level').describe('stream table format (Linux uses 2-level when SIDs are wider than 8 bits)'),
  sidBits: z.number().int().min(1).max(32).default(16).describe('stream-ID width (SMMU_IDR1.SIDSIZE; 1 … 32)'),
  asidBits: z.union([z.literal(8), z.literal(16)]).default(16).describe('ASID width: 8 or 16 bits'),
  vmidBits: z.union([z.literal(8), z.literal(16)]).default(16).describe('VMID width: 8 or 16 bits'),
  rangeInvalidation: z.boolean().default(true).describe('SMMU_IDR3.RIL: TLBI commands carry a range; without it the host driver issues one TLBI per page (capped at 512, then a VMID-wide flush)'),
  s2Levels: z.union([z.literal(3), z.literal(4)]).default(4).describe('stage-2 table levels (4 KiB granule: 3 levels for a 39-bit IPA, 4 for 48 bits)'),
  cmdqLog2: log2(19, 1).default(8).describe('log2 of the main command queue entries (1 … 19: a batch needs a command and its CMD_SYNC)'),
  iotlbEntries: z.number().int().positive().max(2 ** 20).default(2048).describe('TLB entries (MMU-600-like main TLB, DOMAIN.md §9; 1 … 2^20)'),
  walkCacheEntries: z.number().int().positive().max(2 ** 20).default(256).describe('walk-cache entries, both stages together (1 … 2^20)'),
  cmdqv: z.boolean().default(false).describe('NVIDIA Tegra241 CMDQ-Virtualization present on this instance'),
  vintfsLog2: log2(6).default(4).describe('CMDQV PARAM.NUM_VINTF_LOG2: 2^n VINTFs (0 … 6), VINTF0 kept by the host (estimate: Tegra241 value not public)'),
  vcmdqsLog2: log2(7).default(7).describe('CMDQV PARAM.NUM_VCMDQ_LOG2: 2^n VCMDQs (0 … 7) shared by the VINTFs (estimate)'),
  sidsPerVmLog2: log2(6).default(4).describe('CMDQV PARAM.NUM_SID_PER_VM_LOG2: 2^n SID substitution entries (0 … 6) per VINTF (QEMU exposes 16)'),
  hostVcmdqs: z.number().int().min(0).max(128).default(2).describe('VCMDQs the host kernel puts in VINTF0, chosen per CPU (0 … 128)'),
  ecmdqs: z.number().int().min(0).max(256).default(0).describe('SMMUv3.3 enhanced command queues (IDR1.ECMDQ): the host kernel uses ECMDQ (CPU mod n), with no queue shared between CPUs when n ≥ CPUs; 0 = none, one shared CMDQ (0 … 256)'),
  msiSync: z.boolean().default(true).describe('SMMU_IDR0.MSI with coherent access: the host driver waits for CMD_SYNC by MSI write-back into the command (Linux MSIPOLL) instead of polling CMDQ_CONS over MMIO'),
  coldWalks: z.enum(['off', 'tlb', 'all']).default('off').describe('a diagnostic switch: tlb disables the TLB and walk caches for device translations (every access walks cold); all also disables the STE/CD configuration cache'),
});

export const smmuv3ViommuParams = z.object({
  backing: z.array(identifier()).min(1).default(['smmu0']).describe('physical SMMU instances (host.iommus ids) behind this vSMMU; one = a vSMMU per physical SMMU'),
  mode: z.enum(['nested', 'emulated']).default('nested').describe('nested: guest stage 1 on hardware over a host stage 2 (iommufd); emulated: QEMU translates in software (emulated/virtio devices only)'),
  dispatch: z.enum(['broadcast', 'lookup']).default('broadcast').describe('how a vSMMU over several instances routes commands not tied to a device: to every instance, or only to those using the ASID'),
  forwarding: z.enum(['per-command', 'batched']).default('per-command').describe('IOMMU_HWPT_INVALIDATE: one command per ioctl (QEMU today) or one ioctl per vIOMMU per guest batch'),
  stage2: z.enum(['duplicated', 'shared']).default('duplicated').describe('host stage-2 table: one copy per physical instance, or one copy shared by all instances of the VM (invalidations fan out)'),
  s2PageSize: z.enum(['4KiB', '2MiB', '1GiB']).default('2MiB').describe('leaf size of the host stage-2 mapping of guest RAM'),
  vcmdq: z.boolean().default(false).describe('give the VM a Tegra241 VINTF on the backing instance: allowed TLBIs go straight to hardware'),
  vcmdqs: z.number().int().min(1).max(128).default(2).describe('VCMDQs in the VM\'s VINTF (QEMU exposes 2); the guest picks one per CPU; 1 … 128'),
  vcmdqLog2: log2(19, 1).default(8).describe('log2 of entries of each guest VCMDQ (1 … 19)'),
  cmdqLog2: log2(19, 1).default(8).describe('log2 of entries of the guest-visible (emulated) command queue (1 … 19)'),
  s1Levels: z.union([z.literal(3), z.literal(4)]).default(4).describe('guest stage-1 table levels (39- or 48-bit IOVA)'),
  cdTable: z.enum(['linear', '2-level']).default('linear').describe('guest context-descriptor table format'),
  rangeInvalidation: z.boolean().default(true).describe('SMMU_IDR3.RIL of the vSMMU (QEMU sets it since 5.2; accelerated mode takes the host\'s or the ril property): the guest issues one range TLBI instead of one per page'),
  syncWait: z.enum(['poll', 'msi']).default('poll').describe('how the guest driver waits for CMD_SYNC on the emulated queue: poll CMDQ_CONS (QEMU advertises no SMMU_IDR0.MSI, so Linux polls; each read exits) or msi (completion written to memory)'),
  s2ChangeEvery: duration().default(0).describe('ns between host stage-2 changes of this VM (IOAS unmap+map of a RAM range: balloon, virtio-mem); 0 = none; at most 1 h'),
  s2ChangeBytes: bytes({ min: 4096, max: 16 * 2 ** 40 }).default(2 * 2 ** 20).describe('bytes of guest RAM remapped by each stage-2 change (4 KiB … 16 TiB)'),
  churnEvery: duration().default(0).describe('ns between device re-attaches (detach + attach: STE/CD rewrite, CFGI_STE/CD, TLBI_NH_ASID) per device; 0 = none; at most 1 h'),
});


/** Settings of a device behind a vSMMU (devices[].params). */
export const smmuv3DeviceParams = z.object({
  ats: z.boolean().default(false).describe('the device uses PCIe ATS: unmaps also invalidate its ATC (CMD_ATC_INV)'),
});

export type Smmuv3HostParams = z.output<typeof smmuv3HostParams>;
export type Smmuv3ViommuParams = z.output<typeof smmuv3ViommuParams>;
