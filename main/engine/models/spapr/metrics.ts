/** Metrics of the sPAPR TCE model: hypercalls, RTAS DDW calls, TCE table memory, DMA exposure. */
import { declareMetrics } from '../../../common/metrics/names';

export const SPAPR_METRICS = declareMetrics({
  hcallsOf: { name: 'hcalls.*', kind: 'counter', unit: 'count', doc: 'hypercalls issued, by name (h_put_tce, h_put_tce_indirect, h_stuff_tce, h_get_tce)' },
  hcallsTcesOf: { name: 'hcalls.tces.*', kind: 'counter', unit: 'count', doc: 'TCEs written or cleared by successful hypercalls, by hypercall name' },
  hcallsFailedOf: { name: 'hcalls.failed.*', kind: 'counter', unit: 'count', doc: 'hypercalls that returned an error, by return code (h_parameter...)' },
  hcallsTimeNsOf: { name: 'hcalls.time_ns.*', kind: 'counter', unit: 'ns', doc: 'time from hypercall issue to return, summed by handling path (qemu, kvm_virtual, kvm_real)' },
  hcallsByPathOf: { name: 'hcalls.by_path.*', kind: 'counter', unit: 'count', doc: 'hypercalls by handling path (qemu, kvm_virtual, kvm_real)' },
  rtasOf: { name: 'rtas.*', kind: 'counter', unit: 'count', doc: 'RTAS DDW calls, by name (query_pe_dma_window, create_pe_dma_window, remove_pe_dma_window, reset_pe_dma_window)' },
  uvOf: { name: 'uv.*', kind: 'counter', unit: 'count', doc: 'ultravisor calls of secure guests, by name (share_page, unshare_page, esm)' },
  memTceBytes: { name: 'mem.tce_bytes', kind: 'gauge', unit: 'bytes', doc: 'memory of all TCE tables at the end of the run (multi-level tables: allocated levels only)' },
  memTceBytesPeak: { name: 'mem.tce_bytes_peak', kind: 'gauge', unit: 'bytes', doc: 'largest memory of all TCE tables at any instant' },
  securityDmaVisibleBytes: { name: 'security.dma_visible_bytes', kind: 'gauge', unit: 'bytes', doc: 'peak guest memory devices can reach through valid TCEs (sum over sPAPR PHBs)' },
  securityDmaVisibleBytesEnd: { name: 'security.dma_visible_bytes_end', kind: 'gauge', unit: 'bytes', doc: 'guest memory devices can reach through valid TCEs at the end of the run' },
  seriesDmaVisibleBytes: { name: 'series.dma_visible_bytes', kind: 'series', unit: 'bytes', doc: 'guest memory reachable through valid TCEs over time' },
  securityExposureWindows: { name: 'security.exposure_windows', kind: 'counter', unit: 'count', doc: 'times a guest page was shared with the hypervisor only for the duration of one operation' },
  bootTceClearNsOf: { name: 'boot.tce_clear_ns.*', kind: 'gauge', unit: 'ns', doc: 'part of a device\'s probe spent clearing its default TCE window' },
  bootDdwSetupNsOf: { name: 'boot.ddw_setup_ns.*', kind: 'gauge', unit: 'ns', doc: 'part of a device\'s probe spent creating (and for a direct window, mapping) its dynamic DMA window' },
  bootSecureConversionNsOf: { name: 'boot.secure_conversion_ns.*', kind: 'gauge', unit: 'ns', doc: 'time to turn a VM secure (ultravisor ESM over all guest RAM) and share its swiotlb pool, per VM' },
  ddwPageSizeOf: { name: 'ddw.page_size.*', kind: 'gauge', unit: 'bytes', doc: 'IOMMU page size of the DDW a device uses (0: none, default window)' },
  ddwWindowBytesOf: { name: 'ddw.window_bytes.*', kind: 'gauge', unit: 'bytes', doc: 'size of the DDW a device uses (0: none)' },
  ddwDirectOf: { name: 'ddw.direct.*', kind: 'gauge', unit: 'count', doc: '1 if the device DMAs through a direct (all-RAM) window, 0 if through per-map TCEs' },
});
