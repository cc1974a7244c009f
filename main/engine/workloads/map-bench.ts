/**
 * Closed-loop map/DMA/unmap benchmark, shaped like Linux's dma_map_benchmark: each thread, on
 * its own vCPU, maps a buffer of `granule` bytes, optionally lets the device transfer through
 * it, unmaps it, and repeats.
 *
 * Models: per-call latencies as the guest sees them, including queueing on shared resources.
 * Does not model: the benchmark's own kthread overhead.
 */
import type { MapBenchWorkload } from '../../common/spec';
import type { ProcessGenerator } from '../kernel';
import { MIN_ITERATION_NS, type WorkloadContext } from './context';
import { dmaCalls } from './dma-calls';
import { CORE_METRICS } from '../../common/metrics/core';

export function startMapBench(w: MapBenchWorkload, ctx: WorkloadContext): void {
  const { env, metrics, device } = ctx;
  const dma = dmaCalls(ctx);
  const benchOps = metrics.counter(CORE_METRICS.benchOps);
  const write = w.direction !== 'to-device';

  function* thread(t: number): ProcessGenerator<void> {
    const cpu = device.vcpu(t);
    const gpa = device.vm.allocBuffer(w.granule);
    let ops = 0;
    while (env.now < ctx.endAt && (w.maxOps === undefined || ops < w.maxOps)) {
      const iterStart = env.now;
      const m = yield* cpu.run(dma.map(cpu, gpa, w.granule, w.direction));
      if (m !== null) {
        if (w.dmaBytes > 0) yield* device.dma(m.iovaPfn, m.iovaOff, Math.min(w.dmaBytes, m.bytes), write);
        yield* cpu.run(dma.unmap(cpu, m));
        benchOps.inc();
        ops++;
      }
      if (w.thinkTime > 0) yield* cpu.run(hold(w.thinkTime));
      if (env.now === iterStart && !env.advance(MIN_ITERATION_NS)) yield MIN_ITERATION_NS;
    }
  }

  for (let t = 0; t < w.threads; t++) env.process(thread(t), `${device.spec.id}.mapbench${t}`);
}

function* hold(ns: number): ProcessGenerator<void> {
  yield ns;
}
