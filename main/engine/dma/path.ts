/**
 * The contract between workloads and the DMA translation path of one device.
 *
 * Guest side (runs on a vCPU the caller holds): probe (boot-time setup), map, unmap — the
 * Linux DMA API as the driver sees it, implemented by dma-direct, swiotlb, or an IOMMU model's
 * guest driver. Device side: translate, charging the translation's time and reporting a fault
 * when no valid translation exists at that instant.
 * Bus addresses are exact over 64 bits: a 4 KiB frame number and a byte offset (mem/addr.ts).
 */
import type { ProcessGenerator, Yieldable } from '../kernel';
import type { Vcpu } from '../machine/vcpu';
import type { UnmapNotifier } from './unmap-notifier';
import type { BlockQueue } from '../machine/block-queue';

export type Direction = 'to-device' | 'from-device' | 'bidirectional';

export interface Mapping {
  /** Bus address the device uses: its 4 KiB frame number (≤ 2^52)... */
  readonly iovaPfn: number;
  /** ...and the byte offset in that frame (0..4095). */
  readonly iovaOff: number;
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
  /**
   * Device side: translates an access of `bytes` at bus address `pfn` × 4 KiB + `off` (off may
   * exceed a frame: the device adds its progress to the mapping's offset); false is a DMA fault.
   * Callers `yield*` what it returns at once: a path may start the work when called and hand
   * back a finished generator (dma-iommu does, kernel/finished.ts).
   */
  translate(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean>;
  /**
   * translate without a generator when it can be done in place: it takes no time (an IOTLB hit),
   * or its time is taken with env.advance, as the generator would hold it. The answer translate
   * would give, or undefined — having changed nothing — when it must wait or yield (then yield*
   * translate). Optional; DeviceDma (DeviceRuntime.dma) tries it first.
   */
  readonly translateNow?: (pfn: number, off: number, bytes: number, write: boolean) => boolean | undefined;
  /**
   * dma_map_sg: maps a scatter list in one call (one mapping per segment, in order), or null when
   * it fails. Paths without it are mapped one segment at a time (see mapScatterList).
   */
  mapSg?(cpu: Vcpu, segs: readonly Segment[], dir: Direction): ProcessGenerator<Mapping[] | null>;
  /** dma_unmap_sg of what one mapSg call returned. */
  unmapSg?(cpu: Vcpu, ms: readonly Mapping[]): ProcessGenerator<void>;
  /**
   * Present on a path whose calls are constant holds on the vCPU followed by instantaneous work,
   * and whose translation takes no time (dma-direct): workloads then drive it from their own
   * process with no generator per call (see InstantDma), which is most of the engine's cost per
   * packet or map-bench iteration when a call is otherwise a nest of generators.
   */
  readonly instant?: InstantDma;
  /**
   * map and unmap as steps the caller's own process yields (DmaCallSteps), one object per caller:
   * the same work at the same instants as map() and unmap(). Optional; see callSteps().
   */
  callSteps?(): DmaCallSteps;
  /** UNMAP notifications from the vIOMMU behind this path, if it sends any. */
  readonly unmapNotifier?: UnmapNotifier;
  /** Whole block requests, when a transport's driver builds and maps them (virtio-blk). */
  readonly blockQueue?: BlockQueue;
}

/**
 * A path's calls as their parts: map is exactly "hold mapHoldNs, then mapAfterHold", unmap
 * "hold unmapHoldNs, then unmapAfterHold", translate "translateNow" with no hold — what the
 * path's generators do, so a caller may do either.
 */
export interface InstantDma {
  readonly mapHoldNs: number;
  readonly unmapHoldNs: number;
  mapAfterHold(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): Mapping | null;
  unmapAfterHold(cpu: Vcpu, m: Mapping): void;
  translateNow(pfn: number, off: number, bytes: number, write: boolean): boolean;
}

/**
 * A path's map and unmap as steps, for a caller that runs them from its own process instead of
 * `yield*` on the path's generators: the holds of the call itself are yielded by the caller,
 * and what the path's driver hands back (its generators) the caller `yield*`s itself — one
 * generator level fewer under every hold of the call, which is most of a call's cost when its
 * holds resume through several levels. One call at a time per object, which is reused:
 * `for (let y = s.map(cpu, gpa, bytes, dir); ; ) { if (y !== null) y = s.next(yield y); else if ((g = s.sub) !== null) y = s.resume(yield* g); else break; }`
 * then `s.mapping`; unmap likewise. A step returns a hold to yield, or null: then either a
 * generator to `yield*` is in `sub`, or the call is over.
 */
export interface DmaCallSteps {
  /** Starts dma_map: the first hold to yield, or null (see `sub`). */
  map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): Yieldable | null;
  /** Starts dma_unmap: the first hold to yield, or null (see `sub`). */
  unmap(cpu: Vcpu, m: Mapping): Yieldable | null;
  /** Continues once the last hold was yielded (with what the yield gave back): the next hold, or null. */
  next(sent?: unknown): Yieldable | null;
  /** The generator the caller must `yield*` now (the last step returned null), else null. */
  readonly sub: ProcessGenerator<unknown> | null;
  /** Continues with what `sub` returned: the next hold, or null. */
  resume(value: unknown): Yieldable | null;
  /** What the last map returned (null: it failed), once it is over. */
  readonly mapping: Mapping | null;
}

/** The path's own steps (DmaPath.callSteps), or its generators as the one `sub` of each call. */
export function callSteps(path: DmaPath): DmaCallSteps {
  return path.callSteps?.() ?? new GeneratorCallSteps(path);
}

/** map and unmap of a path without steps of its own: each call is the path's generator, for the caller to `yield*`. */
class GeneratorCallSteps implements DmaCallSteps {
  mapping: Mapping | null = null;
  sub: ProcessGenerator<unknown> | null = null;
  private mapping_ = false;

  constructor(private readonly path: DmaPath) {}

  map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): Yieldable | null {
    this.mapping_ = true;
    this.sub = this.path.map(cpu, gpa, bytes, dir);
    return null;
  }

  unmap(cpu: Vcpu, m: Mapping): Yieldable | null {
    this.mapping_ = false;
    this.sub = this.path.unmap(cpu, m);
    return null;
  }

  next(): Yieldable | null {
    throw new Error(`${this.path.name}: no hold of its own to continue from`);
  }

  resume(value: unknown): Yieldable | null {
    this.sub = null;
    if (this.mapping_) this.mapping = value as Mapping | null;
    return null;
  }
}

export interface Segment {
  readonly gpa: number;
  readonly bytes: number;
}

/** dma_map_sg through any path: its own mapSg, or one map per segment (undone on failure). */
export function* mapScatterList(path: DmaPath, cpu: Vcpu, segs: readonly Segment[], dir: Direction): ProcessGenerator<Mapping[] | null> {
  if (path.mapSg !== undefined) return yield* path.mapSg(cpu, segs, dir);
  const out: Mapping[] = [];
  for (const s of segs) {
    const m = yield* path.map(cpu, s.gpa, s.bytes, dir);
    if (m === null) {
      for (const d of out) yield* path.unmap(cpu, d);
      return null;
    }
    out.push(m);
  }
  return out;
}

/** dma_unmap_sg through any path. */
export function* unmapScatterList(path: DmaPath, cpu: Vcpu, ms: readonly Mapping[]): ProcessGenerator<void> {
  if (path.unmapSg !== undefined) return yield* path.unmapSg(cpu, ms);
  for (const m of ms) yield* path.unmap(cpu, m);
}
