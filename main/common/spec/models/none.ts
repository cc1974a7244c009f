/** The baseline: no IOMMU at all (dma-direct). It has no parameters; it exists so a topology can name it. */
import { z } from 'zod';
import { registerHostIommu } from '../model-params';

registerHostIommu('none', { summary: 'no IOMMU: devices DMA to guest-physical addresses directly', schema: z.object({}) });
