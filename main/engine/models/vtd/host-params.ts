/** Parameters of a physical VT-d unit (host.iommus[].kind = "intel-iommu"), for bare-metal devices. */
import { z } from '../../../common/models/params-kit';

export const vtdHostParams = z.object({
  mamv: z.number().int().min(0).max(63).default(9).describe('CAP_REG.MAMV: the largest PSI address mask; Linux uses a domain-selective flush (DSI) for a range that needs more (estimate: units differ; 9 covers 2 MiB)'),
  iotlbEntries: z.number().int().positive().max(2 ** 20).default(1024).describe('IOTLB entries of the unit (estimate: not published per part; 1 … 2^20)'),
  levels: z.union([z.literal(4), z.literal(5)]).default(4).describe('page-table levels of the host DMA domains (4: 48-bit, 5: 57-bit address width)'),
});

export type VtdHostParams = z.output<typeof vtdHostParams>;
