/**
 * The guest DMA-API calls as workloads make them: map and unmap through the device's DmaPath,
 * with the call latency, counts and failures recorded under the shared metric names. Callers
 * hold the vCPU around these calls.
 */
import type { ProcessGenerator } from '../kernel';
import type { Direction, Mapping } from '../dma/path';
import type { Vcpu } from '../machine/vcpu';
import type { WorkloadContext } from './context';
import { CORE_METRICS } from '../../common/metrics/core';

export interface DmaCalls {
  map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null>;
  unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void>;
}

export function dmaCalls(ctx: WorkloadContext): DmaCalls {
  const { env, metrics, device } = ctx;
  const path = device.path;
  const mapLat = metrics.histogram(CORE_METRICS.mapLatencyNs);
  const unmapLat = metrics.histogram(CORE_METRICS.unmapLatencyNs);
  const maps = metrics.counter(CORE_METRICS.mapOps);
  const unmaps = metrics.counter(CORE_METRICS.unmapOps);
  const failures = metrics.counter(CORE_METRICS.mapFailures);
  return {
    *map(cpu, gpa, bytes, dir) {
      const t0 = env.now;
      const m = yield* path.map(cpu, gpa, bytes, dir);
      if (m === null) {
        failures.inc();
        return null;
      }
      mapLat.record(env.now - t0);
      maps.inc();
      return m;
    },
    *unmap(cpu, m) {
      const t0 = env.now;
      yield* path.unmap(cpu, m);
      unmapLat.record(env.now - t0);
      unmaps.inc();
    },
  };
}
