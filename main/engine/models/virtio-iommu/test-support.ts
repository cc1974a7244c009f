/**
 * Test-only scaffolding: a VM with one virtio-iommu device and the dma-iommu path of one
 * endpoint behind it. Not used by the engine.
 */
import { Environment } from '../../kernel';
import { Costs } from '../../costs/costs';
import { Metrics } from '../../metrics/collector';
import { VmRuntime } from '../../machine/vm';
import { DmaIommuPath } from '../../dma/iommu/dma-iommu';
import { parseSpec } from '../../catalog';
import type { ResolvedProfile } from '../../../common/profile/profile';
import { readVirtioIommuCosts } from './cost-table';
import { VirtioIommuDevice } from './device';
import { VirtioIommuDomain } from './guest-domain';

export function viommuRig(profile: ResolvedProfile, mode: 'strict' | 'lazy', batchMaps: boolean, vfio = true) {
  const spec = parseSpec({ vms: [{ id: 'vm0', memory: '4GiB', vcpus: 2 }], devices: [{ id: 'd0', vm: 'vm0', workload: { kind: 'boot' } }] });
  const env = new Environment(1);
  const costs = new Costs(profile);
  const metrics = new Metrics(1000);
  const vm = new VmRuntime(env, spec.vms[0]!);
  const c = readVirtioIommuCosts(costs);
  const dev = new VirtioIommuDevice(env, c, metrics, vm, 'viommu0', 256, 512);
  dev.addEndpoint({ id: 8, vfio });
  const driver = new VirtioIommuDomain(dev, 1, { batchMaps, endpoint: 8 });
  const path = new DmaIommuPath(env, costs, metrics, driver, {
    mode,
    timerCpu: vm.vcpu(0),
    dmaLimit: 2 ** 48,
    singleFlushQueue: { entries: c.fqEntries, timeoutNs: c.fqTimeoutNs },
  });
  return { env, costs, metrics, vm, dev, driver, path };
}
