/**
 * The topology builder: a fluent description of one machine — host, physical IOMMUs, VMs with
 * their vIOMMUs, devices with workloads, run length and cost profile — that produces a plain
 * spec. It records where in the script each part was declared, so that a schema error found on
 * the host points at the builder call that produced the value. It validates nothing the spec
 * schema validates; it only refuses calls that cannot mean anything (a vIOMMU before any VM).
 */
import { callSite, type Site } from './callsite';
import { assertPlainData } from './plain-data';
import type {
  BlockOptions,
  BootOptions,
  DeviceOptions,
  Duration,
  HostIommuKinds,
  HostOptions,
  MapBenchOptions,
  NicOptions,
  TraceOptions,
  ViommuKinds,
  VmOptions,
  Workload,
} from './spec-types.generated';

/** Options of `topology()`. */
export interface TopologyOptions {
  /** Run name shown in the run list. Default: the experiment's name. */
  name?: string;
  /** What this configuration is for. Default: the experiment's description. */
  description?: string;
  /** Simulated time to run. Unit: ns as a number, or a Duration string ('20ms'). @defaultValue '10ms' */
  duration?: number | Duration;
  /** Seed of replication 0 when the script exports a bare topology (an experiment's seed wins). @defaultValue 1 */
  seed?: number;
  /** Cost profile id from resources/profiles. @defaultValue 'kvm-x86-2024' */
  profile?: string;
  /** Cost profile parameter overrides, parameter name → value (a number in the parameter's unit, or a unit string). @defaultValue {} */
  overrides?: Record<string, number | string>;
}

/** Options of a bare-metal device (`.hostDevice()`): a device's, without what only a VM's device has. */
export type HostDeviceOptions = Omit<DeviceOptions, 'vm' | 'viommu' | 'transport'>;

const workloadSites = new WeakMap<object, Site>();

function workload<W extends Workload>(w: W): W {
  const site = callSite();
  if (site) workloadSites.set(w, site);
  return w;
}

/** A closed map/DMA/unmap loop per thread, like Linux's dma_map_benchmark. Every option has a default. */
export function mapBench(options: MapBenchOptions = {}): Workload {
  return workload({ ...options, kind: 'map-bench' });
}

/** An open-loop NIC. Give exactly one of `packetRate` or `bitrate`. */
export function nic(options: NicOptions): Workload {
  return workload({ ...options, kind: 'nic' });
}

/** Closed-loop block I/O at a fixed queue depth. Every option has a default. */
export function block(options: BlockOptions = {}): Workload {
  return workload({ ...options, kind: 'block' });
}

/**
 * Replays a captured Linux trace (tracefs or `trace-cmd report` text of iommu:map / iommu:unmap,
 * or the dma:* events of Linux 6.12+) through this device's DMA path, per recorded CPU.
 * `file` is an absolute path or one relative to the lab's resources/traces folder.
 */
export function trace(options: TraceOptions): Workload {
  return workload({ ...options, kind: 'trace' });
}

/** Only the driver's probe-time DMA setup (boot), then idle. */
export function boot(options: BootOptions = {}): Workload {
  return workload({ ...options, kind: 'boot' });
}

/** @internal A spec as the sandbox hands it to the host, with the script position of each part (JSON path → site). */
export interface BuiltSpec {
  spec: Record<string, unknown>;
  sites: [string, Site][];
}

interface VmEntry {
  id: string;
  index: number;
  viommus: Record<string, unknown>[];
}

/** Starts a topology. Chain `.host()`, `.hostIommu()`, `.vm()`, `.viommu()`, `.device()`, `.hostDevice()` (`.each()` repeats one of them). */
export function topology(options: TopologyOptions = {}): Topology {
  return new Topology(options, callSite());
}

/** One machine: host, physical IOMMUs, VMs with their vIOMMUs, devices. Every method returns the topology. */
export class Topology {
  #root: Record<string, unknown> = {};
  #host: Record<string, unknown> = {};
  #hostIommus: Record<string, unknown>[] = [];
  #vms: Record<string, unknown>[] = [];
  #vmEntries: VmEntry[] = [];
  #devices: Record<string, unknown>[] = [];
  #sites: [string, Site][] = [];

  /** @internal Use `topology()`. */
  constructor(options: TopologyOptions, site: Site | undefined) {
    const { profile, overrides, ...rest } = options;
    this.#root = { ...rest };
    if (profile !== undefined || overrides !== undefined) this.#root.profile = { ...(profile !== undefined ? { base: profile } : {}), overrides: { ...overrides } };
    this.#site('', site);
  }

