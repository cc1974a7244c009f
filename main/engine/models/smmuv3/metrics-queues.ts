/** Metrics of SMMUv3 command submission and consumption as queues (host insertion, CMD_SYNC waits, hardware overlap). Families end in the instance id. */
import { declareMetrics } from '../../../common/metrics/names';

export const SMMUV3_QUEUE_METRICS = declareMetrics({
  cmdqInsertWaitNs: { name: 'smmu.cmdq_insert_wait_ns', kind: 'histogram', unit: 'ns', doc: 'host command insertion, per command list: time lost to other CPUs sharing its queue — spinning on the shared lines, for the previous owner, for space, and behind the lists ahead of it in the in-order queue' },
  cmdqLineWaitNs: { name: 'smmu.cmdq_line_wait_ns', kind: 'histogram', unit: 'ns', doc: 'the software part of smmu.cmdq_insert_wait_ns: spinning on the queue\'s shared lines (llq cmpxchg, valid bitmap) and, as owner, for the previous owner' },
  cmdqEngineWaitNs: { name: 'smmu.cmdq_engine_wait_ns', kind: 'histogram', unit: 'ns', doc: 'host command list waiting for a free execution slot of the SMMU (smmu.cmd_parallelism) once at the head of its queue' },
  cmdqSyncWaitNs: { name: 'smmu.cmdq_sync_wait_ns', kind: 'histogram', unit: 'ns', doc: 'host CMD_SYNC wait: from the owner\'s PROD write to the CPU seeing its sync complete (MSI write-back or a CMDQ_CONS read)' },
  cmdqPublishes: { name: 'smmu.cmdq_publishes', kind: 'counter', unit: 'count', doc: 'PROD writes by a queue owner (each publishes every command list reserved while it owned the queue head)' },
  cmdqGathered: { name: 'smmu.cmdq_gathered', kind: 'counter', unit: 'count', doc: 'command lists published by another CPU\'s PROD write (gathered by the owner)' },
  hwBusyNsOf: { name: 'smmu.hw_busy_ns.*', kind: 'gauge', unit: 'ns', doc: 'time one instance was consuming at least one command queue' },
  hwOverlapNsOf: { name: 'smmu.hw_overlap_ns.*', kind: 'gauge', unit: 'ns', doc: 'time one instance was consuming two or more command queues at once (hardware busy overlap)' },
});
