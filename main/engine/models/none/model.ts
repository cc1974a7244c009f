/**
 * The baseline host IOMMU kind "none": no IOMMU at all. A device behind it DMAs to guest-physical
 * addresses directly (dma-direct), exactly as a device that names no IOMMU.
 *
 * Models: only the dma-direct call costs. Does not model: anything else (there is nothing else).
 */
import { z } from '../../../common/models/params-kit';
import { DirectPath } from '../../dma/direct';
import { defineModel } from '../model';

export const none = defineModel({
  kind: 'none',
  role: 'host-iommu',
  summary: 'no IOMMU: devices DMA to guest-physical addresses directly',
  params: z.object({}),
  costs: [],
  metrics: [],
  create(ctx, _params, at) {
    return { id: at.spec.id, attach: () => new DirectPath(ctx.costs) };
  },
});
