/**
 * The Arm SMMUv3 model: physical instances (host.iommus[] kind "smmuv3", physical-smmu.ts) and
 * QEMU's vSMMU (vms[].viommus[] kind "smmuv3", vsmmu.ts and the files it names), sharing the
 * run-wide state of world.ts.
 */
import { defineModel, TopologyError } from '../model';
import { bareMetalPath } from './bare-metal-domain';
import { SMMUV3_COSTS } from './costs';
import { SMMUV3_HOST_COSTS } from './costs-host';
import { SMMUV3_QUEUE_COSTS } from './costs-queues';
import { SMMUV3_QUEUE_METRICS } from './metrics-queues';
import { SMMUV3_WALK_METRICS } from './metrics-walk';
import { SMMUV3_TRAP_COSTS } from './costs-trap';
import { SMMUV3_TRAP_METRICS } from './metrics-trap';
import { HostOnlyPath } from './host-only-path';
import { SMMUV3_METRICS } from './metrics';
import { smmuv3DeviceParams, smmuv3HostParams, smmuv3ViommuParams } from './params';
import { PhysicalSmmu } from './physical-smmu';
import { VSmmu } from './vsmmu';
import { metricSeg, SmmuWorld } from './world';

export const smmuv3Host = defineModel({
  kind: 'smmuv3',
  role: 'host-iommu',
  summary: 'Arm SMMUv3 physical instance (optionally with NVIDIA Tegra241 CMDQV)',
  params: smmuv3HostParams,
  arches: ['aarch64'],
  costs: [SMMUV3_COSTS, SMMUV3_HOST_COSTS, SMMUV3_QUEUE_COSTS],
  metrics: [SMMUV3_METRICS, SMMUV3_QUEUE_METRICS, SMMUV3_WALK_METRICS],
  create(ctx, params, at) {
    if (params.ecmdqs > 0 && params.cmdqv && params.hostVcmdqs > 0) {
      throw new TopologyError(`${at.path}.params.ecmdqs`, 'ECMDQs and CMDQV host VCMDQs are two answers to the same contention: give the host one of them (ecmdqs 0, or hostVcmdqs 0)');
    }
    const world = SmmuWorld.of(ctx);
    const smmu = new PhysicalSmmu(ctx.env, at.spec.id, params, ctx.costs, ctx.metrics, metricSeg(at.spec.id));
    world.physical.set(at.spec.id, smmu);
    // A bare-metal device gets the host kernel's own DMA domain; a VM's device with no vIOMMU, the VM's stage 2.
    smmu.attachHandler = (device, vm) => (vm.bareMetal ? bareMetalPath(world, smmu, device, vm, `devices[${ctx.spec.devices.indexOf(device)}].hostIommu`) : new HostOnlyPath(world, smmu, device, vm));
    smmu.finish = () => {
      world.emitGauges();
      smmu.overlap.advance(ctx.env.now);
      ctx.metrics.gauge(SMMUV3_QUEUE_METRICS.hwBusyNsOf.of(smmu.seg), smmu.overlap.busyNs);
      ctx.metrics.gauge(SMMUV3_QUEUE_METRICS.hwOverlapNsOf.of(smmu.seg), smmu.overlap.overlapNs);
    };
    return smmu;
  },
});

export const smmuv3Viommu = defineModel({
  kind: 'smmuv3',
  role: 'viommu',
  summary: 'guest-visible Arm SMMUv3 (QEMU): nested over physical SMMUs via iommufd, or emulated',
  params: smmuv3ViommuParams,
  deviceParams: smmuv3DeviceParams,
  arches: ['aarch64'],
  vmFields: ['dmaMode'],
  costs: [SMMUV3_COSTS, SMMUV3_TRAP_COSTS],
  metrics: [SMMUV3_METRICS, SMMUV3_TRAP_METRICS],
  create(ctx, params, at) {
    return new VSmmu(ctx, params, at);
  },
});
