// A VFIO NIC on a pseries guest under the three kinds of DMA window Linux may end up with: a
// direct DDW (all RAM mapped once), the default 32-bit window (a hypercall per buffer), or a
// dynamic DDW (when the PHB cannot offer enough TCEs for all RAM). The script form of
// spapr-nic-windows.json (a test checks they give the same specs).
import { experiment, topology, nic, Kpps, type ViommuKinds } from 'viommu-lab';

type Window = 'direct' | 'dynamic' | 'dynamic-ddw';

/** What differs between the windows: the PHB's settings, and the run's name and description. */
const WINDOWS: Record<Window, { name: string; phb: ViommuKinds['spapr-tce']; description: string }> = {
  direct: {
    name: 'NIC on a direct DDW',
    phb: {},
    description:
      'A VFIO NIC behind a pseries PHB with a 16 MiB-page direct DDW: all RAM is mapped once at boot, per-packet maps make no hypercall, and the device can reach all guest RAM.',
  },
  dynamic: {
    name: 'NIC on a dynamic window',
    phb: { ddw: false },
    description:
      'The same NIC with DDW disabled: every receive buffer is mapped into the 1 GiB / 4 KiB default window with H_PUT_TCE and cleared with H_STUFF_TCE, handled by KVM in virtual mode; the device reaches only the ring\'s buffers.',
  },
  'dynamic-ddw': {
    name: 'NIC on a dynamic DDW',
    // 8 GiB of RAM needs 512 TCEs of 16 MiB; offering 256 makes Linux fall back to a dynamic DDW.
    phb: { ddwLargestBlock: 256 },
    description:
      'DDW offered with a largest block of only 256 TCEs: 8 GiB needs 512 TCEs of 16 MiB, so Linux creates a 4 GiB dynamic window of 16 MiB pages instead and maps each receive buffer\'s whole 16 MiB page by hypercall; the device reaches those pages only while they are mapped.',
  },
};

export default experiment('spapr: a NIC on a direct, dynamic or dynamic DDW window', {
  description: 'What each kind of sPAPR DMA window costs a 20 Kpps receive path, and what it lets the device reach.',
  seed: 1,
})
  .grid({ window: ['direct', 'dynamic', 'dynamic-ddw'] })
  .topology((p) => {
    const w = WINDOWS[p.window];
    return topology({ name: w.name, description: w.description, duration: '50ms', profile: 'power9-kvm' })
      .host({ arch: 'ppc64le', cpus: 32 })
      .vm('guest', { memory: '8GiB', vcpus: 4 })
      // TCE hypercalls handled by KVM in virtual mode (a VFIO device's windows are known to KVM).
      .viommu('phb0', 'spapr-tce', { hcallPath: 'kvm-virtual', ...w.phb })
      .device('dev0', {
        kind: 'nic',
        attach: 'vfio',
        viommu: 'phb0',
        workload: nic({ direction: 'rx', packetRate: Kpps(20), packetSize: 1500, ringSize: 256, queues: 1, bufferSize: 2048 }),
      });
  });
