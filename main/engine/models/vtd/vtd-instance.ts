/**
 * One guest-visible VT-d unit (vms[].viommus[] kind "intel-iommu") at run time: QEMU's device
 * state for the VM, the guest's domain-ID space and table memory, and for each device behind it
 * its address space, its guest driver domain and its DMA-API path.
 *
 * Models: device assignment refused without caching mode (as QEMU refuses it), domain-ID
 * exhaustion as a topology error, the guest's strict/lazy choice (caching mode forces strict in
 * Linux ≥ 5.15 unless the knob says the guest predates it), notifier kind by how the VMM provides
 * the device (vfio: MAP, vhost: UNMAP-only, emulated/virtio: none), scalable-mode first-stage
 * passthrough (no shadow: the hardware walks the guest table, unmaps forwarded as PASID-based
 * IOTLB invalidations with IOMMU_HWPT_INVALIDATE), a premapped region per device (a VFIO user
 * inside the guest), and three-layer nesting through the L1 unit named in `nestedIn`.
 * Does not model: several DMAR units per VM, RMRRs, interrupt remapping.
 */
import type { Environment } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Metrics } from '../../metrics/collector';
import type { DeviceSpec } from '../../../common/spec';
import { DmaIommuPath } from '../../dma/iommu/dma-iommu';
import type { DmaPath } from '../../dma/path';
import { RadixPageTable, tablePageAllocator } from '../../mem/radix-page-table';
import type { VmRuntime } from '../../machine/vm';
import { TopologyError, type IommuInstance } from '../model';
import { DomainIds } from './domain-ids';
import type { GuestVtdDomain } from './guest-domain';
import { PremapDomain } from './premap-domain';
import { VTD_PAGE } from './inv-desc';
import { IovaTree } from './iova-tree';
import type { VtdCostValues, VtdCounters } from './knobs';
import { NestedVfio } from './nested-vfio';
import { QemuVtd, type ResyncPolicy, type VtdAddressSpace } from './qemu-vtd';
import { type UnsafeWindow } from './unsafe-window';
import { HostVfio, type VfioBackend } from './vfio-backend';
import { VhostIotlb } from './vhost-iotlb';

export interface VtdParams {
  readonly cachingMode: boolean;
  readonly mode: 'legacy' | 'scalable-passthrough';
  readonly resync: ResyncPolicy;
  readonly unmapOnlyWalk: boolean;
  readonly maxAm: number;
  readonly domainIdBits: number;
  readonly addressWidth: 39 | 48;
  readonly guestStrictWithCm: boolean;
  readonly nestedIn: string;
  readonly l2RamBase: number;
}

export interface VtdDeviceParams {
  readonly ats: boolean;
  readonly premap: number;
  readonly premapLeaf: number;
  readonly premapChunk: number;
}

/** What the instance needs from the run (filled by model.ts from the model context). */
export interface VtdRun {
  readonly env: Environment;
  readonly costs: Costs;
  readonly metrics: Metrics;
  readonly k: VtdCostValues;
  readonly c: VtdCounters;
  note(text: string): void;
  /** The runtime of another VM (the L1 of a nested L2), by id. */
  vmRuntime(id: string): VmRuntime | undefined;
  /** Another VT-d unit of this run, by "vm/viommu". */
  unit(ref: string): VtdInstance | undefined;
  /** Index of a device in spec.devices (for error paths). */
  deviceIndex(device: DeviceSpec): number;
  /** Device params as parsed by the model's device schema. */
  deviceParams(device: DeviceSpec): VtdDeviceParams;
  readonly window: UnsafeWindow;
}

export class VtdInstance implements IommuInstance {
  readonly domains: DomainIds;
  readonly trees: IovaTree[] = [];
  readonly guestTables: RadixPageTable[] = [];
  private qemu: QemuVtd | null = null;
  private nextSid = 8;
  private tableAlloc: (() => number) | null = null;

