/** What a workload gets to drive one device. */
import type { Environment } from '../kernel';
import type { Costs } from '../costs/costs';
import type { Metrics } from '../metrics/collector';
import type { DeviceRuntime } from '../machine/device';
import type { TraceOpener } from '../../common/trace/reader';

export interface WorkloadContext {
  readonly env: Environment;
  readonly costs: Costs;
  readonly metrics: Metrics;
  readonly device: DeviceRuntime;
  /** Simulated time at which the measured phase ends; loops stop issuing new work then. */
  readonly endAt: number;
  note(text: string): void;
  /** A workload with a request count (or a trace replay) calls this once when it has issued and completed them all. */
  finished(): void;
  /** Runs `fn` when the run ends (after the measured phase), before the metrics are collected. */
  atEnd(fn: () => void): void;
  /** Opens a trace file a trace workload names; absent on a host that reads no files. */
  readonly openTrace?: TraceOpener;
}

/** Keeps a loop from spinning at one instant when every step of an iteration took zero time. */
export const MIN_ITERATION_NS = 1;
