// Seed 000's secure-guest question: a PEF guest may not hand the hypervisor its TCE list page,
// so how should it map its DMA windows? With H_PUT_TCE only (the merged Linux design) or by
// sharing the list page around each H_PUT_TCE_INDIRECT (the seed's proposal)? And what did the
// 2019 kernels, which dropped the whole MULTITCE feature, cost? The script form of
// spapr-secure.json (a test checks they give the same specs).
import { experiment, topology, block, exponential, KiB, us } from 'viommu-lab';

const GUEST =
  "A 32 GiB secure (PEF) guest with a virtio-blk disk behind the default PHB, TCE hypercalls handled in QEMU userspace as for seed 000's emulated devices. Boot: the ultravisor converts all RAM (UV_ESM), the 64 MiB swiotlb pool is shared once, then ";
const IO = ' Then 20 ms of block I/O, every request bounced through swiotlb.';

/** How the guest maps its windows at boot, per design (and per MULTITCE split for put-tce-only). */
function bootMapping(secureTce: 'put-tce-only' | 'share-indirect', split: boolean): string {
  if (secureTce === 'share-indirect') {
    return 'the guest maps all RAM with H_PUT_TCE_INDIRECT, sharing the per-CPU TCE list page with the hypervisor (UV_SHARE_PAGE) before each call and unsharing it after (the seed 000 proposal).';
  }
  return split
    ? 'the guest maps all RAM into the direct DDW with H_PUT_TCE only and clears the default window with H_STUFF_TCE (merged Linux design, MULTITCE split into PUT_TCE_IND and STUFF_TCE).'
    : "the guest drops the whole MULTITCE feature as the 2019 kernels did (no split), so even the default-window clear is one H_PUT_TCE per TCE: the 13 s of seed 000.";
}

export default experiment('spapr secure guest: mapping TCEs without sharing the list page', {
  description: GUEST + 'the guest maps its DMA windows by one of the secure designs.' + IO,
  seed: 1,
})
  .grid({ split: [true, false], secureTce: ['put-tce-only', 'share-indirect'] })
  // share-indirect keeps H_PUT_TCE_INDIRECT, so whether the kernel splits MULTITCE only
  // matters to put-tce-only.
  .filter((p) => p.split || p.secureTce === 'put-tce-only')
  .topology((p) =>
    topology({
      name: `secure guest: ${p.secureTce}${p.split ? '' : ' (MULTITCE not split)'}`,
      description: GUEST + bootMapping(p.secureTce, p.split) + IO,
      duration: '20ms',
      profile: 'power9-kvm',
    })
      .host({ arch: 'ppc64le', cpus: 32 })
      .vm('guest', { memory: '32GiB', vcpus: 4, confidential: 'pef' })
      .viommu('phb0', 'spapr-tce', {
        hcallPath: 'qemu',
        secureTce: p.secureTce,
        ...(p.split ? {} : { firmwareFeatures: { split: false } }),
      })
      .device('dev0', {
        kind: 'virtio-blk',
        attach: 'virtio',
        viommu: 'phb0',
        workload: block({ queueDepth: 8, requestSize: KiB(16), readFraction: 0.5, serviceTime: exponential(us(50)) }),
      }),
  );
