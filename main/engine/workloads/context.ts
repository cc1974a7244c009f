/** What a workload gets to drive one device. */
import type { Environment } from '../kernel';
import type { Costs } from '../costs/costs';
import type { Metrics } from '../metrics/collector';
import type { DeviceRuntime } from '../machine/device';

export interface WorkloadContext {
  readonly env: Environment;
  readonly costs: Costs;
  readonly metrics: Metrics;
  readonly device: DeviceRuntime;
  /** Simulated time at which the measured phase ends; loops stop issuing new work then. */
  readonly endAt: number;
  note(text: string): void;
  /** A workload with a request count calls this once when it has issued and completed them all. */
  finished(): void;
}

/** Keeps a loop from spinning at one instant when every step of an iteration took zero time. */
export const MIN_ITERATION_NS = 1;
