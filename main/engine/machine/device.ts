/**
 * A device at run time: its link (a capacity-1 resource: transfers serialize on it), its DMA
 * path, and the device side of a DMA transaction: translate, then move the bytes.
 *
 * Models: a fixed latency per DMA (request to first data; does not occupy the link) plus a
 * bandwidth-limited transfer that occupies the link; a DMA larger than the device's maximum
 * transaction is split into pieces, each translated before it moves (so a translation miss
 * stalls the transfer, and a piece whose translation faults ends the DMA).
 * Does not model: PCIe credits, ordering rules, ATS (models add ATS in their translate).
 */
import { Resource, type Environment, type ProcessGenerator } from '../kernel';
import type { DeviceSpec } from '../../common/spec';
import type { Costs } from '../costs/costs';
import type { DmaPath } from '../dma/path';
import { DeviceDma } from './device-dma';
import type { Counter, Metrics } from '../metrics/collector';
import type { Histogram } from '../metrics/histogram';
import type { Series } from '../metrics/series';
import { parseQuantity } from '../../common/units';
import type { Vcpu } from './vcpu';
import type { VmRuntime } from './vm';
import { CORE_COSTS } from '../../common/profile/core';
import { CORE_METRICS } from '../../common/metrics/core';

export class DeviceRuntime {
  readonly link: Resource;
  readonly bytesPerNs: number;
  readonly latencyNs: number;
  readonly maxChunk: number;
  private readonly bytesMoved: Counter;
  private readonly transactions: Counter;
  private readonly faults: Counter;
  private readonly latency: Histogram;
  private readonly throughput: Series;
  /** DeviceDmas of finished dma() calls, for the next (a call abandoned by a failing process just leaves its own behind). */
  private readonly idleOps: DeviceDma[] = [];

  constructor(
    readonly env: Environment,
    readonly spec: DeviceSpec,
    readonly vm: VmRuntime,
    readonly path: DmaPath,
    costs: Costs,
    metrics: Metrics,
    /** The vCPU this device's first workload thread (or queue) runs on; the rest follow it. */
    readonly firstVcpu = 0,
  ) {
    this.link = new Resource(env, `${spec.id}.link`, 1);
    this.bytesPerNs = spec.linkBandwidth !== undefined ? parseQuantity(spec.linkBandwidth, 'bitrate') / 8e9 : costs.get(CORE_COSTS.deviceLinkBytesPerNs);
    if (!(this.bytesPerNs > 0)) throw new RangeError(`device ${spec.id}: link bandwidth must be positive`);
    this.latencyNs = costs.ns(CORE_COSTS.deviceDmaLatencyNs);
    this.maxChunk = Math.max(1, costs.get(CORE_COSTS.deviceMaxDmaBytes));
    this.bytesMoved = metrics.counter(CORE_METRICS.dmaBytes);
    this.transactions = metrics.counter(CORE_METRICS.dmaTransactions);
    this.faults = metrics.counter(CORE_METRICS.faultsDma);
    this.latency = metrics.histogram(CORE_METRICS.dmaLatencyNs);
    this.throughput = metrics.timeSeries(CORE_METRICS.seriesThroughputGbps, 'rate', 8);
  }

  /** The vCPU of workload thread or queue `i`. */
  vcpu(i: number): Vcpu {
    return this.vm.vcpu(this.firstVcpu + i);
  }

  /**
   * dma() as steps its caller's process yields itself (DeviceDma), for a path that translates
   * in no time (DmaPath.instant): its steps never leave a translation to the caller, so
   * callbacks may drive them (nic-rx-write.ts); null for any other path. One per caller: it
   * holds one DMA's state and is reused for the next.
   */
  dmaSteps(): DeviceDma | null {
    const instant = this.path.instant;
    return instant === undefined ? null : new DeviceDma(this, instant);
  }

  /**
   * dma() as steps for a process on any path: what dma() does without its generator (a
   * translation that takes time is the caller's `yield* op.translation()`, see DeviceDma).
   * One per process.
   */
  dmaOp(): DeviceDma {
    return new DeviceDma(this, this.path.instant ?? this.path);
  }

  /** @internal A piece has moved (dma() and DeviceDma account alike). */
  moved(len: number): void {
    this.bytesMoved.inc(len);
    this.throughput.add(this.env.now, len);
  }

  /** @internal A DMA has ended: ok, or faulted (dma() and DeviceDma). */
  ended(start: number, ok: boolean): void {
    if (!ok) {
      this.faults.inc();
      return;
    }
    this.transactions.inc();
    this.latency.record(this.env.now - start);
  }

  /**
   * One DMA of `bytes` at bus address `pfn` × 4 KiB + `off` (a mapping's iovaPfn and iovaOff, exact
   * over 64 bits). Returns false if any piece faulted (the rest is not transferred). The steps
   * are DeviceDma's; the generator only yields them and runs the translations that take time.
   *
   * The loop below is the one way to drive the steps from a process. The processes on the hot
   * paths (map-bench's general thread, the NIC's rx engines) write it out themselves on purpose:
   * a helper generator holding it is exactly the generator level per DMA they save, and a loop
   * with yields in it cannot be a plain function. Each copy points here.
   */
  *dma(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    // Several processes may be in a DMA of this device at once: each takes a DeviceDma of its own.
    const op = this.idleOps.pop() ?? this.dmaOp();
    let y = op.begin(pfn, off, bytes, write);
    for (;;) {
      if (y !== null) {
        yield y;
        y = op.next();
      } else if (op.translating) {
        y = op.translated(yield* op.translation());
      } else {
        break;
      }
    }
    this.idleOps.push(op);
    return op.ok;
  }
}
