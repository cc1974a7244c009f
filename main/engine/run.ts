/**
 * One simulation run: build the machine, boot (each VM probes its devices one after another),
 * then run the workloads for the spec's duration, and collect the result.
 *
 * Deterministic: everything derives from the spec, the resolved profile and the seed.
 */
import { Environment, type ProcessGenerator } from './kernel';
import type { Spec, Workload } from '../common/spec';
import type { ResolvedProfile } from '../common/profile/profile';
import { CancelledError } from '../common/errors';
import { BudgetExceededError, type BudgetStop } from '../common/budget';
import { ENGINE_VERSION, type RunResult } from '../common/result';
import { Costs } from './costs/costs';
import { Metrics } from './metrics/collector';
import { Machine } from './machine/machine';
import { startWorkload } from './workloads';
import { CORE_COSTS } from '../common/profile/core';
import { CORE_METRICS } from '../common/metrics/core';
import type { Metric } from '../common/metrics/names';
import type { TraceOpener } from '../common/trace/reader';

export interface RunProgress {
  phase: 'boot' | 'run';
  simNs: number;
  /** End of the measured phase, once known. */
  endNs: number | null;
  events: number;
}

export interface RunOptions {
  /** Called every ~65k events. */
  onProgress?: (p: RunProgress) => void;
  /** Polled every ~65k events; returning true stops the run with a CancelledError. */
  shouldCancel?: () => boolean;
  /** Stops the run with a BudgetExceededError once more events than this have been processed (checked every ~65k events). */
  maxEvents?: number;
  /**
   * The host's budgets (wall time, memory: the engine reads no clock), polled every ~65k events;
   * a BudgetStop stops the run with a BudgetExceededError.
   */
  checkBudget?: () => BudgetStop | null;
  /** Opens the trace files of trace workloads (default: the opener installed with installTraceOpener). */
  openTrace?: TraceOpener;
  /** Events between two calls of onProgress and the checks (default 65,536; the pilot of a work estimate polls more often). */
  pollEvery?: number;
  /** Called once when boot has ended and the measured phase begins (the work estimate's pilot). */
  onMeasuredPhase?: (events: number, simNs: number) => void;
}

let defaultTraceOpener: TraceOpener | undefined;

/**
 * The engine reads no files: a Node host installs the trace-file opener once (main/api/trace-opener.ts
 * does when the modules that build machines load it), and every run without its own `openTrace`
 * uses it. A run of a trace workload with neither fails with one sentence.
 */
export function installTraceOpener(open: TraceOpener): void {
  defaultTraceOpener = open;
}

/** A workload that ends by itself: a block workload with a request count, a trace replay (at the trace's end). */
function hasRequestCount(w: Workload): boolean {
  return (w.kind === 'block' && w.requests !== undefined) || w.kind === 'trace';
}

