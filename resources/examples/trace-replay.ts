// One real trace, six designs: the block I/O a Debian 6.12 guest did on an emulated NVMe disk
// behind QEMU's intel-iommu (resources/traces/capture.sh captured its iommu:map / iommu:unmap and
// dma:* events), replayed map for map, per recorded CPU, through sPAPR TCEs (a direct DDW, and
// the 32-bit default window with one H_PUT_TCE per map), QEMU's emulated SMMUv3, a nested SMMUv3
// with a Tegra241 vCMDQ, VT-d shadowing of an assigned device, and virtio-iommu in front of it.
// As recorded (the capture's
// own gaps; the per-call costs show in the latencies, exits and hypercalls) and closed-loop
// (back to back: the time the whole sequence takes). The script form of trace-replay.json.
import { experiment, topology, trace } from 'viommu-lab';

type Design = 'spapr-ddw' | 'spapr-tce' | 'smmuv3-emulated' | 'smmuv3-vcmdq' | 'vtd' | 'virtio-iommu';
type Timing = 'as-recorded' | 'closed-loop';

function machine(design: Design, timing: Timing) {
  const t = topology({ name: `trace replay: ${design}, ${timing}`, duration: '1100ms' });
  const workload = trace({ file: 'debian-6.12-nvme-vtd.trace', timing, cpus: 2 });
  switch (design) {
    case 'spapr-ddw':
    case 'spapr-tce':
      return t
        .profile('power9-kvm')
        .host({ arch: 'ppc64le', cpus: 32 })
        .vm('vm0', { memory: '2GiB', vcpus: 2 })
        .viommu('phb0', 'spapr-tce', { ddw: design === 'spapr-ddw' })
        .device('nvme0', { kind: 'nvme', attach: 'vfio', viommu: 'phb0', workload });
    case 'smmuv3-emulated':
      return t
        .profile('kvm-arm64-kunpeng920')
        .host({ arch: 'aarch64', cpus: 32 })
        .hostIommu('smmu0', 'smmuv3', {})
        .vm('vm0', { memory: '2GiB', vcpus: 2, dmaMode: 'strict' })
        .viommu('vsmmu0', 'smmuv3', { mode: 'emulated', backing: ['smmu0'] })
        .device('nvme0', { kind: 'nvme', attach: 'emulated', viommu: 'vsmmu0', workload });
    case 'smmuv3-vcmdq':
      return t
        .profile('grace-tegra241')
        .host({ arch: 'aarch64', cpus: 72 })
        .hostIommu('smmu0', 'smmuv3', { cmdqv: true })
        .vm('vm0', { memory: '2GiB', vcpus: 2, dmaMode: 'strict' })
        .viommu('vsmmu0', 'smmuv3', { backing: ['smmu0'], vcmdq: true })
        .device('nvme0', { kind: 'nvme', attach: 'vfio', viommu: 'vsmmu0', hostIommu: 'smmu0', workload });
    case 'vtd':
      return t
        .profile('kvm-x86-2024')
        .host({ arch: 'x86_64', cpus: 32 })
        .vm('vm0', { memory: '2GiB', vcpus: 2, dmaMode: 'strict' })
        .viommu('vtd0', 'intel-iommu', {})
        .device('nvme0', { kind: 'nvme', attach: 'vfio', viommu: 'vtd0', workload });
    case 'virtio-iommu':
      return t
        .profile('kvm-x86-2024')
        .host({ arch: 'x86_64', cpus: 32 })
        .vm('vm0', { memory: '2GiB', vcpus: 2, dmaMode: 'strict' })
        .viommu('viommu0', 'virtio-iommu', {})
        .device('nvme0', { kind: 'nvme', attach: 'vfio', viommu: 'viommu0', workload });
  }
}

export default experiment('trace replay: one NVMe trace through six designs', {
  description:
    "A real Linux 6.12 guest's NVMe I/O (2,752 events: 801 iommu:map, 650 iommu:unmap on two CPUs), captured under QEMU with resources/traces/capture.sh, replayed through sPAPR (direct DDW; default window), emulated SMMUv3, nested SMMUv3 with vCMDQ, VT-d shadowing and virtio-iommu, as recorded and closed-loop.",
  seed: 1,
})
  .grid({ design: ['spapr-ddw', 'spapr-tce', 'smmuv3-emulated', 'smmuv3-vcmdq', 'vtd', 'virtio-iommu'] as const, timing: ['as-recorded', 'closed-loop'] as const })
  .topology((p) => machine(p.design, p.timing));
