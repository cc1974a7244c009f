/**
 * The bare-metal host as a place devices live (devices[] with no `vm`): its CPUs run the host
 * kernel's drivers and DMA API, and device buffers come from host RAM. It has the shape of a VM
 * at run time (CPUs as capacity-1 resources, a buffer allocator) so the same workloads and the
 * same generic DMA layers drive it unchanged; an IOMMU model tells it apart by `bareMetal`.
 *
 * Models: one CPU per host.cpus, each a capacity-1 resource; buffers drawn from host RAM.
 * Does not model: the host's own scheduler, NUMA, other host load. Its `vmmThread` exists only
 * because the shape requires it: nothing on a bare-metal path traps, so nothing takes it.
 */
import type { Environment } from '../kernel';
import { HOST_ID, type Spec, type VmSpec } from '../../common/spec';
import { VmRuntime } from './vm';

/**
 * Host RAM that bare-metal device buffers are drawn from (and wrap around in). It only places
 * buffers (so page-table shapes look like a host's); no cost depends on it.
 */
export const HOST_BUFFER_RAM = 64 * 2 ** 30;

export class HostRuntime extends VmRuntime {
  override readonly bareMetal = true;

  constructor(env: Environment, spec: Spec) {
    const asVm: VmSpec = { id: HOST_ID, memory: HOST_BUFFER_RAM, vcpus: spec.host.cpus, confidential: { kind: 'none', params: {} }, viommus: [], dmaMode: spec.host.dmaMode };
    super(env, asVm);
  }
}
