/**
 * Costs of confidential-VM memory conversion and acceptance (TDX, SEV-SNP) on x86 KVM with a
 * userspace VMM: the guest's page-attribute work, the hypercalls, the VMM's round trip per chunk,
 * KVM's zaps and EPT/NPT faults, TDX accept and SNP PVALIDATE/RMPUPDATE.
 */
import { declareCosts } from '../../../common/profile/params';

export const CVM_COSTS = declareCosts({
  ptePerPage: {
    name: 'cvm.guest.pte_ns_per_page',
    unit: 'ns/page',
    doc: 'guest set_memory_{en,de}crypted work per 4 KiB page: direct-map PTE rewrite and CPA bookkeeping',
    value: 50,
    source: 'estimate: a PTE update plus the change_page_attr walk, tens of ns per page',
  },
  cacheFlushPerPage: {
    name: 'cvm.guest.cache_flush_ns_per_page',
    unit: 'ns/page',
    doc: 'TDX guest cache flush of one 4 KiB page before its encryption changes (clflush of 64 lines; SNP parts are cache-coherent and skip it)',
    value: 250,
    source: 'estimate: 64 CLFLUSHOPT of ~4 ns each (DOMAIN.md section 8: cache flush on TDX)',
  },
  tlbShootdown: {
    name: 'cvm.guest.tlb_shootdown_ns',
    unit: 'ns',
    doc: 'global TLB shootdown after a conversion (IPIs to the other vCPUs and their acknowledgement), paid by the converting vCPU',
    value: 5000,
    source: 'estimate: a few virtualised IPIs (each an exit in a TD or SNP guest) and the wait for acknowledgement',
  },
  tdvmcall: {
    name: 'cvm.tdx.tdvmcall_ns',
    unit: 'ns',
    doc: 'TDG.VP.VMCALL<MapGPA> round trip guest → TDX module → KVM and back, excluding the VMM round trips it causes',
    value: 4000,
    source: 'estimate: a TD exit and entry through the TDX module (SEAMCALL/SEAMRET) costs several times a plain VM exit (DOMAIN.md section 9: ≈2,000 cycles)',
  },
  acceptOp: {
    name: 'cvm.tdx.accept_op_ns',
    unit: 'ns',
    doc: 'one TDG.MEM.PAGE.ACCEPT call (4 KiB or 2 MiB), excluding the per-page initialisation and the EPT fault it causes',
    value: 1000,
    source: 'estimate: a TDCALL into the TDX module and its S-EPT checks',
  },
  acceptPerPage: {
    name: 'cvm.tdx.accept_ns_per_page',
    unit: 'ns/page',
    doc: 'TDX module initialisation of one accepted 4 KiB page (MOVDIR64B zeroing with the TD key)',
    value: 400,
    source: 'estimate: 4 KiB written at about 10 GB/s',
  },
  vmgexit: {
    name: 'cvm.snp.vmgexit_ns',
    unit: 'ns',
    doc: 'one VMGEXIT round trip of an SEV-SNP guest through the GHCB (Page State Change request), excluding the VMM round trip',
    value: 3000,
    source: 'estimate: an SEV-ES/SNP exit saves and restores encrypted state, about 1.5× a plain VM exit',
  },
  rmpUpdate: {
    name: 'cvm.snp.rmpupdate_ns',
    unit: 'ns',
    doc: 'KVM work per Page State Change entry (RMPUPDATE of a 4 KiB or 2 MiB entry and its bookkeeping)',
    value: 500,
    source: 'estimate: RMPUPDATE plus the gfn lookup, hundreds of ns',
  },
  pvalidateOp: {
    name: 'cvm.snp.pvalidate_op_ns',
    unit: 'ns',
    doc: 'one PVALIDATE instruction (4 KiB or 2 MiB), excluding the per-page work',
    value: 500,
    source: 'estimate: an RMP-checked instruction, hundreds of ns',
  },
  pvalidatePerPage: {
    name: 'cvm.snp.pvalidate_ns_per_page',
    unit: 'ns/page',
    doc: 'PVALIDATE work per 4 KiB page covered (RMP entry checks and updates)',
    value: 100,
    source: 'estimate: one RMP entry per 4 KiB page touched',
  },
  pscMaxEntries: {
    name: 'cvm.snp.psc_max_entries',
    unit: 'count',
    doc: 'entries per SEV-SNP Page State Change request the guest builds',
    value: 64,
    source: 'constant: DOMAIN.md section 8 (at most 64 entries per request in Linux; the GHCB spec allows up to 253)',
  },
  vmmExit: {
    name: 'cvm.vmm.exit_ns',
    unit: 'ns',
    doc: 'one conversion round trip to the VMM (KVM_EXIT_HYPERCALL KVM_HC_MAP_GPA_RANGE out of KVM_RUN, VMM dispatch, back into KVM_RUN)',
    value: 5000,
    source: 'estimate: a userspace exit on x86 is ≈2,000–2,500 cycles for the exit itself, several µs with QEMU dispatch (DOMAIN.md section 8)',
  },
  setAttributes: {
    name: 'cvm.vmm.set_attributes_ns',
    unit: 'ns',
    doc: 'KVM_SET_MEMORY_ATTRIBUTES ioctl per chunk: attribute xarray update, zap of the range and TLB flush (zap per leaf charged separately)',
    value: 5000,
    source: 'estimate: an ioctl with an xarray store and a remote TLB flush, several µs',
  },
  punchHole: {
    name: 'cvm.vmm.punch_hole_ns',
    unit: 'ns',
    doc: 'fallocate(PUNCH_HOLE) / madvise discard of the side a chunk leaves, per chunk (only when the VMM discards)',
    value: 8000,
    source: 'estimate: a page-cache truncation of up to 2 MiB and its TLB flush',
  },
  zapPerLeaf: {
    name: 'cvm.kvm.zap_ns_per_leaf',
    unit: 'ns',
    doc: 'KVM work to zap one EPT/NPT leaf entry during an attribute change',
    value: 100,
    source: 'estimate: one SPTE clear and its bookkeeping',
  },
  faultPrivate: {
    name: 'cvm.kvm.ept_fault_gmem_ns',
    unit: 'ns',
    doc: 'EPT/NPT violation served from guest_memfd (private memory): exit, gmem page lookup or allocation, map, entry',
    value: 5900,
    source: 'measured: ≈5.9 µs per fault on memfd-backed memory (firecracker #4820, DOMAIN.md section 8)',
  },
  faultShared: {
    name: 'cvm.kvm.ept_fault_anon_ns',
    unit: 'ns',
    doc: 'EPT/NPT violation served from the VMM\'s mapping (shared memory): exit, host page fault, map, entry',
    value: 2900,
    source: 'measured: ≈2.9 µs per fault on anonymous memory (firecracker #4820, DOMAIN.md section 8)',
  },
});
