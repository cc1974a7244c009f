/**
 * Costs of the sPAPR TCE path (POWER, pseries under KVM/QEMU): hypercall round trips per
 * handling path, the hypervisor's work per hypercall and per TCE, RTAS calls for DDW, the guest
 * driver's own work, and ultravisor calls of secure (PEF) guests.
 */
import { declareParams } from './params';

declareParams([
  { name: 'spapr.hcall.exit_ns', unit: 'ns', doc: 'guest exit on a hypercall into the hypervisor\'s real-mode handler (partition switch out)' },
  { name: 'spapr.hcall.entry_ns', unit: 'ns', doc: 'return from the hypervisor into the guest after a hypercall (partition switch in)' },
  { name: 'spapr.hcall.virt_switch_ns', unit: 'ns', doc: 'extra round trip from the real-mode handler to the host kernel in virtual mode and back' },
  { name: 'spapr.hcall.user_roundtrip_ns', unit: 'ns', doc: 'extra round trip from the host kernel to QEMU userspace (KVM_EXIT_PAPR_HCALL, QEMU dispatch) and back into KVM_RUN' },
  { name: 'spapr.kvm.hcall_ns', unit: 'ns', doc: 'KVM TCE hypercall handler fixed work: LIOBN lookup and argument checks' },
  { name: 'spapr.kvm.tce_update_ns', unit: 'ns', doc: 'KVM work per TCE written or cleared (validation, table write, host IOMMU table update for VFIO)' },
  { name: 'spapr.kvm.list_read_ns', unit: 'ns', doc: 'KVM: translating and reading the guest TCE list page of H_PUT_TCE_INDIRECT' },
  { name: 'spapr.qemu.hcall_ns', unit: 'ns', doc: 'QEMU TCE hypercall handler fixed work under the BQL: LIOBN lookup and argument checks' },
  { name: 'spapr.qemu.tce_update_ns', unit: 'ns', doc: 'QEMU work per TCE written or cleared (table write, IOMMU notifier)' },
  { name: 'spapr.qemu.list_read_ns', unit: 'ns', doc: 'QEMU: reading the 4 KiB TCE list page of H_PUT_TCE_INDIRECT from guest memory' },
  { name: 'spapr.rtas.handler_ns', unit: 'ns', doc: 'QEMU RTAS handler work for a DDW call (query, create, remove, reset), besides table allocation' },
  { name: 'spapr.rtas.table_alloc_ns_per_byte', unit: 'ns/byte', doc: 'allocating and zeroing a new window\'s TCE table, per byte of table' },
  { name: 'spapr.guest.hcall_issue_ns', unit: 'ns', doc: 'guest driver work per TCE hypercall issued (loop, argument set-up, error check)' },
  { name: 'spapr.guest.tce_fill_ns', unit: 'ns', doc: 'guest work to write one TCE into the per-CPU list page for H_PUT_TCE_INDIRECT' },
  { name: 'spapr.guest.iommu_alloc_ns', unit: 'ns', doc: 'guest iommu_range_alloc: bitmap search in a pool under its lock' },
  { name: 'spapr.guest.iommu_free_ns', unit: 'ns', doc: 'guest __iommu_free bitmap clear under the pool lock' },
  { name: 'spapr.guest.map_call_ns', unit: 'ns', doc: 'guest dma_iommu_map/unmap call overhead besides allocation and TCE updates' },
  { name: 'spapr.uv.share_ns', unit: 'ns', doc: 'UV_SHARE_PAGE ultracall round trip (ultravisor plus hypervisor notification), fixed part' },
  { name: 'spapr.uv.unshare_ns', unit: 'ns', doc: 'UV_UNSHARE_PAGE ultracall round trip, fixed part' },
  { name: 'spapr.uv.share_ns_per_page', unit: 'ns/page', doc: 'extra ultravisor work per 4 KiB page shared or unshared in one call' },
  { name: 'spapr.uv.esm_ns_per_page', unit: 'ns/page', doc: 'turning a VM secure (UV_ESM): ultravisor work per 4 KiB page of guest RAM' },
]);
