/**
 * The guest DMA-API calls as workloads make them: map and unmap through the device's DmaPath,
 * with the call latency, counts and failures recorded under the shared metric names. Callers
 * hold the vCPU around these calls.
 */
import type { ProcessGenerator } from '../kernel';
import { mapScatterList, unmapScatterList, type DmaPath, type Direction, type Mapping, type Segment } from '../dma/path';
import type { Vcpu } from '../machine/vcpu';
import type { WorkloadContext } from './context';
import { CORE_METRICS } from '../../common/metrics/core';

export interface DmaCalls {
  map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null>;
  unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void>;
  /** dma_map_sg: one call (one map.ops) for the list; a one-entry list is a plain map. */
  mapSg(cpu: Vcpu, segs: readonly Segment[], dir: Direction): ProcessGenerator<Mapping[] | null>;
  unmapSg(cpu: Vcpu, ms: readonly Mapping[]): ProcessGenerator<void>;
  /** map and unmap as their parts, when the path has them (DmaPath.instant); else null. */
  readonly instant: InstantDmaCalls | null;
  /**
   * map() is `t0 = now; m = yield* path.map(…); mapped(t0, m)`, unmap() likewise: a caller on a
   * hot path may make the call itself, one generator fewer on every resume of the call.
   */
  readonly path: DmaPath;
  /** Records a map call that started at t0 and returned m (a failure when null); returns m. */
  mapped(t0: number, m: Mapping | null): Mapping | null;
  /** Records an unmap call that started at t0. */
  unmapped(t0: number): void;
}

/**
 * map() is exactly: t0 = now, hold mapHoldNs (in place or yielded by the caller's own process),
 * then mapAfterHold(cpu, t0, …), which records what map() records; unmap likewise.
 */
export interface InstantDmaCalls {
  readonly mapHoldNs: number;
  readonly unmapHoldNs: number;
  mapAfterHold(cpu: Vcpu, t0: number, gpa: number, bytes: number, dir: Direction): Mapping | null;
  unmapAfterHold(cpu: Vcpu, t0: number, m: Mapping): void;
}

export function dmaCalls(ctx: WorkloadContext): DmaCalls {
  const { env, metrics, device } = ctx;
  const path = device.path;
  const mapLat = metrics.histogram(CORE_METRICS.mapLatencyNs);
  const unmapLat = metrics.histogram(CORE_METRICS.unmapLatencyNs);
  const maps = metrics.counter(CORE_METRICS.mapOps);
  const unmaps = metrics.counter(CORE_METRICS.unmapOps);
  const failures = metrics.counter(CORE_METRICS.mapFailures);
  function mapped(t0: number, m: Mapping | null): Mapping | null {
    if (m === null) {
      failures.inc();
      return null;
    }
    mapLat.record(env.now - t0);
    maps.inc();
    return m;
  }
  function unmapped(t0: number): void {
    unmapLat.record(env.now - t0);
    unmaps.inc();
  }
  const inst = path.instant;
  const instant: InstantDmaCalls | null =
    inst === undefined
      ? null
      : {
          mapHoldNs: inst.mapHoldNs,
          unmapHoldNs: inst.unmapHoldNs,
          mapAfterHold(cpu, t0, gpa, bytes, dir) {
            return mapped(t0, inst.mapAfterHold(cpu, gpa, bytes, dir));
          },
          unmapAfterHold(cpu, t0, m) {
            inst.unmapAfterHold(cpu, m);
            unmapped(t0);
          },
        };
  return {
    instant,
    path,
    mapped,
    unmapped,
    *map(cpu, gpa, bytes, dir) {
      const t0 = env.now;
      return mapped(t0, yield* path.map(cpu, gpa, bytes, dir));
    },
    *unmap(cpu, m) {
      const t0 = env.now;
      yield* path.unmap(cpu, m);
      unmapped(t0);
    },
    *mapSg(cpu, segs, dir) {
      if (segs.length === 1) {
        const m = yield* this.map(cpu, segs[0]!.gpa, segs[0]!.bytes, dir);
        return m === null ? null : [m];
      }
      const t0 = env.now;
      const ms = yield* mapScatterList(path, cpu, segs, dir);
      if (ms === null) {
        failures.inc();
        return null;
      }
      mapLat.record(env.now - t0);
      maps.inc();
      return ms;
    },
    *unmapSg(cpu, ms) {
      if (ms.length === 1) return yield* this.unmap(cpu, ms[0]!);
      const t0 = env.now;
      yield* unmapScatterList(path, cpu, ms);
      unmapLat.record(env.now - t0);
      unmaps.inc();
    },
  };
}
