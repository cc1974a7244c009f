// Who invalidates when under QEMU's intel-iommu: caching mode, no caching mode in strict mode,
// lazy mode. The script form of vtd-cm-strict-lazy.json (a test checks they give the same specs).
import { experiment, topology, mapBench } from 'viommu-lab';

const CONFIGS = { cm: { cachingMode: true, dmaMode: 'strict' }, strict: { cachingMode: false, dmaMode: 'strict' }, lazy: { cachingMode: false, dmaMode: 'lazy' } } as const;

export default experiment('vtd: caching mode vs strict vs lazy', {
  description:
    "Who invalidates when, on one emulated DMA engine behind QEMU's intel-iommu running map/DMA/unmap: caching mode (the guest also invalidates on map, and Linux forces strict), no caching mode in strict mode (a PSI per unmap), and lazy mode (the flush queue's domain flushes instead).",
  seed: 5,
})
  .grid({ config: ['cm', 'strict', 'lazy'] as const })
  .topology((p) =>
    topology({ name: `vtd invalidations ${p.config}`, duration: '5ms', profile: 'kvm-x86-2024' })
      .host({ arch: 'x86_64', cpus: 32 })
      .vm('vm0', { memory: '4GiB', vcpus: 2, dmaMode: CONFIGS[p.config].dmaMode })
      .viommu('vtd0', 'intel-iommu', { cachingMode: CONFIGS[p.config].cachingMode })
      .device('dma0', {
        kind: 'dma-engine',
        attach: 'emulated',
        viommu: 'vtd0',
        workload: mapBench({ threads: 1, granule: '4KiB', dmaBytes: '4KiB', maxOps: 2000 }),
      }),
  );
