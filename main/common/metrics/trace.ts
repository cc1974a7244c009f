/** Metrics of the trace-replay workload (main/engine/workloads/trace.ts). */
import { declareMetrics } from './names';

export const TRACE_METRICS = declareMetrics({
  events: { name: 'trace.events', kind: 'counter', unit: 'count', doc: 'trace events replayed (maps, unmaps) through the DMA path' },
  ignored: { name: 'trace.ignored_events', kind: 'counter', unit: 'count', doc: "trace events read but not replayed: the other layer's (iommu vs dma), another device's, group/domain/fault and sync events" },
  skippedLines: { name: 'trace.skipped_lines', kind: 'counter', unit: 'count', doc: 'malformed or unknown trace lines skipped (reported with onMalformed: skip only)' },
  lostEvents: { name: 'trace.lost_events', kind: 'counter', unit: 'count', doc: 'events the tracer reported lost to ring-buffer overflow (CPU:N [LOST M EVENTS])' },
  unmatchedUnmaps: { name: 'trace.unmatched_unmaps', kind: 'counter', unit: 'count', doc: 'unmaps whose map the trace does not hold (mapped before the capture began, or a failed map)' },
  failedMaps: { name: 'trace.failed_maps', kind: 'counter', unit: 'count', doc: 'maps that had failed when recorded (DMA_MAPPING_ERROR, dma_map_sg_err): not replayed' },
  notReplayed: { name: 'trace.not_replayed', kind: 'counter', unit: 'count', doc: 'trace events still unreplayed when the run ended (the trace outlasted duration)' },
  lagNs: { name: 'trace.lag_ns', kind: 'histogram', unit: 'ns', doc: 'as-recorded timing: how much later than recorded each event started (its CPU was still busy with the previous ones)' },
  replayNs: { name: 'trace.replay_ns', kind: 'gauge', unit: 'ns', doc: "simulated time from the replay's start to the completion of its last event" },
  recordedNs: { name: 'trace.recorded_ns', kind: 'gauge', unit: 'ns', doc: 'recorded time from the first to the last replayed event' },
  liveMax: { name: 'trace.live_max', kind: 'gauge', unit: 'count', doc: 'most trace mappings live at once (mapped, not yet unmapped)' },
  inFlightMax: { name: 'trace.in_flight_max', kind: 'gauge', unit: 'count', doc: "most events read from the trace but not yet finished at once (bounded by the replay's per-CPU window)" },
});
