/**
 * Open-loop NIC. RX: packets arrive at the offered rate; each needs a posted receive buffer
 * (mapped for from-device DMA) or it is dropped; the device writes the packet through the DMA
 * path; the queue's vCPU (NAPI) unmaps the buffer, does per-packet work, maps a fresh buffer and
 * reposts it. TX: the guest maps each packet to-device and posts it; the device reads it; the
 * completion unmaps it. A ring full of posted-but-unfinished packets drops new ones.
 *
 * Models: the ring as a bound on outstanding mappings, IOMMU cost per packet on the vCPU,
 * drops when the guest cannot refill fast enough.
 * Does not model: GRO/TSO, interrupt moderation timers, multi-buffer page pools.
 *
 * Two forms of one RX mechanism, the same queue entries in the same order: on an instant path
 * (dma-direct) the wire and the device's writes are callbacks (nic-rx-write.ts) and NAPI takes
 * the calls' holds itself; on any other path they are processes calling the path's generators.
 */
import type { NicWorkload } from '../../common/spec';
import { exponential, sampler, Store, type ProcessGenerator, type SimEvent } from '../kernel';
import type { Mapping } from '../dma/path';
import type { WorkloadContext } from './context';
import { dmaCalls, type InstantDmaCalls } from './dma-calls';
import { Mailbox } from './mailbox';
import { Fifo } from './fifo';
import { RxWrite, type RxPacket } from './nic-rx-write';
import { distributionMean } from '../kernel/distributions';
import { CORE_COSTS } from '../../common/profile/core';
import { CORE_METRICS } from '../../common/metrics/core';

interface Completion {
  descs: Mapping[];
  arrival: number;
  ok: boolean;
}

