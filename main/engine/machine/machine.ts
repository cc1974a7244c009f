/**
 * Builds the simulated machine from a validated spec: VMs, host IOMMU instances, vIOMMU
 * instances, and each device with the DMA path its position in the topology gives it.
 */
import type { Environment } from '../kernel';
import type { Spec, Workload } from '../../common/spec';
import type { Costs } from '../costs/costs';
import type { Metrics } from '../metrics/collector';
import { DirectPath } from '../dma/direct';
import type { DmaPath } from '../dma/path';
import { findModel } from '../model-registry';
import { TopologyError, type IommuInstance, type ModelContext } from '../models/model';
import { DeviceRuntime } from './device';
import { VmRuntime } from './vm';

/** How many guest threads (or queues) a workload runs on. */
function workloadThreads(w: Workload): number {
  switch (w.kind) {
    case 'map-bench':
    case 'block':
      return w.threads;
    case 'nic':
      return w.queues;
    case 'boot':
      return 0;
  }
}

export class Machine {
  readonly vms = new Map<string, VmRuntime>();
  readonly devices: DeviceRuntime[] = [];
  readonly instances: IommuInstance[] = [];

  constructor(
    readonly env: Environment,
    readonly spec: Spec,
    readonly costs: Costs,
    readonly metrics: Metrics,
    note: (text: string) => void,
  ) {
    const hostIommus = new Map<string, IommuInstance>();
    const ctx: ModelContext = { env, costs, metrics, spec, hostIommus, note };
    spec.host.iommus.forEach((h, i) => {
      if (h.kind === 'none') return;
      const model = findModel('host', h.kind);
      if (model === undefined) throw new TopologyError(`host.iommus[${i}].kind`, `no engine model for host IOMMU kind "${h.kind}"`);
      const inst = model.create(ctx, h);
      hostIommus.set(h.id, inst);
      this.instances.push(inst);
    });
    const viommus = new Map<string, IommuInstance>();
    spec.vms.forEach((vmSpec, vi) => {
      this.vms.set(vmSpec.id, new VmRuntime(env, vmSpec));
      vmSpec.viommus.forEach((v, j) => {
        const model = findModel('viommu', v.kind);
        if (model === undefined) throw new TopologyError(`vms[${vi}].viommus[${j}].kind`, `no engine model for vIOMMU kind "${v.kind}"`);
        const inst = model.create(ctx, v);
        viommus.set(`${vmSpec.id}/${v.id}`, inst);
        this.instances.push(inst);
      });
    });
    // Each device's threads (or queues) take the vCPUs after those of the devices before it in
    // the same VM, wrapping around: spread, as IRQ affinity and per-queue threads spread them.
    const nextVcpu = new Map<string, number>();
    for (const d of spec.devices) {
      const vm = this.vms.get(d.vm)!;
      const firstVcpu = nextVcpu.get(d.vm) ?? 0;
      nextVcpu.set(d.vm, (firstVcpu + workloadThreads(d.workload)) % vm.vcpus.length);
      let path: DmaPath;
      if (d.viommu !== undefined) path = viommus.get(`${d.vm}/${d.viommu}`)!.attach(d, vm);
      else if (d.hostIommu !== undefined && hostIommus.has(d.hostIommu)) path = hostIommus.get(d.hostIommu)!.attach(d, vm);
      else path = new DirectPath(costs);
      this.devices.push(new DeviceRuntime(env, d, vm, path, costs, metrics, firstVcpu));
    }
  }
}
