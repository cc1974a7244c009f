/** Costs of a physical VT-d unit and of the host kernel's intel-iommu driver (bare-metal devices). */
import { declareCosts } from '../../../common/profile/params';

export const VTD_HOST_COSTS = declareCosts({
  hostVtdPteWriteNs: {
    name: 'host.vtd_pte_write_ns',
    unit: 'ns',
    doc: 'host intel-iommu driver CPU time to write or clear one page-table entry (plus its clflush share on a non-coherent unit)',
    value: 20,
    source: 'estimate: one PTE store and its share of the cache flush, the same order as the guest\'s (guest.vtd_pte_write_ns)',
  },
  hostVtdQiLockNs: {
    name: 'host.vtd_qi_lock_ns',
    unit: 'ns',
    doc: 'taking and releasing the unit\'s invalidation-queue lock (qi->q_lock) once: the line moves to this CPU',
    value: 60,
    source: 'estimate: a contended spinlock cache-line transfer between cores, 50-100 ns',
  },
  hostVtdDescWriteNs: {
    name: 'host.vtd_desc_write_ns',
    unit: 'ns',
    doc: 'host driver writing one 128-bit invalidation descriptor into the queue (qi_submit_sync)',
    value: 30,
    source: 'estimate: building and storing one descriptor',
  },
  hostVtdIqtWriteNs: {
    name: 'host.vtd_iqt_write_ns',
    unit: 'ns',
    doc: 'host driver advancing the invalidation queue tail: writel(DMAR_IQT_REG), a posted MMIO write',
    value: 100,
    source: 'estimate: a posted device-register write plus the barrier before it',
  },
  hostVtdWaitSeenNs: {
    name: 'host.vtd_wait_seen_ns',
    unit: 'ns',
    doc: 'host driver seeing the wait descriptor\'s status write (QI_DONE) in memory after the unit wrote it',
    value: 120,
    source: 'estimate: one cache-line miss on the status word',
  },
  vtdHwDescNs: {
    name: 'vtd.hw_desc_ns',
    unit: 'ns',
    doc: 'VT-d unit fetching and decoding one invalidation descriptor',
    value: 20,
    source: 'estimate: a 16-byte read from the queue in memory',
  },
  vtdHwPsiNs: {
    name: 'vtd.hw_psi_ns',
    unit: 'ns',
    doc: 'VT-d unit executing a page-selective IOTLB invalidation (PSI, any mask)',
    value: 300,
    source: 'estimate: an IOTLB and paging-structure-cache invalidation inside the unit, a few hundred ns',
  },
  vtdHwDsiNs: {
    name: 'vtd.hw_dsi_ns',
    unit: 'ns',
    doc: 'VT-d unit executing a domain-selective (or global) IOTLB invalidation',
    value: 500,
    source: 'estimate: dropping every entry of a domain, somewhat dearer than one PSI',
  },
  vtdHwWaitNs: {
    name: 'vtd.hw_wait_ns',
    unit: 'ns',
    doc: 'VT-d unit completing a wait descriptor: earlier invalidations drained and the status written to memory',
    value: 400,
    source: 'estimate: draining outstanding invalidations and a memory write',
  },
  vtdHwWalkReadNs: {
    name: 'vtd.hw_walk_read_ns',
    unit: 'ns',
    doc: 'one memory read of the VT-d unit\'s page walk on an IOTLB miss',
    value: 150,
    source: 'estimate: one DRAM read by the remapping hardware, 100-200 ns',
  },
  vtdHwIotlbHitNs: {
    name: 'vtd.hw_iotlb_hit_ns',
    unit: 'ns',
    doc: 'a device translation served by the VT-d unit\'s IOTLB',
    value: 20,
    source: 'estimate: an IOTLB hit in the remapping unit',
  },
});
