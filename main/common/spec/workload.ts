/**
 * Workload descriptions: what a device and its guest driver do. Generic, so every IOMMU model
 * reuses them.
 */
import { z } from 'zod';
import { distributionOf } from './distribution';
import { bitrate, bytes, count, duration, positiveCount, rate } from './quantity';

/** Largest single DMA buffer: half of the smallest guest (MIN_GUEST_MEMORY in topology.ts) holds one. */
export const MAX_BUFFER = 16 * 2 ** 20;

const direction = z.enum(['to-device', 'from-device', 'bidirectional']).describe('DMA direction of the mapping');

/** Closed-loop map/DMA/unmap loop per thread, like Linux's dma_map_benchmark. */
export const mapBenchWorkload = z
  .object({
    kind: z.literal('map-bench'),
    threads: positiveCount(1024).default(1).describe('guest threads, each on its own vCPU (1 … 1024)'),
    granule: bytes({ min: 1, max: MAX_BUFFER }).default(4096).describe('bytes per mapping (dma_map_benchmark -g; 1 B … 16 MiB)'),
    direction: direction.default('bidirectional'),
    dmaBytes: bytes({ max: MAX_BUFFER }).default(0).describe('bytes the device transfers through each mapping before unmap (0: none, as dma_map_benchmark; at most 16 MiB)'),
    thinkTime: duration({ max: 1e9 }).default(0).describe('guest CPU time between iterations (ns; 0 … 1 s)'),
    transDelay: duration({ max: 10_000_000 }).default(0).describe('dma_map_benchmark -d (dma_trans_ns): the thread busy-waits this long between map and unmap, "pretending DMA is transmitting" (0 … 10 ms, DMA_MAP_MAX_TRANS_DELAY)'),
    maxOps: count(1e9).optional().describe('stop each thread after this many map+unmap pairs (0 … 1e9)'),
  })
  .strict();

/** Open-loop NIC: packets arrive at a rate into a ring of pre-mapped receive buffers (or are transmitted). */
export const nicWorkload = z
  .object({
    kind: z.literal('nic'),
    direction: z.enum(['rx', 'tx']).default('rx').describe('receive (device writes memory) or transmit (device reads memory)'),
    packetRate: rate({ min: 1, max: 1e9 }).optional().describe('offered packets per second (exclusive with bitrate; 1 … 1e9 /s)'),
    bitrate: bitrate({ min: 1e3, max: 1.6e12 }).optional().describe('offered load in bit/s on the wire (exclusive with packetRate; 1 kbit/s … 1.6 Tbit/s)'),
    packetSize: distributionOf('bytes', { min: 1, max: 65536 }).default(1500).describe('packet size in bytes (1 B … 64 KiB)'),
    arrivals: z.enum(['poisson', 'constant']).default('poisson').describe('inter-arrival process'),
    ringSize: positiveCount(65536).default(256).describe('descriptors per ring (1 … 65536)'),
    queues: positiveCount(256).default(1).describe('queue pairs, each served by its own vCPU (1 … 256)'),
    bufferSize: bytes({ min: 64, max: MAX_BUFFER }).default(2048).describe('receive buffer size mapped per descriptor (64 B … 16 MiB)'),
    perPacketCpu: duration({ max: 1e9 }).default(0).describe('extra guest CPU time per packet besides DMA mapping (stack work; 0 … 1 s)'),
  })
  .strict()
  .refine((w) => (w.packetRate === undefined) !== (w.bitrate === undefined), {
    message: 'give exactly one of packetRate or bitrate',
    path: ['packetRate'],
  });

/** Closed-loop block I/O at a fixed queue depth. */
export const blockWorkload = z
  .object({
    kind: z.literal('block'),
    queueDepth: positiveCount(65536).default(32).describe('outstanding requests (1 … 65536)'),
    requestSize: distributionOf('bytes', { min: 1, max: MAX_BUFFER }).default(4096).describe('bytes per request (1 B … 16 MiB)'),
    readFraction: z.number().min(0).max(1).default(1).describe('fraction of requests that are reads (device → memory)'),
    serviceTime: distributionOf('duration', { max: 1e9 }).default({ kind: 'exponential', mean: 80_000 }).describe('device media latency per request (0 … 1 s)'),
    threads: positiveCount(1024).default(1).describe('submitting vCPUs (1 … 1024)'),
    requests: positiveCount(1e9)
      .optional()
      .describe('requests to issue in total (1 … 10^9; omit: until the run ends); the run ends once every workload with a count has finished, or at duration'),
    segments: positiveCount(256)
      .default(1)
      .describe('physically separate runs of pages the data of one request forms (1 … 256; 1: contiguous): one scatter-list entry, and one mapping, each'),
  })
  .strict();

/**
 * Replay of a captured Linux trace (tracefs or trace-cmd report text of the iommu:map/unmap or
 * dma:* tracepoints): the same maps and unmaps, per CPU, through this topology's DMA path.
 */
export const traceWorkload = z
  .object({
    kind: z.literal('trace'),
    file: z
      .string()
      .min(1)
      .max(4096)
      .describe('the trace text file: an absolute path, or a path relative to the lab\'s resources/traces folder'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lower-case hex digits')
      .optional()
      .describe("SHA-256 of the file's bytes: a run refuses a file with another digest (omitted: filled in from the file when the run is prepared, so the run's identity covers the trace)"),
    timing: z
      .enum(['as-recorded', 'closed-loop'])
      .default('as-recorded')
      .describe('as-recorded: each event starts at its recorded time (relative to the first event) or when its CPU finished the previous one; closed-loop: each CPU issues its events back to back'),
    cpus: positiveCount(1024).default(1).describe("the device's vCPUs the trace replays on: trace CPU n runs on the n mod cpus-th (1 … 1024); each trace CPU keeps its own order"),
    events: z
      .enum(['iommu', 'dma'])
      .default('iommu')
      .describe('which layer drives the replay: iommu (iommu:map / iommu:unmap, any kernel) or dma (the dma:* DMA-API events of Linux 6.12+); the other layer\'s events are counted as ignored'),
    device: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('events "dma" only: replay only the dma:* events of this device (its dev_name, e.g. "0000:00:04.0"; omitted: every device)'),
    deviceDma: z
      .enum(['before-unmap', 'none'])
      .default('before-unmap')
      .describe('before-unmap: the device transfers each mapping\'s bytes through its translation before the unmap (the completion the driver unmaps after); none: maps and unmaps only'),
    onMalformed: z
      .enum(['error', 'skip'])
      .default('error')
      .describe('error: the run fails at the first malformed or unknown line, naming its line number; skip: such lines are skipped and counted (trace.skipped_lines)'),
  })
  .strict()
  .refine((w) => w.device === undefined || w.events === 'dma', {
    message: 'iommu:map and iommu:unmap name no device: device filters only events "dma"',
    path: ['device'],
  });

/** Only the driver's probe/boot-time DMA setup, then idle. */
export const bootWorkload = z.object({ kind: z.literal('boot') }).strict();

export const workloadSchema = z.union([mapBenchWorkload, nicWorkload, blockWorkload, traceWorkload, bootWorkload]);
export type Workload = z.output<typeof workloadSchema>;
export type MapBenchWorkload = z.output<typeof mapBenchWorkload>;
export type NicWorkload = z.output<typeof nicWorkload>;
export type BlockWorkload = z.output<typeof blockWorkload>;
export type TraceWorkload = z.output<typeof traceWorkload>;
