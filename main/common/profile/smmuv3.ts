/** Costs of the Arm SMMUv3 path: hardware walks and command execution, the guest driver, QEMU's vSMMU, iommufd, Tegra241 CMDQV. */
import { declareParams } from './params';

declareParams([
  { name: 'smmu.mem_read_ns', unit: 'ns', doc: 'one memory read by the SMMU table walker (STE, CD or page-table descriptor)' },
  { name: 'smmu.iotlb_hit_ns', unit: 'ns', doc: 'translation served by the SMMU TLB' },
  { name: 'smmu.cmd_fetch_ns', unit: 'ns', doc: 'SMMU consuming one 16-byte command from a queue in memory' },
  { name: 'smmu.tlbi_ns', unit: 'ns', doc: 'SMMU executing one TLBI_* command (TLB and walk-cache lookup/invalidate)' },
  { name: 'smmu.cfgi_ns', unit: 'ns', doc: 'SMMU executing one CFGI_* command (configuration cache invalidate)' },
  { name: 'smmu.atc_inv_ns', unit: 'ns', doc: 'ATC invalidation: request to the device and its completion (ATS)' },
  { name: 'smmu.sync_ns', unit: 'ns', doc: 'CMD_SYNC: completing all earlier commands and writing the completion' },
  { name: 'host.smmu_cmd_insert_ns', unit: 'ns', doc: 'host driver CPU time to insert one command into a CMDQ (arm_smmu_cmdq_issue_cmdlist share)' },
  { name: 'host.s2_pte_write_ns', unit: 'ns', doc: 'host driver CPU time to write or clear one stage-2 PTE' },
  { name: 'guest.smmu_cmd_write_ns', unit: 'ns', doc: 'guest driver CPU time to build and write one command into its command queue' },
  { name: 'guest.smmu_pte_write_ns', unit: 'ns', doc: 'guest driver CPU time to write or clear one stage-1 PTE' },
  { name: 'guest.smmu_doorbell_ns', unit: 'ns', doc: 'guest write of a command-queue PROD register that does not exit (posted MMIO to hardware, e.g. a VCMDQ page)' },
  { name: 'vsmmu.cmd_emulate_ns', unit: 'ns', doc: 'QEMU vSMMU: reading and decoding one guest command from guest memory' },
  { name: 'vsmmu.cfgi_emulate_ns', unit: 'ns', doc: 'QEMU vSMMU: handling one CFGI_* command beyond decoding (reading the guest STE/CD, updating its caches)' },
  { name: 'vsmmu.sw_iotlb_lookup_ns', unit: 'ns', doc: 'QEMU emulated vSMMU: software IOTLB lookup per translation' },
  { name: 'vsmmu.sw_walk_read_ns', unit: 'ns', doc: 'QEMU emulated vSMMU: one guest-memory read of a software page-table walk' },
  { name: 'vsmmu.sw_iotlb_entries', unit: 'count', doc: 'QEMU emulated vSMMU: software IOTLB capacity (SMMU_IOTLB_MAX_SIZE)' },
  { name: 'iommufd.invalidate_ioctl_ns', unit: 'ns', doc: 'IOMMU_HWPT_INVALIDATE fixed cost: syscall, copying the array, object lookups' },
  { name: 'iommufd.invalidate_cmd_ns', unit: 'ns', doc: 'kernel conversion of one forwarded command (VMID forced, vSID → pSID)' },
  { name: 'iommufd.hwpt_ioctl_ns', unit: 'ns', doc: 'IOMMU_HWPT_ALLOC / attach / vDEVICE ioctl for a guest STE change' },
]);
