/**
 * Builds the simulated machine from a validated spec: VMs, host IOMMU instances, vIOMMU
 * instances, confidential-VM and transport instances (every model found in the catalogue by role
 * and kind), and each device with the DMA path its position in the topology gives it: the IOMMU
 * path (or dma-direct), wrapped by the VM's confidential model, wrapped by the device's transport.
 */
import type { Environment } from '../kernel';
import type { Spec, Workload } from '../../common/spec';
import type { Costs } from '../costs/costs';
import type { Metrics } from '../metrics/collector';
import { DirectPath } from '../dma/direct';
import type { DmaPath } from '../dma/path';
import { catalog as registered, type Catalog } from '../catalog';
import { TopologyError, type ConfidentialInstance, type IommuInstance, type ModelContext, type TransportInstance } from '../models/model';
import { DeviceRuntime } from './device';
import { HostRuntime } from './host';
import { VmRuntime } from './vm';

/** How many guest threads (or queues) a workload runs on. */
function workloadThreads(w: Workload): number {
  switch (w.kind) {
    case 'map-bench':
    case 'block':
      return w.threads;
    case 'nic':
      return w.queues;
    case 'trace':
      return w.cpus;
    case 'boot':
      return 0;
  }
}

export class Machine {
  readonly vms = new Map<string, VmRuntime>();
  /** The bare-metal host's CPUs, when some device has no VM (else null). */
  readonly host: HostRuntime | null;
  readonly devices: DeviceRuntime[] = [];
  readonly instances: IommuInstance[] = [];
  /** Confidential-VM and transport instances (their finish() runs after the IOMMUs'). */
  readonly others: (ConfidentialInstance | TransportInstance)[] = [];

  constructor(
    readonly env: Environment,
    readonly spec: Spec,
    readonly costs: Costs,
    readonly metrics: Metrics,
    note: (text: string) => void,
    /** The models to build from (the registry's; a test may pass its own). */
    catalog: Catalog = registered,
  ) {
    this.host = spec.devices.some((d) => d.vm === undefined) ? new HostRuntime(env, spec) : null;
    const hostIommus = new Map<string, IommuInstance>();
    const ctx: ModelContext = { env, costs, metrics, spec, hostIommus, note, vmRuntime: (id) => this.vms.get(id) };
    spec.host.iommus.forEach((h, index) => {
      const path = `host.iommus[${index}]`;
      const model = catalog.findModel('host-iommu', h.kind);
      if (model === undefined) throw new TopologyError(`${path}.kind`, `no engine model for host IOMMU kind "${h.kind}"`);
      const inst = model.create(ctx, model.params.parse(h.params), { spec: h, index, path });
      hostIommus.set(h.id, inst);
      this.instances.push(inst);
    });
    const viommus = new Map<string, IommuInstance>();
    const confidential = new Map<string, ConfidentialInstance>();
    spec.vms.forEach((vmSpec, vmIndex) => {
      this.vms.set(vmSpec.id, new VmRuntime(env, vmSpec));
      vmSpec.viommus.forEach((v, index) => {
        const path = `vms[${vmIndex}].viommus[${index}]`;
        const model = catalog.findModel('viommu', v.kind);
        if (model === undefined) throw new TopologyError(`${path}.kind`, `no engine model for vIOMMU kind "${v.kind}"`);
        const inst = model.create(ctx, model.params.parse(v.params), { spec: v, vm: vmSpec, vmIndex, index, path });
        viommus.set(`${vmSpec.id}/${v.id}`, inst);
        this.instances.push(inst);
      });
      const conf = vmSpec.confidential;
      if (conf.kind !== 'none') {
        const path = `vms[${vmIndex}].confidential`;
        const model = catalog.findModel('confidential', conf.kind);
        if (model === undefined) throw new TopologyError(path, `no engine model for confidential kind "${conf.kind}"`);
        const inst = model.create(ctx, model.params.parse(conf.params), { vm: vmSpec, vmIndex, path });
        confidential.set(vmSpec.id, inst);
        this.others.push(inst);
      }
    });
    // Each device's threads (or queues) take the vCPUs after those of the devices before it in
    // the same VM, wrapping around: spread, as IRQ affinity and per-queue threads spread them.
    const nextVcpu = new Map<string, number>();
    // Bare-metal devices (no vm) do the same over the host's CPUs.
    spec.devices.forEach((d, index) => {
      const vm = d.vm === undefined ? this.host! : this.vms.get(d.vm)!;
      const where = vm.spec.id;
      const firstVcpu = nextVcpu.get(where) ?? 0;
      nextVcpu.set(where, (firstVcpu + workloadThreads(d.workload)) % vm.vcpus.length);
      let path: DmaPath;
      if (d.viommu !== undefined) path = viommus.get(`${d.vm}/${d.viommu}`)!.attach(d, vm);
      else if (d.hostIommu !== undefined) path = hostIommus.get(d.hostIommu)!.attach(d, vm);
      else path = new DirectPath(costs);
      const conf = d.vm === undefined ? undefined : confidential.get(d.vm);
      if (conf !== undefined) path = conf.wrap(d, vm, path);
      if (d.transport !== undefined) {
        const where = `devices[${index}].transport`;
        const model = catalog.findModel('transport', d.transport.kind);
        if (model === undefined) throw new TopologyError(`${where}.kind`, `no engine model for transport kind "${d.transport.kind}"`);
        const inst: TransportInstance = model.create(ctx, model.params.parse(d.transport.params), { device: d, index, path: where });
        this.others.push(inst);
        path = inst.wrap(vm, path);
      }
      this.devices.push(new DeviceRuntime(env, d, vm, path, costs, metrics, firstVcpu));
    });
  }
}
