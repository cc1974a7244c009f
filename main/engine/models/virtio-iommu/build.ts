/**
 * Builds a virtio-iommu instance (one device, one request queue) and, per endpoint, the guest's
 * dma-iommu path over the virtio-iommu driver: each endpoint in its own DMA domain, strict or
 * lazy as the VM's dmaMode says (lazy: the single 32768-entry / 1000 ms flush queue), map
 * batching as the instance's parameter says.
 * Does not model: several endpoints sharing one domain (IOMMU groups), identity domains.
 */
import type { Environment } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Metrics } from '../../metrics/collector';
import { DmaIommuPath } from '../../dma/iommu/dma-iommu';
import type { VmRuntime } from '../../machine/vm';
import { readVirtioIommuCosts, type VirtioIommuCosts } from './cost-table';
import { VirtioIommuDevice } from './device';
import { VirtioIommuDomain } from './guest-domain';

/** QEMU's request virtqueue size (VIOMMU_DEFAULT_QUEUE_SIZE) and PROBE property buffer (VIOMMU_PROBE_SIZE). */
const QUEUE_SIZE = 256;
const PROBE_SIZE = 512;
/** Linux gives the endpoint the whole 64-bit input range QEMU advertises, capped by a 48-bit DMA mask here. */
const DMA_LIMIT = 2 ** 48;

export interface VirtioIommuParams {
  readonly batchMaps: boolean;
}

export class VirtioIommuInstance {
  private dev: VirtioIommuDevice | null = null;
  private readonly c: VirtioIommuCosts;
  private nextDomain = 1;

  constructor(
    private readonly env: Environment,
    private readonly costs: Costs,
    private readonly metrics: Metrics,
    readonly id: string,
    private readonly params: VirtioIommuParams,
  ) {
    this.c = readVirtioIommuCosts(costs);
  }

  /** The DMA path of one endpoint (a device behind this vIOMMU). */
  attach(device: { readonly id: string; readonly attach: string }, endpoint: number, vm: VmRuntime): DmaIommuPath {
    this.dev ??= new VirtioIommuDevice(this.env, this.c, this.metrics, vm, `${vm.spec.id}.${this.id}`, QUEUE_SIZE, PROBE_SIZE);
    this.dev.addEndpoint({ id: endpoint, vfio: device.attach === 'vfio' });
    const driver = new VirtioIommuDomain(this.dev, this.nextDomain++, { batchMaps: this.params.batchMaps, endpoint });
    return new DmaIommuPath(this.env, this.costs, this.metrics, driver, {
      mode: vm.spec.dmaMode ?? 'strict',
      timerCpu: vm.vcpu(0),
      dmaLimit: DMA_LIMIT,
      singleFlushQueue: { entries: this.c.fqEntries, timeoutNs: this.c.fqTimeoutNs },
    });
  }

  finish(): void {
    this.dev?.finish();
  }
}