  #site(path: string, site: Site | undefined): void {
    if (site) this.#sites.push([path, site]);
  }

  /** The host machine: architecture and CPU count. */
  host(options: HostOptions): this {
    this.#host = { ...this.#host, ...options };
    this.#site('host', callSite());
    return this;
  }

  /**
   * A physical IOMMU instance on the host, which devices name with `hostIommu: id`.
   * @param id - identifier devices use to sit behind it
   * @param kind - one of the registered host IOMMU kinds
   * @param params - the kind's parameters; every one has a default
   */
  hostIommu<K extends keyof HostIommuKinds & string>(id: string, kind: K, params?: HostIommuKinds[K]): this {
    this.#site(`host.iommus[${this.#hostIommus.length}]`, callSite());
    this.#hostIommus.push({ id, kind, params: { ...(params ?? {}) } });
    return this;
  }

  /**
   * A virtual machine. `.viommu()` and `.device()` calls that follow attach to it.
   * @param id - identifier devices use in `vm:`
   */
  vm(id: string, options: VmOptions): this {
    const index = this.#vms.length;
    this.#site(`vms[${index}]`, callSite());
    const viommus: Record<string, unknown>[] = [];
    this.#vms.push({ id, ...options, viommus });
    this.#vmEntries.push({ id, index, viommus });
    return this;
  }

  /**
   * A guest-visible IOMMU in the VM declared last, which its devices name with `viommu: id`.
   * @param id - identifier devices use to sit behind it
   * @param kind - one of the registered vIOMMU kinds
   * @param params - the kind's parameters; every one has a default
   */
  viommu<K extends keyof ViommuKinds & string>(id: string, kind: K, params?: ViommuKinds[K]): this {
    const vm = this.#vmEntries[this.#vmEntries.length - 1];
    if (vm === undefined) throw new Error('.viommu() needs a VM: declare one with .vm() first');
    this.#site(`vms[${vm.index}].viommus[${vm.viommus.length}]`, callSite());
    vm.viommus.push({ id, kind, params: { ...(params ?? {}) } });
    return this;
  }

  /**
   * A device with its workload, assigned to `options.vm` or else to the VM declared last.
   * @param id - device identifier (used in metric names)
   */
  device(id: string, options: DeviceOptions): this {
    const vm = options.vm ?? this.#vmEntries[this.#vmEntries.length - 1]?.id;
    if (vm === undefined) throw new Error(`.device("${id}") needs a VM: declare one with .vm() first, or give vm:`);
    const index = this.#devices.length;
    this.#site(`devices[${index}]`, callSite());
    const wsite = options.workload !== null && typeof options.workload === 'object' ? workloadSites.get(options.workload) : undefined;
    this.#site(`devices[${index}].workload`, wsite);
    this.#devices.push({ id, ...options, vm });
    return this;
  }

  /**
   * A bare-metal device: no VM, driven by the host kernel's own driver and DMA API (host.dmaMode
   * strict or lazy), behind the physical IOMMU `options.hostIommu` names, or dma-direct without one.
   * @param id - device identifier (used in metric names)
   */
  hostDevice(id: string, options: HostDeviceOptions): this {
    if (options !== null && typeof options === 'object' && 'vm' in options) throw new Error(`.hostDevice("${id}") is a bare-metal device: it takes no vm (use .device() for a VM's device)`);
    const index = this.#devices.length;
    this.#site(`devices[${index}]`, callSite());
    const wsite = options.workload !== null && typeof options.workload === 'object' ? workloadSites.get(options.workload) : undefined;
    this.#site(`devices[${index}].workload`, wsite);
    this.#devices.push({ id, ...options });
    return this;
  }

  /**
   * Declares something once per item, in order, without leaving the chain: one physical IOMMU,
   * vIOMMU or device per instance. Give an array (`add` gets each item and its index) or a
   * count n (`add` gets the indices 0 … n-1).
   * @example
   * topology()
   *   .each(8, (t, i) => t.hostIommu(`smmu${i}`, 'smmuv3'))
   *   .vm('vm0', { memory: '8GiB' })
   *   .each(['nic0', 'nic1'], (t, id, i) => t.device(id, { kind: 'nic', hostIommu: `smmu${i}` }))
   */
  each<T>(items: readonly T[], add: (topology: this, item: T, index: number) => void): this;
  each(count: number, add: (topology: this, index: number) => void): this;
  each(items: number | readonly unknown[], add: (topology: this, item: never, index: number) => void): this {
    if (typeof add !== 'function') throw new Error('.each(items, add) needs a function that declares one item');
    let list: readonly unknown[];
    if (typeof items === 'number') {
      if (!Number.isSafeInteger(items) || items < 0) throw new Error(`.each(n, add): n must be a non-negative integer, got ${String(items)}`);
      list = Array.from({ length: items }, (_, i) => i);
    } else if (Array.isArray(items)) {
      list = items;
    } else {
      throw new Error('.each(items, add): items must be an array or a count');
    }
    const declare = add as (topology: this, item: unknown, index: number) => void;
    list.forEach((item, i) => declare(this, item, i));
    return this;
  }

  /** Simulated time to run. Unit: ns as a number, or a Duration string ('20ms'). */
  duration(d: number | Duration): this {
    this.#root.duration = d;
    this.#site('duration', callSite());
    return this;
  }

  /**
   * The cost profile and overrides of its parameters.
   * @param base - profile id from resources/profiles (e.g. 'kvm-x86-2024')
   * @param overrides - parameter name → value (a number in the parameter's unit, or a unit string)
   */
  profile(base: string, overrides: Record<string, number | string> = {}): this {
    this.#root.profile = { base, overrides: { ...overrides } };
    this.#site('profile', callSite());
    return this;
  }

  /** Overrides one cost profile parameter (a number in the parameter's unit, or a unit string). */
  override(name: string, value: number | string): this {
    const p = (this.#root.profile ?? {}) as { base?: string; overrides?: Record<string, unknown> };
    this.#root.profile = { ...p, overrides: { ...(p.overrides ?? {}), [name]: value } };
    this.#site(`profile.overrides.${name}`, callSite());
    return this;
  }

  /** @internal The plain spec and where each part was declared, for the sandbox. */
  build(): BuiltSpec {
    const spec: Record<string, unknown> = { ...this.#root, host: { ...this.#host, iommus: this.#hostIommus }, vms: this.#vms, devices: this.#devices };
    assertPlainData(spec, this.#sites);
    return { spec: JSON.parse(JSON.stringify(spec)) as Record<string, unknown>, sites: [...this.#sites] };
  }
}
