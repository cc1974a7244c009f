/**
 * The engine's part of a run's work estimate (issue 10), made before the run starts:
 * - the footprint: what the spec alone fixes of the run's memory — each model that declares one
 *   says which structures it fills whatever the workload does (the TCEs of a DMA window that maps
 *   all RAM at boot, premapped IOVA-tree leaves);
 * - the pilot: the run itself for its first events (boot, then the measured phase), from which
 *   the host extrapolates the events of the whole run (main/api/pipeline/estimate.ts).
 * Does not estimate: memory that workloads allocate on demand (in-flight mappings: bounded by
 * threads and rings) — the running memory budget covers it. Deterministic: no clock here.
 */
import type { FootprintItem } from '../common/budget';
import { BudgetExceededError, type BudgetStop } from '../common/budget';
import type { ResolvedProfile } from '../common/profile/profile';
import type { Spec } from '../common/spec';
import { catalog as registered, type Catalog } from './catalog';
import { Costs } from './costs/costs';
import { runSimulation } from './run';

/** Every footprint the spec's models declare, with the JSON path of the instance. */
export function footprint(spec: Spec, profile: ResolvedProfile, catalog: Catalog = registered): FootprintItem[] {
  const out: FootprintItem[] = [];
  const costs = new Costs(profile);
  spec.host.iommus.forEach((h, index) => {
    const path = `host.iommus[${index}]`;
    const model = catalog.findModel('host-iommu', h.kind);
    for (const f of model?.footprint?.(model.params.parse(h.params), { spec: h, index, path }, spec, costs) ?? []) out.push({ path, ...f });
  });
  spec.vms.forEach((vm, vmIndex) => {
    vm.viommus.forEach((v, index) => {
      const path = `vms[${vmIndex}].viommus[${index}]`;
      const model = catalog.findModel('viommu', v.kind);
      for (const f of model?.footprint?.(model.params.parse(v.params), { spec: v, vm, vmIndex, index, path }, spec, costs) ?? []) out.push({ path, ...f });
    });
  });
  return out;
}

export interface PilotResult {
  /** Events the pilot processed. */
  events: number;
  /** The whole run fitted in the pilot: `events` is exact. */
  finished: boolean;
  /** Events of the boot, once it ended within the pilot (null: it did not). */
  bootEvents: number | null;
  /** Simulated ns of the measured phase the pilot covered, and that phase's length in the spec. */
  measuredNs: number;
  durationNs: number;
}

/**
 * Runs the spec for at most about `events` events (checked every `pollEvery`) and says how far it
 * got; `checkBudget` (the host's: a wall-time bound) may stop it earlier, as if its events were spent.
 */
export function pilot(spec: Spec, profile: ResolvedProfile, events: number, pollEvery = 4096, checkBudget?: () => BudgetStop | null): PilotResult {
  let bootEvents: number | null = null;
  let runStartNs = 0;
  let last = { events: 0, simNs: 0 };
  try {
    const r = runSimulation(spec, profile, {
      maxEvents: events,
      pollEvery,
      checkBudget,
      onMeasuredPhase: (e, ns) => {
        bootEvents = e;
        runStartNs = ns;
      },
      onProgress: (p) => void (last = { events: p.events, simNs: p.simNs }),
    });
    return { events: r.events, finished: true, bootEvents: bootEvents ?? r.events, measuredNs: r.simTimeNs - runStartNs, durationNs: spec.duration };
  } catch (e) {
    if (!(e instanceof BudgetExceededError)) throw e;
    const boot = bootEvents as number | null;
    return { events: last.events, finished: false, bootEvents: boot, measuredNs: boot === null ? 0 : Math.max(0, last.simNs - runStartNs), durationNs: spec.duration };
  }
}
