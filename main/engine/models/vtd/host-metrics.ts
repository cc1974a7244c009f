/** Metrics of physical VT-d units driven by the host kernel (bare-metal devices). Families end in the unit id. */
import { declareMetrics } from '../../../common/metrics/names';

export const VTD_HOST_METRICS = declareMetrics({
  hwPsiOf: { name: 'inval.hw.vtd_psi.*', kind: 'counter', unit: 'count', doc: 'page-selective IOTLB invalidations executed by one physical VT-d unit' },
  hwDsiOf: { name: 'inval.hw.vtd_dsi.*', kind: 'counter', unit: 'count', doc: 'domain-selective IOTLB invalidations executed by one physical VT-d unit' },
  hwWaitOf: { name: 'inval.hw.vtd_wait.*', kind: 'counter', unit: 'count', doc: 'wait descriptors completed by one physical VT-d unit (one per qi_submit_sync)' },
  qiWaitNs: { name: 'vtd.qi_wait_ns', kind: 'histogram', unit: 'ns', doc: 'host qi_submit_sync: time from the tail write to seeing the wait descriptor done (the unit consumes its queue in order)' },
  qiLockWaitNs: { name: 'vtd.qi_lock_wait_ns', kind: 'histogram', unit: 'ns', doc: 'host qi_submit_sync: time spinning for the unit\'s queue lock (qi->q_lock) before inserting' },
  hwIotlbHits: { name: 'vtd.hw_iotlb_hits', kind: 'counter', unit: 'count', doc: 'device translations served by a physical VT-d IOTLB' },
  hwIotlbMisses: { name: 'vtd.hw_iotlb_misses', kind: 'counter', unit: 'count', doc: 'device translations that walked the host page table' },
});
