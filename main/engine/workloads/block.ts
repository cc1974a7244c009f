/**
 * Closed-loop block I/O at a fixed queue depth (fio-like): each slot submits a request, waits
 * for the device (media time plus DMA), completes it, and resubmits — until the run ends, or
 * until `requests` requests have been issued in total.
 *
 * Two drivers: when the device's path offers whole-request queuing (a transport's BlockQueue,
 * e.g. virtio-blk: header, data and status mapped separately, kicks and interrupts), the request
 * is handed to it; otherwise the driver maps the data itself, as an NVMe-like driver does — one
 * dma_map_sg of the request's `segments` physically separate runs (one map call; one mapping per
 * segment), the device moving each segment, then dma_unmap_sg.
 * Models: driver CPU cost, DMA mapping cost and device service per request; contention for the
 * submitting vCPUs and the device link; a request whose DMA faults ends with an I/O error
 * (io.errors) instead of completing.
 * Does not model: request merging, multiple hardware queues' interrupt routing.
 */
import type { BlockWorkload } from '../../common/spec';
import { sampler, type ProcessGenerator } from '../kernel';
import { MIN_ITERATION_NS, type WorkloadContext } from './context';
import { dmaCalls } from './dma-calls';
import { CORE_COSTS } from '../../common/profile/core';
import { CORE_METRICS } from '../../common/metrics/core';
import type { Mapping, Segment } from '../dma/path';
import { dataRuns, runSpan, runStride } from '../dma/data-runs';

export function startBlock(w: BlockWorkload, ctx: WorkloadContext): void {
  const { env, metrics, device, costs } = ctx;
  const size = sampler(w.requestSize, env.rng(`${device.spec.id}.block.size`));
  const service = sampler(w.serviceTime, env.rng(`${device.spec.id}.block.service`));
  const mix = env.rng(`${device.spec.id}.block.mix`);
  const submitNs = costs.ns(CORE_COSTS.guestBlockSubmitNs);
  const completeNs = costs.ns(CORE_COSTS.guestBlockCompleteNs);
  const latency = metrics.histogram(CORE_METRICS.ioLatencyNs);
  const completed = metrics.counter(CORE_METRICS.ioCompleted);
  const errors = metrics.counter(CORE_METRICS.ioErrors);
  const dma = dmaCalls(ctx);
  const queue = device.path.blockQueue;
  let issued = 0;
  let outstanding = 0;
  let announced = false;
  const more = (): boolean => env.now < ctx.endAt && (w.requests === undefined || issued < w.requests);
  const done = (): void => {
    if (w.requests !== undefined && issued >= w.requests && outstanding === 0 && !announced) {
      announced = true;
      ctx.finished();
    }
  };

  /** The NVMe-like driver: 'unmapped' if the request could not be mapped, 'fault' if a DMA of it faulted. */
  function* mapped(cpu: ReturnType<typeof device.vcpu>, runs: readonly Segment[], read: boolean): ProcessGenerator<'ok' | 'fault' | 'unmapped'> {
    const dir = read ? 'from-device' : 'to-device';
    const ms = yield* cpu.run(
      (function* (): ProcessGenerator<Mapping[] | null> {
        yield submitNs;
        return yield* dma.mapSg(cpu, runs, dir);
      })(),
    );
    if (ms === null) return 'unmapped';
    const media = Math.max(0, Math.round(service()));
    let ok = true;
    if (read) yield media;
    for (const m of ms) if (!(ok = yield* device.dma(m.iovaPfn, m.iovaOff, m.bytes, read))) break;
    if (!read) yield media;
    yield* cpu.run(
      (function* () {
        yield* dma.unmapSg(cpu, ms);
        yield completeNs;
      })(),
    );
    return ok ? 'ok' : 'fault';
  }

  function* slot(s: number): ProcessGenerator<void> {
    const cpu = device.vcpu(s % w.threads);
    while (more()) {
      const t0 = env.now;
      const bytes = Math.max(1, Math.round(size()));
      const read = mix.float() < w.readFraction;
      const stride = runStride(bytes, w.segments, device.vm.maxBuffer);
      const runs = dataRuns(device.vm.allocBuffer(runSpan(bytes, w.segments, stride)), bytes, w.segments, stride);
      issued++;
      outstanding++;
      let outcome: 'ok' | 'fault' | 'unmapped';
      if (queue !== undefined) {
        yield* cpu.run(hold(submitNs));
        const media = Math.max(0, Math.round(service()));
        const o = yield* queue.request(cpu, { read, bytes, data: runs, mediaNs: media, slot: s }, device);
        yield* cpu.run(hold(completeNs));
        outcome = o.ok ? 'ok' : 'fault';
      } else {
        outcome = yield* mapped(cpu, runs, read);
        // A request that could not be mapped is retried, as before: it does not count.
        if (outcome === 'unmapped') issued--;
      }
      outstanding--;
      // A failed request completes with an I/O error (the driver sees a failed status).
      if (outcome === 'ok') {
        completed.inc();
        latency.record(env.now - t0);
      } else if (outcome === 'fault') {
        errors.inc();
      }
      if (env.now === t0) yield MIN_ITERATION_NS;
    }
    done();
  }

  for (let s = 0; s < w.queueDepth; s++) env.process(slot(s), `${device.spec.id}.slot${s}`);
}

function* hold(ns: number): ProcessGenerator<void> {
  yield ns;
}