/** Metric-name segment for an id: lower-case, [a-z0-9_]. */
export function metricSegment(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/**
 * Builds the machine a spec describes and throws away the result: configurations the models
 * cannot build (TopologyError) are caught before a run is stored or started.
 */
export function checkTopology(spec: Spec, profile: ResolvedProfile): void {
  const env = new Environment(spec.seed);
  new Machine(env, spec, new Costs(profile), new Metrics(Math.max(1, Math.ceil(spec.duration / 500))), () => {});
}

export function runSimulation(spec: Spec, profile: ResolvedProfile, opts: RunOptions = {}): RunResult {
  const env = new Environment(spec.seed);
  const costs = new Costs(profile);
  const metrics = new Metrics(Math.max(1, Math.ceil(spec.duration / 500)));
  const notes: string[] = [];
  const note = (t: string): void => {
    notes.push(t);
  };
  const machine = new Machine(env, spec, costs, metrics, note);
  let phase: RunProgress['phase'] = 'boot';
  let endNs: number | null = null;
  const tick = (): boolean => {
    if (opts.shouldCancel?.()) throw new CancelledError();
    opts.onProgress?.({ phase, simNs: env.now, endNs, events: env.events });
    if (opts.maxEvents !== undefined && env.events > opts.maxEvents) throw new BudgetExceededError({ budget: 'events', limit: opts.maxEvents, used: env.events });
    const stop = opts.checkBudget?.();
    if (stop) throw new BudgetExceededError(stop);
    return true;
  };

  // Boot: each VM's vCPU 0 (and the bare-metal host's CPU 0) probes its devices in order.
  const probeNs = costs.ns(CORE_COSTS.guestProbeNs);
  const setupByVm = new Map<string, number>();
  const kernels = machine.host === null ? [...machine.vms.values()] : [...machine.vms.values(), machine.host];
  const boots = kernels.map((vm) =>
    env.process(
      (function* (): ProcessGenerator<void> {
        const cpu = vm.vcpu(0);
        for (const dev of machine.devices.filter((d) => d.vm === vm)) {
          yield* cpu.run(
            (function* () {
              yield probeNs;
              const t0 = env.now;
              yield* dev.path.probe(cpu);
              const took = env.now - t0;
              metrics.gauge(CORE_METRICS.bootDmaSetupNsOf.of(metricSegment(dev.spec.id)), took);
              setupByVm.set(vm.spec.id, (setupByVm.get(vm.spec.id) ?? 0) + took);
            })(),
          );
        }
      })(),
      `${vm.spec.id}.boot`,
    ),
  );
  env.process(
    (function* (): ProcessGenerator<void> {
      yield env.allOf(boots);
      env.stop();
    })(),
    'boot-barrier',
  );
  const poll = opts.pollEvery ?? 65536;
  env.run(Infinity, tick, poll);
  opts.onMeasuredPhase?.(env.events, env.now);
  metrics.gauge(CORE_METRICS.bootDmaSetupNs, Math.max(0, ...setupByVm.values()));

  // Measured phase.
  const active = machine.devices.filter((d) => d.spec.workload.kind !== 'boot');
  const t0 = env.now;
  if (active.length > 0) {
    phase = 'run';
    endNs = t0 + spec.duration;
    const busyAtStart = new Map<string, number>();
    for (const vm of kernels) busyAtStart.set(vm.spec.id, vm.vcpus.reduce((s, c) => s + c.res.busyNs(), 0));
    const vmmBusyAtStart = new Map([...machine.vms.values()].map((vm) => [vm.spec.id, vm.vmmThread.busyNs()]));
    // Workloads with a request count (and trace replays) end the phase early once all of them
    // are done, unless a workload without one keeps running to the end.
    const counted = active.filter((d) => hasRequestCount(d.spec.workload)).length;
    let unfinished = counted;
    const finished = (): void => {
      if (--unfinished === 0 && counted === active.length) env.stop();
    };
    const atEnd: (() => void)[] = [];
    for (const device of active) {
      startWorkload(device.spec.workload, { env, costs, metrics, device, endAt: endNs, note, finished, atEnd: (fn) => atEnd.push(fn), openTrace: opts.openTrace ?? defaultTraceOpener });
    }
    env.run(endNs, tick, poll);
    for (const fn of atEnd) fn();
    const elapsed = env.now - t0;
    const seconds = elapsed / 1e9;
    const total = (m: Metric<'counter'>): number => metrics.counter(m).value;
    metrics.gauge(CORE_METRICS.dmaThroughputGbps, elapsed > 0 ? (total(CORE_METRICS.dmaBytes) * 8) / elapsed : 0);
    if (active.some((d) => d.spec.workload.kind === 'map-bench')) metrics.gauge(CORE_METRICS.opsPerSec, seconds > 0 ? total(CORE_METRICS.benchOps) / seconds : 0);
    if (active.some((d) => d.spec.workload.kind === 'nic')) metrics.gauge(CORE_METRICS.nicPps, seconds > 0 ? total(CORE_METRICS.nicPackets) / seconds : 0);
    if (active.some((d) => d.spec.workload.kind === 'block')) metrics.gauge(CORE_METRICS.ioIops, seconds > 0 ? total(CORE_METRICS.ioCompleted) / seconds : 0);
    for (const vm of kernels) {
      const busy = vm.vcpus.reduce((s, c) => s + c.res.busyNs(), 0) - busyAtStart.get(vm.spec.id)!;
      const seg = metricSegment(vm.spec.id);
      metrics.gauge(CORE_METRICS.cpuUtilisationOf.of(seg), elapsed > 0 ? busy / (elapsed * vm.vcpus.length) : 0);
      if (vm.bareMetal) continue; // no VMM under the host
      const vmmBusy = vm.vmmThread.busyNs() - vmmBusyAtStart.get(vm.spec.id)!;
      metrics.gauge(CORE_METRICS.resourceUtilisationOf.of(`${seg}_vmm`), elapsed > 0 ? vmmBusy / elapsed : 0);
    }
  }
  for (const inst of machine.instances) inst.finish?.();
  for (const inst of machine.others) inst.finish?.();
  metrics.gauge(CORE_METRICS.simTimeNs, env.now);
  metrics.counter(CORE_METRICS.simEvents).value = env.events;
  const { scalars, histograms, series } = metrics.collect();
  return { engineVersion: ENGINE_VERSION, seed: spec.seed, simTimeNs: env.now, events: env.events, scalars, histograms, series, notes };
}

// The work estimate's engine side (footprints, the pilot), for the run pipeline.
export { footprint, pilot, type PilotResult } from './estimate';
