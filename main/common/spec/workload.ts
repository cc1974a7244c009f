/**
 * Workload descriptions: what a device and its guest driver do. Generic, so every IOMMU model
 * reuses them.
 */
import { z } from 'zod';
import { distributionOf } from './distribution';
import { bitrate, bytes, count, duration, positiveCount, rate } from './quantity';

const direction = z.enum(['to-device', 'from-device', 'bidirectional']).describe('DMA direction of the mapping');

/** Closed-loop map/DMA/unmap loop per thread, like Linux's dma_map_benchmark. */
export const mapBenchWorkload = z
  .object({
    kind: z.literal('map-bench'),
    threads: positiveCount().max(4096).default(1).describe('guest threads, each on its own vCPU'),
    granule: bytes().default(4096).describe('bytes per mapping (dma_map_benchmark -g)'),
    direction: direction.default('bidirectional'),
    dmaBytes: bytes().default(0).describe('bytes the device transfers through each mapping before unmap (0: none, as dma_map_benchmark)'),
    thinkTime: duration().default(0).describe('guest CPU time between iterations (ns)'),
    maxOps: count().optional().describe('stop each thread after this many map+unmap pairs'),
  })
  .strict();

/** Open-loop NIC: packets arrive at a rate into a ring of pre-mapped receive buffers (or are transmitted). */
export const nicWorkload = z
  .object({
    kind: z.literal('nic'),
    direction: z.enum(['rx', 'tx']).default('rx').describe('receive (device writes memory) or transmit (device reads memory)'),
    packetRate: rate().optional().describe('offered packets per second (exclusive with bitrate)'),
    bitrate: bitrate().optional().describe('offered load in bit/s on the wire (exclusive with packetRate)'),
    packetSize: distributionOf('bytes').default(1500).describe('packet size in bytes'),
    arrivals: z.enum(['poisson', 'constant']).default('poisson').describe('inter-arrival process'),
    ringSize: positiveCount().max(32768).default(256).describe('descriptors per ring (at most 32768, the virtio limit)'),
    queues: positiveCount().max(4096).default(1).describe('queue pairs, each served by its own vCPU'),
    bufferSize: bytes().default(2048).describe('receive buffer size mapped per descriptor'),
    perPacketCpu: duration().default(0).describe('extra guest CPU time per packet besides DMA mapping (stack work)'),
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
    queueDepth: positiveCount().max(65536).default(32).describe('outstanding requests (at most 65536, the NVMe queue limit)'),
    requestSize: distributionOf('bytes').default(4096).describe('bytes per request'),
    readFraction: z.number().min(0).max(1).default(1).describe('fraction of requests that are reads (device → memory)'),
    serviceTime: distributionOf('duration').default({ kind: 'exponential', mean: 80_000 }).describe('device media latency per request'),
    threads: positiveCount().max(4096).default(1).describe('submitting vCPUs'),
  })
  .strict();

/** Only the driver's probe/boot-time DMA setup, then idle. */
export const bootWorkload = z.object({ kind: z.literal('boot') }).strict();

export const workloadSchema = z.union([mapBenchWorkload, nicWorkload, blockWorkload, bootWorkload]);
export type Workload = z.output<typeof workloadSchema>;
export type MapBenchWorkload = z.output<typeof mapBenchWorkload>;
export type NicWorkload = z.output<typeof nicWorkload>;
export type BlockWorkload = z.output<typeof blockWorkload>;