  constructor(
    private readonly run: VtdRun,
    readonly id: string,
    readonly vmId: string,
    readonly vmMemory: number,
    readonly params: VtdParams,
    readonly path: string,
  ) {
    // With caching mode, Linux reserves domain ID 0.
    this.domains = new DomainIds(params.domainIdBits, params.cachingMode ? 1 : 0);
  }

  /** QEMU's device for this VM (created with the VM's runtime on first use). */
  unit(vm: VmRuntime): QemuVtd {
    if (this.qemu === null) {
      const nestedGuest = this.params.nestedIn !== '';
      this.qemu = new QemuVtd(this.run.env, vm, this.run.k, this.run.c, { resync: this.params.resync, unmapOnlyWalk: this.params.unmapOnlyWalk, nestedGuest }, this.run.window);
      // Guest page-table pages come from the top sixteenth of guest RAM.
      this.tableAlloc = tablePageAllocator(this.vmMemory - this.vmMemory / 16, this.vmMemory / 16, `${this.vmId}/${this.id} guest page tables`);
    }
    return this.qemu;
  }

  attach(device: DeviceSpec, vm: VmRuntime): DmaPath {
    const di = `devices[${this.deviceIndex(device)}]`;
    if (device.attach === 'vfio' && !this.params.cachingMode && this.params.mode === 'legacy') {
      throw new TopologyError(`${this.path}.params.cachingMode`, `vfio ${device.id}: Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU (QEMU refuses it)`);
    }
    if (this.params.mode === 'scalable-passthrough' && device.attach !== 'vfio') {
      throw new TopologyError(`${di}.attach`, `scalable-mode first-stage passthrough needs an assigned (vfio) device for iommufd's nested HWPT, not "${device.attach}"`);
    }
    const dp = this.run.deviceParams(device);
    if (dp.premap > 0) {
      if (dp.premap % dp.premapLeaf !== 0) throw new TopologyError(`${di}.params.premap`, `${dp.premap} bytes is not a whole number of ${dp.premapLeaf}-byte leaves`);
      const ram = this.vmMemory - this.vmMemory / 16;
      if (dp.premap > ram) throw new TopologyError(`${di}.params.premap`, `${dp.premap} bytes is more than VM ${this.vmId}'s RAM outside its IOMMU page tables (${ram} bytes)`);
    }
    const { domain, as } = this.buildDomain(device, vm, di, dp);
    const guestMode = this.params.cachingMode && this.params.guestStrictWithCm && this.params.mode === 'legacy' ? 'strict' : (vm.spec.dmaMode ?? 'strict');
    const path = new DmaIommuPath(this.run.env, this.run.costs, this.run.metrics, domain, {
      mode: guestMode,
      timerCpu: vm.vcpu(0),
      dmaLimit: 2 ** as.guest.inputBits,
      // The premapped region sits at IOVA = GPA below the DMA API's range.
      iovaBase: Math.max(VTD_PAGE, dp.premap > 0 ? Math.ceil(dp.premap / 2 ** 30) * 2 ** 30 : VTD_PAGE),
    });
    return path;
  }

