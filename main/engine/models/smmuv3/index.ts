/**
 * The Arm SMMUv3 model: physical instances (role "host") and QEMU's vSMMU (role "viommu").
 * See physical-smmu.ts, vsmmu.ts and guest-domain.ts for what each part models.
 */
import type { HostIommuSpec, ViommuSpec } from '../../../common/spec';
import { TopologyError, type IommuModel } from '../model';
import { HostOnlyPath } from './host-only-path';
import { PhysicalSmmu } from './physical-smmu';
import { VSmmu } from './vsmmu';
import { metricSeg, SmmuWorld } from './world';

export const smmuv3Host: IommuModel<HostIommuSpec> = {
  kind: 'smmuv3',
  role: 'host',
  create(ctx, spec) {
    const world = SmmuWorld.of(ctx);
    const smmu = new PhysicalSmmu(ctx.env, spec.id, spec.params, ctx.costs, ctx.metrics, metricSeg(spec.id));
    world.physical.set(spec.id, smmu);
    smmu.attachHandler = (device, vm) => new HostOnlyPath(world, smmu, device, vm);
    smmu.finish = () => world.emitGauges();
    return smmu;
  },
};

export const smmuv3Viommu: IommuModel<ViommuSpec> = {
  kind: 'smmuv3',
  role: 'viommu',
  create(ctx, spec) {
    const vmIndex = ctx.spec.vms.findIndex((vm) => vm.viommus.includes(spec));
    if (vmIndex < 0) throw new TopologyError('vms', `vIOMMU ${spec.id} belongs to no VM`);
    const vm = ctx.spec.vms[vmIndex]!;
    return new VSmmu(ctx, spec, vm, vmIndex, vm.viommus.indexOf(spec));
  },
};
