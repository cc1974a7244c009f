// Seed 000: what clearing the default TCE window costs at boot, per clearing method, guest RAM
// and window size, plus the 2 MiB-page DDW variant. The script form of spapr-boot-sweep.json:
// the same 10 specs (a test checks they are equal).
import { experiment, topology, boot } from 'viommu-lab';

const SEED_000 =
  'Seed 000: a pseries guest probes one virtio device behind the default PHB; the guest clears the whole default window (per-TCE H_PUT_TCE when the multi-TCE features are off, H_STUFF_TCE batches of 512 otherwise), then creates a 16 MiB-page direct DDW and maps all RAM. Hypercalls are handled in QEMU userspace.';
const DDW_2M = 'The same boot with the PHB offering 4K/64K/2M pages only: Linux picks 2 MiB pages for its direct window.';

export default experiment('spapr boot: clearing the default window', { description: SEED_000, seed: 1 })
  .grid({ clear: ['h_put_tce', 'h_stuff_tce'], ram: ['2GiB', '32GiB'], window: ['1GiB', '64MiB'], ddwPage: ['16MiB', '2MiB'] })
  // The 2 MiB-page variant only with H_STUFF_TCE and the default 1 GiB window.
  .filter((p) => p.ddwPage === '16MiB' || (p.clear === 'h_stuff_tce' && p.window === '1GiB'))
  .topology((p) => {
    const ddw2m = p.ddwPage === '2MiB';
    const phb = ddw2m
      ? { hcallPath: 'qemu' as const, ddwPageSizes: ['4KiB' as const, '64KiB' as const, '2MiB' as const] }
      : p.clear === 'h_put_tce'
        ? { hcallPath: 'qemu' as const, dmaWindowSize: p.window, firmwareFeatures: { putTceInd: false, stuffTce: false } }
        : { hcallPath: 'qemu' as const, dmaWindowSize: p.window };
    return topology({
      name: ddw2m ? `seed 000 boot: DDW 2 MiB pages ram=${p.ram}` : `seed 000 boot: clear=${p.clear} ram=${p.ram} window=${p.window}`,
      description: ddw2m ? DDW_2M : SEED_000,
      profile: 'power9-kvm',
    })
      .host({ arch: 'ppc64le', cpus: 32 })
      .vm('guest', { memory: p.ram, vcpus: 4 })
      .viommu('phb0', 'spapr-tce', phb)
      .device('dev0', { kind: 'virtio-net', attach: 'virtio', viommu: 'phb0', workload: boot() });
  });
