/**
 * sPAPR benchmark: simulated map+unmap operations per wall-clock second on the dynamic-window
 * path (Linux's TCE allocator, one H_PUT_TCE per map and one H_STUFF_TCE per unmap, handled by KVM
 * in real mode), and engine speed on the boot clear of a 1 GiB window (262,144 H_PUT_TCE on the
 * QEMU path). Wall time is measured here, never in the engine.
 */
import { prepareRun } from '../main/api/runner';
import { runSimulation } from '../main/engine/run';
import { timed, type BenchRow } from './types';

function spec(workload: Record<string, unknown>, params: Record<string, unknown>, duration: string): unknown {
  return {
    name: 'bench: spapr',
    duration,
    profile: { base: 'power9-kvm' },
    host: { arch: 'ppc64le', cpus: 8 },
    vms: [{ id: 'g', memory: '8GiB', vcpus: 4, viommus: [{ id: 'phb0', kind: 'spapr-tce', params }] }],
    devices: [{ id: 'd', vm: 'g', kind: 'nic', viommu: 'phb0', workload }],
  };
}


export async function spaprBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dyn = prepareRun(
    spec({ kind: 'map-bench', threads: 4, granule: 4096 }, { ddw: false, hcallPath: 'kvm-real', clearDefaultWindow: false }, '200ms'),
  );
  runSimulation(dyn.spec, dyn.profile); // warm-up
  const d = timed(() => runSimulation(dyn.spec, dyn.profile));
  const ops = d.value.scalars['bench.ops'] ?? 0;
  rows.push({ name: 'spapr.dynamic.map_unmap_per_wall_s', value: ops / d.seconds, unit: 'ops/s' });
  rows.push({ name: 'spapr.dynamic.map_unmap_per_sim_s', value: d.value.scalars['ops.per_sec'] ?? 0, unit: 'ops/s' });
  const clear = prepareRun(spec({ kind: 'boot' }, { ddw: false, hcallPath: 'qemu', firmwareFeatures: { putTceInd: false, stuffTce: false } }, '1ms'));
  const c = timed(() => runSimulation(clear.spec, clear.profile));
  rows.push({ name: 'spapr.boot_clear.hcalls_per_wall_s', value: (c.value.scalars['hcalls.h_put_tce'] ?? 0) / c.seconds, unit: 'hcalls/s' });
  rows.push({ name: 'spapr.boot_clear.events_per_wall_s', value: c.value.events / c.seconds, unit: 'events/s' });
  return rows;
}

export default spaprBench;
