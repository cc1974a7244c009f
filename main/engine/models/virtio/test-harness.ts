/**
 * Test-only scaffolding: a VM, a device and a VirtioTransport over a given DMA path, with the
 * transport's costs added to a real profile. Not used by the engine.
 */
import { Environment, type ProcessGenerator } from '../../kernel';
import { Costs } from '../../costs/costs';
import { Metrics } from '../../metrics/collector';
import { DeviceRuntime } from '../../machine/device';
import { VmRuntime } from '../../machine/vm';
import type { DmaPath, Direction, Mapping } from '../../dma/path';
import type { Vcpu } from '../../machine/vcpu';
import { Resource } from '../../kernel';
import { parseSpec } from '../../catalog';
import type { ResolvedProfile } from '../../../common/profile/profile';
import { readVirtioCosts, type VirtioCosts } from './cost-table';
import { VirtioTransport, type TransportOptions } from './transport';
import type { DmaRoute } from './features';

/** A path that counts DMA-API calls on top of another. */
export class CountingPath implements DmaPath {
  maps = 0;
  unmaps = 0;
  /** Every mapping handed out, in order. */
  readonly mapped: Mapping[] = [];
  readonly name: string;
  constructor(readonly inner: DmaPath) {
    this.name = `counting(${inner.name})`;
  }
  get unmapNotifier() {
    return this.inner.unmapNotifier;
  }
  *probe(cpu: Vcpu): ProcessGenerator<void> {
    yield* this.inner.probe(cpu);
  }
  *map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    this.maps++;
    const m = yield* this.inner.map(cpu, gpa, bytes, dir);
    if (m !== null) this.mapped.push(m);
    return m;
  }
  *unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void> {
    this.unmaps++;
    yield* this.inner.unmap(cpu, m);
  }
  *translate(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    return yield* this.inner.translate(pfn, off, bytes, write);
  }
}

export interface Rig {
  env: Environment;
  costs: Costs;
  vc: VirtioCosts;
  metrics: Metrics;
  vm: VmRuntime;
  device: DeviceRuntime;
  transport: VirtioTransport;
  notes: string[];
}

export function rig(opts: {
  route: DmaRoute;
  dma: (env: Environment, costs: Costs, metrics: Metrics, vm: VmRuntime) => DmaPath | null;
  backend?: 'qemu' | 'vhost';
  indirect?: boolean;
  restricted?: () => boolean;
  profile: ResolvedProfile;
  vcpus?: number;
}): Rig {
  const spec = parseSpec({ vms: [{ id: 'vm0', memory: '4GiB', vcpus: opts.vcpus ?? 2 }], devices: [{ id: 'd0', vm: 'vm0', workload: { kind: 'boot' } }] });
  const env = new Environment(1);
  const costs = new Costs(opts.profile);
  const metrics = new Metrics(1000);
  const vm = new VmRuntime(env, spec.vms[0]!);
  const notes: string[] = [];
  const vc = readVirtioCosts(costs);
  const dma = opts.dma(env, costs, metrics, vm);
  const backend = opts.backend ?? 'qemu';
  const t: TransportOptions = {
    deviceId: 'd0',
    route: opts.route,
    backend,
    ioeventfd: true,
    queueSize: 256,
    queues: 1,
    indirect: opts.indirect ?? false,
    eventIdx: false,
    backendThread: backend === 'vhost' ? new Resource(env, 'd0.vhost', 1) : vm.vmmThread,
    vmmThread: vm.vmmThread,
    restricted: opts.restricted ?? (() => false),
    note: (s) => notes.push(s),
  };
  const transport = new VirtioTransport(env, vc, metrics, dma, t);
  const device = new DeviceRuntime(env, spec.devices[0]!, vm, transport, costs, metrics, 0);
  return { env, costs, vc, metrics, vm, device, transport, notes };
}
