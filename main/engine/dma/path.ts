/**
 * The contract between workloads and the DMA translation path of one device.
 *
 * Guest side (runs on a vCPU the caller holds): probe (boot-time setup), map, unmap — the
 * Linux DMA API as the driver sees it, implemented by dma-direct, swiotlb, or an IOMMU model's
 * guest driver. Device side: translate, charging the translation's time and reporting a fault
 * when no valid translation exists at that instant.
 */
import type { ProcessGenerator } from '../kernel';
import type { Vcpu } from '../machine/vcpu';

export type Direction = 'to-device' | 'from-device' | 'bidirectional';

export interface Mapping {
  /** Bus address the device uses. */
  readonly iova: number;
  readonly bytes: number;
  readonly dir: Direction;
  /** Guest-physical address of the buffer. */
  readonly gpa: number;
}

export interface DmaPath {
  /** Name of the path for notes and debugging, e.g. "dma-direct". */
  readonly name: string;
  /** Driver probe: one-time DMA setup for the device (table clears, window creation...). */
  probe(cpu: Vcpu): ProcessGenerator<void>;
  /** dma_map_*: returns the mapping, or null when it fails (no IOVA space, no bounce slot, hypercall error). */
  map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null>;
  /** dma_unmap_*. */
  unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void>;
  /** Device side: translates an access of `bytes` at `iova`; false is a DMA fault. */
  translate(iova: number, bytes: number, write: boolean): ProcessGenerator<boolean>;
}
