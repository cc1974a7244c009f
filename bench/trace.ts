/**
 * Trace replay in bounded memory: a synthetic trace of 10 million iommu:map / iommu:unmap events
 * (two CPUs, each a ring of 256 live 4 KiB mappings, as a NIC's descriptor ring: unmap the oldest,
 * map it again), generated as text chunk by chunk while the engine reads it — never stored —
 * replayed closed-loop through dma-direct on an x86 guest. Memory is sampled as the run goes.
 *
 * Reported (min and median of 3 runs of 10M events, plus one of 1M for comparison): peak RSS,
 * the retained heap's peak growth over the run (sampled after a collection, so `--expose-gc`, as
 * `npm run bench` runs), the replay's peak events in flight (read but not finished:
 * the per-CPU window) and live mappings, and bytes of heap growth per event in flight. A bounded
 * replay shows the same peak at 1M and at 10M events.
 */
import { prepareRun } from '../main/api/runner';
import type { ChunkSource } from '../main/common/trace/reader';
import { runSimulation } from '../main/engine/run';
import { timed, type BenchRow } from './types';

const RING = 256;
const CPUS = 2;

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

/** The synthetic trace's text, `events` lines, produced ~64 KiB at a time. */
export function syntheticTrace(events: number): ChunkSource {
  let e = 0;
  return {
    read() {
      if (e >= events) return null;
      const lines: string[] = [];
      for (const end = Math.min(events, e + 512); e < end; e++) {
        const cpu = e % CPUS;
        const j = Math.floor(e / CPUS);
        const unmap = j >= RING && (j - RING) % 2 === 0;
        const slot = j < RING ? j : Math.floor((j - RING) / 2) % RING;
        const iova = 0x100000000 + cpu * 0x10000000 + slot * 0x1000;
        const us = 100 + e;
        const ts = `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
        const range = `iova=0x${hex16(iova)} - 0x${hex16(iova + 4096)}`;
        lines.push(
          unmap
            ? `          <idle>-0     [00${cpu}] d.h1.  ${ts}: unmap: IOMMU: ${range} size=4096 unmapped_size=4096\n`
            : `         bench-${100 + cpu}   [00${cpu}] .....  ${ts}: map: IOMMU: ${range} paddr=0x${hex16(0x10000000 + (cpu * RING + slot) * 0x1000)} size=4096\n`,
        );
      }
      return lines.join('');
    },
  };
}

interface Sample {
  seconds: number;
  peakRss: number;
  heapGrowth: number;
  inFlight: number;
  live: number;
  replayed: number;
}

function replay(events: number): Sample {
  // The spec names the committed fixture (so it is prepared as any trace run is); the engine is
  // handed the generated source in its place.
  const p = prepareRun({
    name: 'bench: trace replay',
    duration: '60s',
    vms: [{ id: 'vm0', memory: '4GiB', vcpus: CPUS }],
    devices: [{ id: 'dev0', vm: 'vm0', kind: 'nic', workload: { kind: 'trace', file: 'debian-6.12-nvme-vtd.trace', timing: 'closed-loop', cpus: CPUS } }],
  });
  globalThis.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  let ticks = 0;
  const t = timed(() =>
    runSimulation(p.spec, p.profile, {
      openTrace: () => syntheticTrace(events),
      onProgress: () => {
        // The retained heap: collected first (every 16th progress call, ~1M kernel events), so garbage not yet collected does not count.
        if (++ticks % 16 === 0) globalThis.gc?.();
        const m = process.memoryUsage();
        if (m.rss > peakRss) peakRss = m.rss;
        if (ticks % 16 === 0 && m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      },
    }),
  );
  const s = t.value.scalars;
  if (s['trace.events'] !== events) throw new Error(`replayed ${s['trace.events']} of ${events} events`);
  return { seconds: t.seconds, peakRss, heapGrowth: peakHeap - base.heapUsed, inFlight: s['trace.in_flight_max']!, live: s['trace.live_max']!, replayed: s['trace.events']! };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function traceBench(): Promise<BenchRow[]> {
  const small = replay(1e6);
  const big = [replay(1e7), replay(1e7), replay(1e7)];
  const perEvent = (x: Sample): number => x.heapGrowth / (x.inFlight + x.live);
  const rows = (name: string, f: (x: Sample) => number, unit: string, note?: string): BenchRow[] => [
    { name: `trace.10M.${name}.min`, value: Math.min(...big.map(f)), unit, note },
    { name: `trace.10M.${name}.median`, value: median(big.map(f)), unit },
  ];
  return [
    ...rows('events_per_s', (x) => x.replayed / x.seconds, 'events/s', 'closed-loop replay through dma-direct, parser included'),
    ...rows('peak_rss_mib', (x) => x.peakRss / 2 ** 20, 'MiB'),
    ...rows('heap_growth_mib', (x) => x.heapGrowth / 2 ** 20, 'MiB', 'peak retained heap (after gc) over the heap before the run'),
    ...rows('bytes_per_event_in_flight', perEvent, 'B', 'heap growth / (events in flight + live mappings)'),
    { name: 'trace.10M.in_flight_max', value: big[0]!.inFlight, unit: 'events', note: `per-CPU window × ${CPUS} CPUs` },
    { name: 'trace.10M.live_max', value: big[0]!.live, unit: 'mappings' },
    { name: 'trace.1M.peak_rss_mib', value: small.peakRss / 2 ** 20, unit: 'MiB', note: 'the same bound at a tenth of the events' },
    { name: 'trace.1M.heap_growth_mib', value: small.heapGrowth / 2 ** 20, unit: 'MiB' },
    { name: 'trace.1M.bytes_per_event_in_flight', value: perEvent(small), unit: 'B' },
  ];
}
