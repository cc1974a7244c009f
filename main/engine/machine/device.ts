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
  private readonly bytesPerNs: number;
  private readonly latencyNs: number;
  private readonly maxChunk: number;
  private readonly bytesMoved: Counter;
  private readonly transactions: Counter;
  private readonly faults: Counter;
  private readonly latency: Histogram;
  private readonly throughput: Series;

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
   * The whole of dma() done in place, for a caller running directly from the loop, when nothing
   * can interleave with it: the path translates in no time (DmaPath.translateNow), the DMA is
   * one piece, the link is free and nothing queued comes before the end of the transfer
   * (Environment.canAdvance) — then dma()'s two holds would both be taken in place and this is
   * the same work without its generator. Returns undefined, having done nothing, otherwise.
   */
  tryDma(pfn: number, off: number, bytes: number, write: boolean): boolean | undefined {
    const translateNow = this.path.translateNow;
    if (translateNow === undefined || !(bytes > 0 && bytes <= this.maxChunk) || !this.link.idle) return undefined;
    const env = this.env;
    const xfer = Math.ceil(bytes / this.bytesPerNs);
    if (!env.canAdvance(this.latencyNs + xfer, 2)) return undefined;
    const start = env.now;
    if (!env.advance(this.latencyNs)) throw new Error('DeviceRuntime.tryDma: canAdvance and advance disagree');
    if (!translateNow.call(this.path, pfn, off, bytes, write)) {
      this.faults.inc();
      return false;
    }
    this.link.tryAcquire();
    if (!env.advance(xfer)) throw new Error('DeviceRuntime.tryDma: canAdvance and advance disagree');
    this.link.release();
    this.bytesMoved.inc(bytes);
    this.throughput.add(env.now, bytes);
    this.transactions.inc();
    this.latency.record(env.now - start);
    return true;
  }

  /**
   * One DMA of `bytes` at bus address `pfn` × 4 KiB + `off` (a mapping's iovaPfn and iovaOff, exact
   * over 64 bits). Returns false if any piece faulted (the rest is not transferred).
   */
  *dma(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    const start = this.env.now;
    if (!this.env.advance(this.latencyNs)) yield this.latencyNs;
    for (let done = 0; done < bytes; done += this.maxChunk) {
      const len = Math.min(this.maxChunk, bytes - done);
      const translateNow = this.path.translateNow;
      const ok = translateNow !== undefined ? translateNow.call(this.path, pfn, off + done, len, write) : yield* this.path.translate(pfn, off + done, len, write);
      if (!ok) {
        this.faults.inc();
        return false;
      }
      if (!this.link.tryAcquire()) yield this.link.request();
      const xfer = Math.ceil(len / this.bytesPerNs);
      if (!this.env.advance(xfer)) yield xfer;
      this.link.release();
      this.bytesMoved.inc(len);
      this.throughput.add(this.env.now, len);
    }
    this.transactions.inc();
    this.latency.record(this.env.now - start);
    return true;
  }
}