  /** The domain, address space and guest driver of `device` (also used by an L2 unit for its L1 half). */
  buildDomain(device: DeviceSpec, vm: VmRuntime, where: string, dp: VtdDeviceParams): { domain: PremapDomain; as: VtdAddressSpace } {
    const qemu = this.unit(vm);
    const did = this.domains.alloc();
    if (did === null) {
      throw new TopologyError(`${where}.viommu`, `domain-ID exhaustion: ${this.vmId}/${this.id} advertises 2^${this.params.domainIdBits} domain IDs (${this.domains.capacity} usable), all taken before ${device.id}`);
    }
    const guest = new RadixPageTable(this.params.addressWidth === 48 ? 4 : 3, this.tableAlloc!);
    this.guestTables.push(guest);
    const notifier: VtdAddressSpace['notifier'] =
      this.params.mode === 'scalable-passthrough' ? 'passthrough' : device.attach === 'vfio' ? 'map' : device.attach === 'vhost' ? 'unmap-only' : 'none';
    const guestMaps = (iova: number) => guest.translate(iova) !== null;
    let vfio: VfioBackend | null = null;
    let tree: IovaTree | null = null;
    if (notifier === 'map') {
      tree = new IovaTree(this.run.k.treeSizes);
      this.trees.push(tree);
      vfio = this.params.nestedIn !== '' ? this.nestedBackend(device, where, guestMaps) : this.hostBackend(device, guestMaps);
    }
    const as: VtdAddressSpace = {
      sid: this.nextSid++,
      did,
      name: `${this.vmId}/${this.id}.${device.id}`,
      notifier,
      guest,
      tree,
      vfio,
      vhost: notifier === 'unmap-only' ? new VhostIotlb(this.run.k.vhostIotlbEntries) : null,
    };
    qemu.add(as);
    const domain = new PremapDomain(qemu, as, this.run.k, this.run.c, {
      cachingMode: this.params.cachingMode && this.params.mode === 'legacy',
      maxAm: this.params.maxAm,
      ats: dp.ats,
      note: (t) => this.run.note(t),
      premap: dp,
    });
    return { domain, as };
  }

  private hostBackend(device: DeviceSpec, guestMaps: (iova: number) => boolean): HostVfio {
    return new HostVfio(this.run.env, this.run.k, this.run.c, this.run.window, guestMaps, (t) => this.run.note(t), `${this.vmId}/${device.id}`);
  }

  /** L2's VFIO goes into L1: build the device's L1 half (its domain in the L1 unit, shadowed by L0). */
  private nestedBackend(device: DeviceSpec, where: string, guestMaps: (iova: number) => boolean): NestedVfio {
    const ref = this.params.nestedIn;
    const l1 = this.run.unit(ref);
    const l1vm = this.run.vmRuntime(ref.split('/')[0]!);
    if (l1 === undefined || l1vm === undefined) {
      throw new TopologyError(`${this.path}.params.nestedIn`, `no intel-iommu "${ref}" (give "<L1 vm id>/<its vIOMMU id>")`);
    }
    if (l1 === this) throw new TopologyError(`${this.path}.params.nestedIn`, 'a vIOMMU cannot be nested in itself');
    if (l1.params.nestedIn !== '') throw new TopologyError(`${this.path}.params.nestedIn`, `"${ref}" is itself nested; the lab models three layers (L0, L1, L2)`);
    if (this.params.l2RamBase + this.vmMemory > l1.vmMemory - l1.vmMemory / 16) {
      throw new TopologyError(`${this.path}.params.l2RamBase`, `L2 RAM (${this.vmMemory} bytes at ${this.params.l2RamBase}) does not fit in L1 ${l1.vmId}'s RAM below its page-table area`);
    }
    const l1dev: DeviceSpec = { ...device, id: `${device.id}@${l1.vmId}`, vm: l1.vmId, attach: 'vfio' };
    const { domain } = l1.buildDomain(l1dev, l1vm, `${where}(L1 half)`, { ats: false, premap: 0, premapLeaf: VTD_PAGE, premapChunk: VTD_PAGE });
    const l1cpu = l1vm.vcpu(l1.nextSid);
    l1.l1Halves.push(domain);
    return new NestedVfio(this.run.env, this.run.k, this.run.c, l1cpu, domain, this.params.l2RamBase, this.run.window, guestMaps);
  }

  /** Domains this unit built for the L1 half of nested devices. */
  readonly l1Halves: GuestVtdDomain[] = [];
  /** Set by model.ts: end-of-run gauges. */
  finish?: () => void;

  /** Times QEMU's emulated IOTLB was found full and cleared. */
  get iotlbResets(): number {
    return this.qemu?.iotlb.resets ?? 0;
  }

  private deviceIndex(device: DeviceSpec): number {
    return this.run.deviceIndex(device);
  }
}
