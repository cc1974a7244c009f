/**
 * Confidential VMs on x86 (`vms[].confidential: "tdx" | "sev-snp"` or `{ kind, params }`):
 * private/shared memory with its host backing, conversions through MapGPA or Page State Change,
 * EPT/NPT splits, memory acceptance, and swiotlb bouncing for every device (seed 004).
 * See guest.ts (the guest kernel), converter.ts (conversion timing), protocols.ts (the
 * hypercall shapes), main/engine/mem/cvm-memory.ts (the host side).
 *
 * Models: one guest per VM, its boot phase on vCPU 0 before the devices probe; every device of the
 * VM bounces through the VM's swiotlb (a device cannot DMA to private memory); a virtio device
 * without VIRTIO_F_ACCESS_PLATFORM is refused at probe by its virtio transport (virtio/build.ts).
 * Does not model: TDX Connect / SEV-TIO (trusted devices DMAing to private memory), vIOMMUs inside
 * a CVM (refused), TDX partitioning, SNP VMPLs.
 */
import { defineModel, type ConfidentialInstance, type ConfidentialSite, type ModelContext } from '../model';
import { CVM_COSTS } from './costs';
import { CVM_METRICS } from './metrics';
import { cvmParams, type CvmParams } from './params';
import { createCvm } from './instance';

export const tdx = defineModel({
  kind: 'tdx',
  role: 'confidential',
  summary: 'Intel TDX trust domain: MapGPA conversions forwarded to the VMM in 2 MiB chunks, TDG.MEM.PAGE.ACCEPT, forced swiotlb',
  params: cvmParams,
  costs: [CVM_COSTS],
  metrics: [CVM_METRICS],
  create: (ctx: ModelContext, params: CvmParams, at: ConfidentialSite): ConfidentialInstance => createCvm(ctx, 'tdx', params, at),
});

export const sevSnp = defineModel({
  kind: 'sev-snp',
  role: 'confidential',
  summary: 'AMD SEV-SNP guest: Page State Change requests of ≤ 64 entries, PVALIDATE with 2 MiB/4 KiB fallback, forced swiotlb',
  params: cvmParams,
  costs: [CVM_COSTS],
  metrics: [CVM_METRICS],
  create: (ctx: ModelContext, params: CvmParams, at: ConfidentialSite): ConfidentialInstance => createCvm(ctx, 'sev-snp', params, at),
});
