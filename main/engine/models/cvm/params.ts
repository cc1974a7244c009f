/**
 * Parameters of a confidential VM (`vms[].confidential: { kind: "tdx" | "sev-snp", params }`):
 * the host backing of private and shared memory and whether the VMM discards on conversion, the
 * guest's acceptance policy, its swiotlb (size rule, alignment, dynamic growth), where
 * dma_alloc_* memory comes from, and the coherent-allocation traffic of its device drivers.
 */
import { bytes, count, duration, z } from '../../../common/models/params-kit';


const backing = z.enum(['4k', 'thp-2m', 'hugetlb-2m', 'hugetlb-1g']);

export const cvmParams = z
  .object({
    privateBacking: backing.default('4k').describe('page size of guest_memfd (private memory): 4k, thp-2m, hugetlb-2m or hugetlb-1g'),
    sharedBacking: backing.default('4k').describe('page size of the VMM\'s shared-memory mapping: 4k (anonymous), thp-2m, hugetlb-2m or hugetlb-1g'),
    discard: z.boolean().default(true).describe('the VMM punches a hole in / discards the side a page leaves on conversion (QEMU does); false keeps both backings'),
    acceptance: z.enum(['lazy', 'eager']).default('lazy').describe('private memory acceptance: lazy (unaccepted-memory bitmap, accept on first use) or eager (accept_memory=eager: all RAM at boot)'),
    bootAcceptBytes: bytes().default(256 * 2 ** 20).describe('lazy acceptance: memory firmware and the early kernel accept at boot besides the memmap and the swiotlb pool'),
    swiotlb: z
      .union([z.enum(['x86-6pct', 'rfc-8pct']), bytes()])
      .default('x86-6pct')
      .describe('swiotlb pool size: x86-6pct (6 % of RAM within [64 MiB, 1 GiB], today), rfc-8pct (seed 004) or a size'),
    swiotlbAlign: z
      .union([z.literal(4096), z.literal(2 ** 21), z.literal(2 ** 30), z.enum(['4KiB', '2MiB', '1GiB'])])
      .transform((v) => (v === '4KiB' ? 4096 : v === '2MiB' ? 2 ** 21 : v === '1GiB' ? 2 ** 30 : v))
      .default(4096)
      .describe('alignment of the swiotlb pool\'s base and size: 4096 (page, today), 2 MiB or 1 GiB (seed 004)'),
    dynamicSwiotlb: z.boolean().default(false).describe('CONFIG_SWIOTLB_DYNAMIC: a full pool makes a transient pool and a worker adds 1–4 MiB pools, each converted at run time'),
    dmaAlloc: z.enum(['convert', 'pool']).default('convert').describe('dma_alloc_* memory: converted to shared per allocation (today) or carved from the swiotlb pool (seed 004 proposal 1)'),
    coherentAllocsPerDevice: count().max(65536).default(4).describe('dma_alloc_coherent calls each device driver makes at probe (rings, queues)'),
    coherentAllocBytes: bytes().default(4096).describe('size of each dma_alloc_coherent allocation'),
    runtimeCoherentAllocsPerSec: z.number().min(0).max(1e6).default(0).describe('dma_alloc_coherent calls per second per device while it does I/O (each freed after runtimeCoherentLifetime)'),
    runtimeCoherentLifetime: duration().default(1_000_000).describe('how long a runtime coherent allocation lives before dma_free_coherent'),
    bootSharedPagesPerVcpu: count().max(16).default(1).describe('4 KiB pages each vCPU shares at boot (GHCB, hypervisor-shared clock or hypercall pages)'),
    pscLargeEntries: z.boolean().default(true).describe('SEV-SNP: the guest uses 2 MiB Page State Change entries where a range is 2 MiB-aligned (newer kernels); false: 4 KiB entries only'),
  })
  .strict();

export type CvmParams = z.output<typeof cvmParams>;
