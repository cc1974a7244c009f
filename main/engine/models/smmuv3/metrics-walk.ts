/** Metrics of SMMUv3 table walks per device translation (the structural read counts). */
import { declareMetrics } from '../../../common/metrics/names';

export const SMMUV3_WALK_METRICS = declareMetrics({
  readsPerTranslation: { name: 'walk.reads_per_translation', kind: 'histogram', unit: 'count', doc: 'SMMU memory reads of one device translation (configuration fetch and table walk; 0 on an IOTLB hit with the configuration cached)' },
  configReads: { name: 'walk.config_reads', kind: 'counter', unit: 'count', doc: 'SMMU memory reads fetching STEs and CDs (part of walk.mem_reads; the rest are page-table descriptor reads)' },
});
