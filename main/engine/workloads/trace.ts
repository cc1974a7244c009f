/**
 * Trace replay: the maps and unmaps a real Linux guest recorded (iommu:map / iommu:unmap, or the
 * dma:* DMA-API events of Linux 6.12+) issued again, per recorded CPU and in its order, through
 * this topology's DMA path — whatever DMA layer, vIOMMU and host IOMMU the device has — so that
 * one captured sequence can be costed under several designs.
 *
 * One reader process streams the trace (main/common/trace) and hands each event to its CPU's
 * lane, a FIFO of at most LANE_WINDOW events with its own process; trace CPU n runs on the
 * device's vCPU n mod `cpus`. as-recorded: an event starts at its recorded offset from the first
 * replayed event, or when its lane finished the one before (the lateness is trace.lag_ns);
 * closed-loop: back to back. An unmap waits for the map it undoes even if another CPU made it
 * (maps precede their unmaps in the file, so a lane never waits on a later event). An unmap
 * covering several maps (an sg list mapped segment by segment, unmapped as one range) undoes
 * each of them (an unmap of part of a map undoes all of it: the replay keeps no partial mappings).
 * With deviceDma before-unmap the device moves each mapping's bytes through its
 * translation first. The replay ends the run's measured phase when its last event completes
 * (unless another device's workload runs on); a trace longer than `duration` is cut there.
 *
 * Memory is bounded by the window (events read ahead) and the trace's own live mappings, not by
 * its length. A full lane stops the reader until it drains: other CPUs' events are then handed
 * over later than recorded (counted in their lag), which only happens when a lane is
 * LANE_WINDOW events behind.
 *
 * Models: the sequence, the CPU placement and the recorded gaps; recorded physical addresses
 * (folded into the VM's RAM: address mod memory, kept inside it); coherent allocations as
 * bidirectional maps of fresh buffers. Does not model: the traced driver's own CPU work (only
 * its timing, through as-recorded gaps), dma_sync_* as DMA (counted as ignored), the iommu
 * layer's protection bits (iommu:map prints none: such maps are bidirectional).
 */
import type { TraceWorkload } from '../../common/spec';
import type { Direction, Mapping } from '../dma/path';
import type { ProcessGenerator, SimEvent } from '../kernel';
import { Mailbox } from './mailbox';
import { TraceFormatError } from '../../common/trace/errors';
import { TraceReader } from '../../common/trace/reader';
import type { TraceDirection, TraceEvent } from '../../common/trace/events';
import { TRACE_METRICS } from '../../common/metrics/trace';
import type { WorkloadContext } from './context';
import { dmaCalls } from './dma-calls';

/** Events one lane may hold ahead of its vCPU: bounds the replay's memory (see the header). */
export const LANE_WINDOW = 1024;
const PAGE = 4096;

interface Entry {
  readonly size: number;
  finished: boolean;
  mapping: Mapping | null;
  wait: SimEvent<unknown> | null;
}

type Item =
  | { op: 'map'; ts: number; entry: Entry; gpa: number | null; bytes: number; dir: Direction }
  | { op: 'unmap'; ts: number; entries: Entry[]; write: boolean };

interface Lane {
  /** The lane's window: the reader its only producer, the lane's process its only consumer. */
  readonly queue: Mailbox<Item>;
}

