/**
 * Closed-loop map/DMA/unmap benchmark, shaped like Linux's dma_map_benchmark: each thread, on
 * its own vCPU (or host CPU on bare metal), maps a buffer of `granule` bytes, optionally lets the
 * device transfer through it, busy-waits `transDelay` (the tool's dma_trans_ns), unmaps it, and
 * repeats; the tool's outputs — mean and standard deviation of map and unmap latency in 100 ns
 * units (map-bench-stats.ts) — are gauges of the run.
 *
 * Models: per-call latencies as the guest sees them (from the call to its return, as ktime_get
 * around dma_map_single), including queueing on shared resources.
 * Does not model: the benchmark's own kthread overhead, the memset of the buffer before a map.
 */
import type { MapBenchWorkload } from '../../common/spec';
import type { Environment, ProcessGenerator } from '../kernel';
import { callSteps } from '../dma/path';
import { MIN_ITERATION_NS, type WorkloadContext } from './context';
import { dmaCalls } from './dma-calls';
import { CORE_METRICS } from '../../common/metrics/core';
import type { Metrics } from '../metrics/collector';
import { MapBenchStats } from './map-bench-stats';

/**
 * One dma_map_benchmark accumulator per run, shared by every map-bench thread (the kernel's
 * atomics). Its outputs are read once, when the run ends: they are the values after the last
 * iteration, which is what setting them after every iteration left.
 */
const runStats = new WeakMap<Metrics, MapBenchStats>();

function statsOf(ctx: WorkloadContext): MapBenchStats {
  const metrics = ctx.metrics;
  let st = runStats.get(metrics);
  if (st === undefined) {
    const s = (st = new MapBenchStats());
    runStats.set(metrics, s);
    ctx.atEnd(() => {
      if (s.loops === 0) return; // the gauges exist once an iteration has finished
      const r = s.result();
      metrics.gauge(CORE_METRICS.benchAvgMap100ns, r.avgMap);
      metrics.gauge(CORE_METRICS.benchMapStddev100ns, r.mapStddev);
      metrics.gauge(CORE_METRICS.benchAvgUnmap100ns, r.avgUnmap);
      metrics.gauge(CORE_METRICS.benchUnmapStddev100ns, r.unmapStddev);
    });
  }
  return st;
}

export function startMapBench(w: MapBenchWorkload, ctx: WorkloadContext): void {
  const { env, metrics, device } = ctx;
  const dma = dmaCalls(ctx);
  const benchOps = metrics.counter(CORE_METRICS.benchOps);
  const stats = statsOf(ctx);
  const write = w.direction !== 'to-device';

  // Two forms of one thread, the same work at the same instants: on a path whose calls are
  // constant holds (DmaCalls.instant, DeviceRuntime.dmaSteps) the process takes the holds and
  // the grants itself, without a generator per call; on any other path it runs the path's call
  // steps (DmaCallSteps: the path's own, or its generators). Apart, each is a smaller function: less to save and restore on every resume,
  // and less for the JIT to compile before the run goes fast.
  const inst = dma.instant;

  function* instantThread(t: number): ProcessGenerator<void> {
    const cpu = device.vcpu(t);
    const vcpu = cpu.res;
    const gpa = device.vm.allocBuffer(w.granule);
    const op = device.dmaSteps()!;
    const ins = inst!;
    let ops = 0;
    while (env.now < ctx.endAt && (w.maxOps === undefined || ops < w.maxOps)) {
      const iterStart = env.now;
      if (!vcpu.tryAcquire()) yield vcpu.request();
      let t0 = env.now;
      if (!env.advance(ins.mapHoldNs)) yield ins.mapHoldNs;
      const m = ins.mapAfterHold(cpu, t0, gpa, w.granule, w.direction);
      vcpu.release();
      const mapNs = env.now - iterStart;
      if (m !== null) {
        // The path translates in no time: its steps never leave a translation to run.
        if (w.dmaBytes > 0) for (let y = op.begin(m.iovaPfn, m.iovaOff, Math.min(w.dmaBytes, m.bytes), write); y !== null; y = op.next()) yield y;
        if (w.transDelay > 0) yield* cpu.run(hold(env, w.transDelay));
        const unmapStart = env.now;
        if (!vcpu.tryAcquire()) yield vcpu.request();
        t0 = env.now;
        if (!env.advance(ins.unmapHoldNs)) yield ins.unmapHoldNs;
        ins.unmapAfterHold(cpu, t0, m);
        vcpu.release();
        stats.add(mapNs, env.now - unmapStart);
        benchOps.inc();
        ops++;
      }
      if (w.thinkTime > 0) yield* cpu.run(hold(env, w.thinkTime));
      if (env.now === iterStart && !env.advance(MIN_ITERATION_NS)) yield MIN_ITERATION_NS;
    }
  }

  function* thread(t: number): ProcessGenerator<void> {
    const cpu = device.vcpu(t);
    const vcpu = cpu.res;
    const gpa = device.vm.allocBuffer(w.granule);
    // The path's map and unmap as steps this process runs (DmaCallSteps): DmaCalls.map and
    // Vcpu.run inlined, and no generator level of the path's own under the holds of its driver.
    const call = callSteps(dma.path);
    let sub: ProcessGenerator<unknown> | null;
    // The device's DMA as steps this process yields (DeviceRuntime.dma without its generator).
    const op = device.dmaOp();
    let ops = 0;
    while (env.now < ctx.endAt && (w.maxOps === undefined || ops < w.maxOps)) {
      const iterStart = env.now;
      if (!vcpu.tryAcquire()) yield vcpu.request();
      let t0 = env.now;
      for (let y = call.map(cpu, gpa, w.granule, w.direction); ; ) {
        if (y !== null) y = call.next(yield y);
        else if ((sub = call.sub) !== null) y = call.resume(yield* sub);
        else break;
      }
      const m = dma.mapped(t0, call.mapping);
      vcpu.release();
      const mapNs = env.now - iterStart;
      if (m !== null) {
        if (w.dmaBytes > 0) {
          // DeviceRuntime.dma's loop, written out (see there: no generator level per DMA).
          let y = op.begin(m.iovaPfn, m.iovaOff, Math.min(w.dmaBytes, m.bytes), write);
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
        }
        if (w.transDelay > 0) yield* cpu.run(hold(env, w.transDelay));
        const unmapStart = env.now;
        if (!vcpu.tryAcquire()) yield vcpu.request();
        t0 = env.now;
        for (let y = call.unmap(cpu, m); ; ) {
          if (y !== null) y = call.next(yield y);
          else if ((sub = call.sub) !== null) y = call.resume(yield* sub);
          else break;
        }
        dma.unmapped(t0);
        vcpu.release();
        stats.add(mapNs, env.now - unmapStart);
        benchOps.inc();
        ops++;
      }
      if (w.thinkTime > 0) yield* cpu.run(hold(env, w.thinkTime));
      if (env.now === iterStart && !env.advance(MIN_ITERATION_NS)) yield MIN_ITERATION_NS;
    }
  }

  for (let t = 0; t < w.threads; t++) env.process(inst !== null ? instantThread(t) : thread(t), `${device.spec.id}.mapbench${t}`);
}

function* hold(env: Environment, ns: number): ProcessGenerator<void> {
  if (!env.advance(ns)) yield ns;
}
