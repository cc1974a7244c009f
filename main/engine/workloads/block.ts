/**
 * Closed-loop block I/O at a fixed queue depth (fio-like): each slot submits a request (map its
 * buffer), waits for the device (media time plus DMA), completes it (unmap), and resubmits.
 *
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

  function* slot(s: number): ProcessGenerator<void> {
    const cpu = device.vcpu(s % w.threads);
    while (env.now < ctx.endAt) {
      const t0 = env.now;
      const bytes = Math.max(1, Math.round(size()));
      const read = mix.float() < w.readFraction;
      const gpa = device.vm.allocBuffer(bytes);
      const m = yield* cpu.run(
        (function* () {
          yield submitNs;
          return yield* dma.map(cpu, gpa, bytes, read ? 'from-device' : 'to-device');
        })(),
      );
      if (m === null) {
        if (env.now === t0) yield MIN_ITERATION_NS;
        continue;
      }
      const media = Math.max(0, Math.round(service()));
      let ok: boolean;
      if (read) {
        yield media;
        ok = yield* device.dma(m.iovaPfn, m.iovaOff, bytes, true);
      } else {
        ok = yield* device.dma(m.iovaPfn, m.iovaOff, bytes, false);
        yield media;
      }
      yield* cpu.run(
        (function* () {
          yield* dma.unmap(cpu, m);
          yield completeNs;
        })(),
      );
      // A faulted DMA completes the request with an I/O error (the driver sees a failed status).
      if (ok) {
        completed.inc();
        latency.record(env.now - t0);
      } else {
        errors.inc();
      }
      if (env.now === t0) yield MIN_ITERATION_NS;
    }
  }

  for (let s = 0; s < w.queueDepth; s++) env.process(slot(s), `${device.spec.id}.slot${s}`);
}
