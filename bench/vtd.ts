/**
 * VT-d benchmark: the simulator's own memory per live mapping while a guest's VFIO user maps all
 * of an 8 GiB guest through an intel-iommu domain at 4 KiB (2,097,152 leaves: the guest table,
 * QEMU's IOVA tree and the host mapping, each one entry per leaf), and the rate at which the
 * engine shadows them. The machine is built and booted here and kept alive while memory is
 * measured after a forced GC; wall time is measured here, never in the engine.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { prepareRun } from '../main/api/runner';
import { Environment, type ProcessGenerator } from '../main/engine/kernel';
import { Costs } from '../main/engine/costs/costs';
import { Metrics } from '../main/engine/metrics/collector';
import { Machine } from '../main/engine/machine/machine';
import { VtdInstance } from '../main/engine/models/vtd/vtd-instance';
import { timed, type BenchRow } from './types';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const GiB = 2 ** 30;

function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export async function vtdBench(): Promise<BenchRow[]> {
  const mapped = 8 * GiB;
  const p = prepareRun({
    name: 'bench: vtd full map',
    duration: '1ms',
    profile: { base: 'kvm-x86-2024', overrides: { 'vfio.dma_entry_limit': 2 ** 26 } },
    vms: [{ id: 'vm0', memory: '16GiB', vcpus: 2, viommus: [{ id: 'vtd0', kind: 'intel-iommu' }] }],
    devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', attach: 'vfio', viommu: 'vtd0', params: { premap: mapped, premapLeaf: '4KiB' }, workload: { kind: 'boot' } }],
  });
  const before = liveBytes();
  const env = new Environment(1);
  const machine = new Machine(env, p.spec, new Costs(p.profile), new Metrics(1000), () => {});
  const dev = machine.devices[0]!;
  const cpu = dev.vm.vcpu(0);
  const t = timed(() => {
    env.process(cpu.run(dev.path.probe(cpu) as ProcessGenerator<void>));
    env.run();
  });
  const unit = machine.instances.find((i): i is VtdInstance => i instanceof VtdInstance)!;
  const leaves = unit.trees.reduce((s, tr) => s + tr.nodes, 0);
  const perMapping = (liveBytes() - before) / leaves;
  return [
    { name: 'vtd.full_map_8g.sim_heap_per_mapping', value: perMapping, unit: 'B', note: `${leaves} live 4 KiB mappings; target < 120 B` },
    { name: 'vtd.full_map_8g.qemu_tree_bytes_per_mapping', value: unit.trees[0]!.bytes / leaves, unit: 'B', note: 'modelled QEMU heap (GTreeNode + DMAMap chunks)' },
    { name: 'vtd.full_map_8g.mappings_per_wall_s', value: leaves / t.seconds, unit: 'maps/s' },
    { name: 'vtd.full_map_8g.events_per_wall_s', value: env.events / t.seconds, unit: 'events/s' },
  ];
}

export default vtdBench;