export function startNic(w: NicWorkload, ctx: WorkloadContext): void {
  const { env, metrics, device, costs } = ctx;
  const rng = env.rng(`${device.spec.id}.nic`);
  const sizeOf = sampler(w.packetSize, env.rng(`${device.spec.id}.nic.size`));
  const meanSize = distributionMean(w.packetSize);
  const pps = w.packetRate ?? w.bitrate! / (8 * meanSize);
  metrics.gauge(CORE_METRICS.nicOfferedGbps, (pps * meanSize * 8) / 1e9);
  const perQueueGapNs = (1e9 / pps) * w.queues;
  const packets = metrics.counter(CORE_METRICS.nicPackets);
  const drops = metrics.counter(CORE_METRICS.nicDrops);
  const latency = metrics.histogram(CORE_METRICS.nicLatencyNs);
  const perPacketNs = costs.ns(CORE_COSTS.guestPacketCompletionNs) + w.perPacketCpu;
  const dma = dmaCalls(ctx);

  function gap(): number {
    return Math.max(1, Math.round(w.arrivals === 'poisson' ? exponential(rng, perQueueGapNs) : perQueueGapNs));
  }

  function packetSize(): number {
    return Math.max(1, Math.round(sizeOf()));
  }

  for (let q = 0; q < w.queues; q++) {
    const cpu = device.vcpu(q);
    if (w.direction === 'rx') {
      // Written packets, for this queue's NAPI (its only consumer).
      const done = new Mailbox<RxPacket>(env);
      const ready = new Fifo<Mapping>();
      const gpas: number[] = [];
      const vcpu = cpu.res;
      // On a path that is not instant the device writes each packet on an rx engine: a process
      // that, its packet done, waits for the next one instead of ending. Handing a packet to an idle engine wakes
      // it at this instant, urgently, exactly where starting a new process would have queued it;
      // what is saved is a process and generator per packet and the completion event nobody
      // waits on.
      const idle: SimEvent<RxPacket>[] = [];
      function* rxEngine(first: RxPacket): ProcessGenerator<void> {
        // The device's DMA as steps this process yields (DeviceRuntime.dma without its generator).
        const op = device.dmaOp();
        let p = first;
        for (;;) {
          const descs = p.descs;
          let ok = true;
          for (let i = 0; i < descs.length && ok; i++) {
            const d = descs[i]!;
            // DeviceRuntime.dma's loop, written out (see there: no generator level per DMA).
            let y = op.begin(d.iovaPfn, d.iovaOff, Math.min(w.bufferSize, p.size - i * w.bufferSize), true);
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
            ok = op.ok;
          }
          p.ok = ok;
          done.put(p);
          const next = env.event<RxPacket>();
          idle.push(next);
          p = (yield next) as RxPacket;
        }
      }
      const inst = dma.instant;
      // Packets NAPI has finished with, for the next arrivals (a packet and its buffer list are
      // an allocation each otherwise).
      const freePackets: RxPacket[] = [];
      /** A packet arrives now: it takes its buffers, or is dropped when too few are posted. */
      function arrive(): RxPacket | null {
        const size = packetSize();
        const need = Math.ceil(size / w.bufferSize);
        if (ready.length < need) {
          drops.inc();
          return null;
        }
        const p = freePackets.pop();
        if (p === undefined) return { descs: ready.take(need), arrival: env.now, ok: true, size };
        ready.takeInto(p.descs, need);
        p.arrival = env.now;
        p.ok = true;
        p.size = size;
        return p;
      }
      // On an instant path the wire and the writes are callbacks (nic-rx-write.ts), which take
      // the process version's queue entries in its order: the wire's arrival callback schedules
      // the next arrival before it starts the packet's write, as the wire process queued its hold
      // before the engine it woke ran — and that engine ran next, since nothing else is queued
      // at an arrival's instant with urgent priority (an arrival follows a hold, which comes
      // after them). Saved per packet: the engine's wake-up event and two process steps.
      const writers: RxWrite[] = [];
      const written = (p: RxPacket, wr: RxWrite): void => {
        done.put(p);
        writers.push(wr);
      };
      const wire = (): void => {
        const p = arrive();
        if (env.now < ctx.endAt) env.schedule(gap(), wire);
        if (p === null) return;
        const op = writers.pop() ?? new RxWrite(env, device.dmaSteps()!, w.bufferSize, written);
        op.start(p);
      };
      const callbackWire = device.path.instant !== undefined;
      /** Posts the ring before traffic starts, as the driver does at ifup. */
      function* postRing(): ProcessGenerator<void> {
        yield* cpu.run(
          (function* () {
            for (let i = 0; i < w.ringSize; i++) {
              const gpa = device.vm.allocBuffer(w.bufferSize);
              gpas.push(gpa);
              const m = yield* dma.map(cpu, gpa, w.bufferSize, 'from-device');
              if (m !== null) ready.push(m);
            }
          })(),
        );
      }
      /**
       * postRing on an instant path: the same holds and the same vCPU hold, taken by this process
       * itself (as napiInstant refills), so the three generator levels of a map are not run, nor
       * optimised, for the ring's ifup maps alone.
       */
      function* postRingInstant(ins: InstantDmaCalls): ProcessGenerator<void> {
        if (!vcpu.tryAcquire()) yield vcpu.request();
        try {
          for (let i = 0; i < w.ringSize; i++) {
            const gpa = device.vm.allocBuffer(w.bufferSize);
            gpas.push(gpa);
            const t0 = env.now;
            if (!env.advance(ins.mapHoldNs)) yield ins.mapHoldNs;
            const m = ins.mapAfterHold(cpu, t0, gpa, w.bufferSize, 'from-device');
            if (m !== null) ready.push(m);
          }
        } finally {
          vcpu.release();
        }
      }
      env.process(
        (function* () {
          yield* inst !== null ? postRingInstant(inst) : postRing();
          if (callbackWire) {
            if (env.now < ctx.endAt) env.schedule(gap(), wire);
            return;
          }
          while (env.now < ctx.endAt) {
            const g = gap();
            if (!env.advance(g)) yield g;
            const p = arrive();
            if (p === null) continue;
            const engine = idle.pop();
            if (engine === undefined) env.process(rxEngine(p), `${device.spec.id}.rx`);
            else engine.succeed(p);
          }
        })(),
        `${device.spec.id}.q${q}.wire`,
      );
      /** NAPI's end of a packet: its counts, and the packet back to the pool. */
      const finish = (c: RxPacket): void => {
        if (c.ok) {
          packets.inc();
          latency.record(env.now - c.arrival);
        } else {
          drops.inc();
        }
        freePackets.push(c);
      };
      // Two forms of NAPI, the same work at the same instants, each a smaller generator: on an
      // instant path it refills with the calls' holds taken by this process itself
      // (DmaCalls.instant); on any other path it calls the path's generators.
      function* napiInstant(ins: InstantDmaCalls): ProcessGenerator<void> {
        for (;;) {
          let c = done.tryTake();
          if (c === undefined) c = (yield done.wait()) as RxPacket;
          if (!vcpu.tryAcquire()) yield vcpu.request();
          // An index, not for-of: an iterator live across yields is an allocation per packet.
          const descs = c.descs;
          for (let i = 0; i < descs.length; i++) {
            const d = descs[i]!;
            let t0 = env.now;
            if (!env.advance(ins.unmapHoldNs)) yield ins.unmapHoldNs;
            ins.unmapAfterHold(cpu, t0, d);
            t0 = env.now;
            if (!env.advance(ins.mapHoldNs)) yield ins.mapHoldNs;
            const m = ins.mapAfterHold(cpu, t0, d.gpa, w.bufferSize, 'from-device');
            if (m !== null) ready.push(m);
          }
          if (!env.advance(perPacketNs)) yield perPacketNs;
          vcpu.release();
          finish(c);
        }
      }
      function* napi(): ProcessGenerator<void> {
        const path = dma.path;
        for (;;) {
          let c = done.tryTake();
          if (c === undefined) c = (yield done.wait()) as RxPacket;
          // Vcpu.run, refill and DmaCalls' generators inlined: fewer generators to resume.
          if (!vcpu.tryAcquire()) yield vcpu.request();
          try {
            const descs = c.descs;
            for (let i = 0; i < descs.length; i++) {
              const d = descs[i]!;
              let t0 = env.now;
              yield* path.unmap(cpu, d);
              dma.unmapped(t0);
              t0 = env.now;
              const m = dma.mapped(t0, yield* path.map(cpu, d.gpa, w.bufferSize, 'from-device'));
              if (m !== null) ready.push(m);
            }
            if (!env.advance(perPacketNs)) yield perPacketNs;
          } finally {
            vcpu.release();
          }
          finish(c);
        }
      }
      env.process(inst !== null ? napiInstant(inst) : napi(), `${device.spec.id}.q${q}.napi`);
    } else {
      const done = new Store<Completion>(env, `${device.spec.id}.q${q}.done`);
      let outstanding = 0;
      const posted = new Store<{ m: Mapping; arrival: number }>(env, `${device.spec.id}.q${q}.txring`);
      const gpa = device.vm.allocBuffer(w.bufferSize * w.ringSize);
      let slot = 0;
      env.process(
        (function* () {
          while (env.now < ctx.endAt) {
            const g = gap();
            if (!env.advance(g)) yield g;
            if (outstanding >= w.ringSize) {
              drops.inc();
              continue;
            }
            outstanding++;
            const size = packetSize();
            const arrival = env.now;
            const buf = gpa + (slot++ % w.ringSize) * w.bufferSize;
            env.process(
              (function* () {
                const m = yield* cpu.run(
                  (function* () {
                    if (!env.advance(perPacketNs)) yield perPacketNs;
                    return yield* dma.map(cpu, buf, size, 'to-device');
                  })(),
                );
                if (m === null) {
                  outstanding--;
                  drops.inc();
                  return;
                }
                posted.tryPut({ m, arrival });
              })(),
              `${device.spec.id}.tx`,
            );
          }
        })(),
        `${device.spec.id}.q${q}.stack`,
      );
      env.process(
        (function* () {
          for (;;) {
            const p = (yield posted.get()) as { m: Mapping; arrival: number };
            const ok = yield* device.dma(p.m.iovaPfn, p.m.iovaOff, p.m.bytes, false);
            done.tryPut({ descs: [p.m], arrival: p.arrival, ok });
          }
        })(),
        `${device.spec.id}.q${q}.engine`,
      );
      env.process(
        (function* () {
          for (;;) {
            const c = (yield done.get()) as Completion;
            yield* cpu.run(dma.unmap(cpu, c.descs[0]!));
            outstanding--;
            if (c.ok) {
              packets.inc();
              latency.record(env.now - c.arrival);
            } else {
              drops.inc();
            }
          }
        })(),
        `${device.spec.id}.q${q}.txclean`,
      );
    }
  }
}