export function startTrace(w: TraceWorkload, ctx: WorkloadContext): void {
  const { env, metrics, device } = ctx;
  if (ctx.openTrace === undefined) throw new Error(`device ${device.spec.id}: this host cannot open trace files`);
  const reader = new TraceReader(ctx.openTrace(w.file, w.sha256), { skipMalformed: w.onMalformed === 'skip' });
  const dma = dmaCalls(ctx);
  const m = {
    events: metrics.counter(TRACE_METRICS.events),
    ignored: metrics.counter(TRACE_METRICS.ignored),
    unmatched: metrics.counter(TRACE_METRICS.unmatchedUnmaps),
    failed: metrics.counter(TRACE_METRICS.failedMaps),
  };
  const lag = w.timing === 'as-recorded' ? metrics.histogram(TRACE_METRICS.lagNs) : null;
  const memory = device.vm.spec.memory;
  const live = new Map<number, Entry>();
  const liveSg = new Map<number, Entry>();
  const lanes = new Map<number, Lane>();
  const start = env.now;
  let ts0: number | null = null;
  let lastTs = 0;
  let dispatched = 0;
  let finished = 0;
  let readerDone = false;
  let inFlightMax = 0;
  let liveMax = 0;

  const next = (): TraceEvent | null => {
    try {
      return reader.next();
    } catch (e) {
      throw e instanceof TraceFormatError ? e.inFile(w.file) : e;
    }
  };

  const fold = (paddr: number, bytes: number): number => {
    let gpa = paddr % memory;
    const over = gpa + bytes - memory;
    if (over > 0) gpa -= Math.ceil(over / PAGE) * PAGE;
    return Math.max(0, gpa);
  };

  const mapping = (key: number, table: Map<number, Entry>, size: number): Entry => {
    const entry: Entry = { size, finished: false, mapping: null, wait: null };
    table.set(key, entry);
    liveMax = Math.max(liveMax, live.size + liveSg.size);
    return entry;
  };

  /** The entries an unmap of [addr, addr + size) undoes: the map at addr and the maps contiguous after it. */
  const claim = (addr: number, size: number): Entry[] => {
    const out: Entry[] = [];
    let at = addr;
    do {
      const e = live.get(at);
      if (e === undefined) break;
      live.delete(at);
      out.push(e);
      at += e.size;
    } while (at < addr + size);
    return out;
  };

  const claimOne = (table: Map<number, Entry>, key: number): Entry[] => {
    const e = table.get(key);
    if (e === undefined) return [];
    table.delete(key);
    return [e];
  };

  /** Whether an event is one the replay issues (its layer, its device), before matching. */
  const replayable = (e: TraceEvent): boolean =>
    w.events === 'iommu' ? e.type === 'iommu_map' || e.type === 'iommu_unmap' : REPLAYED_DMA.has(e.type) && (w.device === undefined || ('device' in e && e.device === w.device));

  /** The replay item for an event, or null when it is not replayed (counted). */
  const itemOf = (e: TraceEvent): Item | null => {
    if (w.events === 'iommu') {
      if (e.type === 'iommu_map') return { op: 'map', ts: e.ts, entry: mapping(e.iova, live, e.size), gpa: fold(e.paddr, e.size), bytes: e.size, dir: 'bidirectional' };
      if (e.type === 'iommu_unmap') return unmapItem(e.ts, claim(e.iova, e.size), true);
      m.ignored.inc();
      return null;
    }
    if (!replayable(e)) {
      m.ignored.inc();
      return null;
    }
    switch (e.type) {
      case 'dma_map':
        if (e.dmaAddr < 0) return failed();
        return { op: 'map', ts: e.ts, entry: mapping(e.dmaAddr, live, e.size), gpa: fold(e.physAddr, e.size), bytes: e.size, dir: direction(e.dir) };
      case 'dma_alloc':
        if (e.dmaAddr <= 0 || e.api === 'sgt_err') return failed();
        return { op: 'map', ts: e.ts, entry: mapping(e.dmaAddr, live, e.size), gpa: null, bytes: e.size, dir: 'bidirectional' };
      case 'dma_alloc_sgt':
        if (e.dmaAddr <= 0 || e.physAddrs.length === 0) return failed();
        return { op: 'map', ts: e.ts, entry: mapping(e.dmaAddr, live, e.size), gpa: fold(e.physAddrs[0]!, e.size), bytes: e.size, dir: direction(e.dir) };
      case 'dma_free_sgt':
        return unmapItem(e.ts, claimOne(live, e.dmaAddr), true);
      case 'dma_map_sg': {
        if (e.sizes.length === 0 || e.physAddrs.length === 0) return failed();
        const bytes = e.sizes.reduce((s, x) => s + x, 0);
        return { op: 'map', ts: e.ts, entry: mapping(e.physAddrs[0]!, liveSg, bytes), gpa: fold(e.physAddrs[0]!, bytes), bytes, dir: direction(e.dir) };
      }
      case 'dma_map_sg_err':
        return failed();
      case 'dma_unmap':
        return unmapItem(e.ts, claimOne(live, e.dmaAddr), e.dir !== 'to-device');
      case 'dma_free':
        return unmapItem(e.ts, claimOne(live, e.dmaAddr), true);
      case 'dma_unmap_sg':
        return unmapItem(e.ts, e.physAddrs.length ? claimOne(liveSg, e.physAddrs[0]!) : [], e.dir !== 'to-device');
      default:
        m.ignored.inc();
        return null;
    }
  };

  const failed = (): null => {
    m.failed.inc();
    return null;
  };

  const unmapItem = (ts: number, entries: Entry[], write: boolean): Item | null => {
    if (entries.length === 0) {
      m.unmatched.inc();
      return null;
    }
    return { op: 'unmap', ts, entries, write };
  };

  /** The whole trace is replayed: its replay time, and the end of this workload (the run ends once every such workload has). */
  const done = (): void => {
    metrics.gauge(TRACE_METRICS.replayNs, env.now - start);
    ctx.finished();
  };

  const complete = (): void => {
    finished++;
    m.events.inc();
    if (readerDone && finished === dispatched) done();
  };

  // A lane's calls are the workloads' DMA calls (dma-calls.ts) made from the lane's own process:
  // the vCPU taken and released here as Vcpu.run does, and on a path with instant calls
  // (dma-direct) the hold yielded here — the same instants and events, with no generator per
  // call (a nest of three or four per map or unmap was most of the replay's engine time).
  const inst = dma.instant;

  function* lane(cpuIndex: number, l: Lane): ProcessGenerator<void> {
    const cpu = device.vcpu(cpuIndex);
    const vcpu = cpu.res;
    for (;;) {
      const taken = l.queue.tryTake();
      const item = taken !== undefined ? taken : ((yield l.queue.wait()) as Item);
      if (lag !== null) {
        const due = start + (item.ts - ts0!);
        if (due > env.now) yield due - env.now;
        lag.record(env.now - due);
      }
      if (item.op === 'map') {
        const gpa = item.gpa ?? device.vm.allocBuffer(item.bytes);
        if (!vcpu.tryAcquire()) yield vcpu.request();
        const t0 = env.now;
        if (inst !== null) {
          // Only a hold is yielded here, and a hold cannot throw: no try/finally needed for the release.
          if (!env.advance(inst.mapHoldNs)) yield inst.mapHoldNs;
          item.entry.mapping = inst.mapAfterHold(cpu, t0, gpa, item.bytes, item.dir);
          vcpu.release();
        } else {
          try {
            item.entry.mapping = dma.mapped(t0, yield* dma.path.map(cpu, gpa, item.bytes, item.dir));
          } finally {
            vcpu.release();
          }
        }
        item.entry.finished = true;
        if (item.entry.wait !== null) item.entry.wait.succeed();
      } else {
        let n = 0;
        for (const en of item.entries) {
          if (!en.finished) {
            en.wait = env.event();
            yield en.wait;
          }
          if (en.mapping === null) continue;
          if (w.deviceDma === 'before-unmap') yield* device.dma(en.mapping.iovaPfn, en.mapping.iovaOff, en.mapping.bytes, item.write);
          n++;
        }
        if (n > 0) {
          if (!vcpu.tryAcquire()) yield vcpu.request();
          if (inst !== null) {
            for (const en of item.entries) {
              const mp = en.mapping;
              if (mp === null) continue;
              const t0 = env.now;
              if (!env.advance(inst.unmapHoldNs)) yield inst.unmapHoldNs;
              inst.unmapAfterHold(cpu, t0, mp);
            }
            vcpu.release();
          } else {
            try {
              for (const en of item.entries) {
                const mp = en.mapping;
                if (mp === null) continue;
                const t0 = env.now;
                yield* dma.path.unmap(cpu, mp);
                dma.unmapped(t0);
              }
            } finally {
              vcpu.release();
            }
          }
        }
      }
      complete();
    }
  }

  const laneOf = (cpu: number): Lane => {
    let l = lanes.get(cpu);
    if (l === undefined) {
      l = { queue: new Mailbox<Item>(env, LANE_WINDOW) };
      lanes.set(cpu, l);
      env.process(lane(cpu % w.cpus, l), `${device.spec.id}.trace.cpu${cpu}`);
    }
    return l;
  };

  env.process(
    (function* (): ProcessGenerator<void> {
      for (let e = next(); e !== null; e = next()) {
        const item = itemOf(e);
        if (item === null) continue;
        ts0 ??= item.ts;
        lastTs = item.ts;
        dispatched++;
        inFlightMax = Math.max(inFlightMax, dispatched - finished);
        const l = laneOf(e.cpu);
        if (!l.queue.tryPut(item)) yield l.queue.putWhenRoom(item);
      }
      readerDone = true;
      reader.close();
      if (finished === dispatched) done();
    })(),
    `${device.spec.id}.trace.reader`,
  );

  ctx.atEnd(() => {
    // Only skip mode skips lines: under 'error' the first malformed line fails the run instead.
    if (w.onMalformed === 'skip') metrics.counter(TRACE_METRICS.skippedLines).inc(reader.skipped);
    metrics.counter(TRACE_METRICS.lostEvents).inc(reader.lost);
    metrics.gauge(TRACE_METRICS.recordedNs, ts0 === null ? 0 : lastTs - ts0);
    metrics.gauge(TRACE_METRICS.liveMax, liveMax);
    metrics.gauge(TRACE_METRICS.inFlightMax, inFlightMax);
    let rest = dispatched - finished;
    if (!readerDone) {
      for (let e = next(); e !== null; e = next()) if (replayable(e)) rest++;
      reader.close();
    }
    metrics.counter(TRACE_METRICS.notReplayed).inc(rest);
    if (rest > 0) ctx.note(`device ${device.spec.id}: the trace outlasted the run's duration; ${rest} of its events were not replayed (trace.not_replayed)`);
  });
}

const REPLAYED_DMA = new Set<TraceEvent['type']>(['dma_map', 'dma_unmap', 'dma_alloc', 'dma_alloc_sgt', 'dma_free', 'dma_free_sgt', 'dma_map_sg', 'dma_map_sg_err', 'dma_unmap_sg']);

function direction(d: TraceDirection): Direction {
  return d === 'none' ? 'bidirectional' : d;
}
