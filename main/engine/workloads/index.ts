/** Starts the workload a device's spec names. */
import type { Workload } from '../../common/spec';
import { startBlock } from './block';
import type { WorkloadContext } from './context';
import { startMapBench } from './map-bench';
import { startNic } from './nic';
import { startTrace } from './trace';

export function startWorkload(w: Workload, ctx: WorkloadContext): void {
  switch (w.kind) {
    case 'map-bench':
      return startMapBench(w, ctx);
    case 'nic':
      return startNic(w, ctx);
    case 'block':
      return startBlock(w, ctx);
    case 'trace':
      return startTrace(w, ctx);
    case 'boot':
      return;
  }
}

export type { WorkloadContext } from './context';
