/**
 * A single run that is its own work-estimate pilot (`viommu-lab run` of one spec: the pipeline's
 * `pilotInRun`). A separate pilot is the run's first PILOT_EVENTS events, so running it and then
 * the run pays for them twice; instead the run goes on from its own first events: at its first
 * poll past the pilot's events (or past the pilot's wall bound) the estimate is made from its
 * progress with the pilot's formula (estimate.ts) and the pipeline gives its verdict. A refused
 * run stops there, before its caller stored anything, with the diagnostics a separate pilot's
 * refusal gives; an accepted one goes on.
 *
 * The run is polled as any run is (the engine's default poll), not at the separate pilot's finer
 * one: the kernel merges delays only within one poll interval, so a finer poll would change the
 * run's event count. Hence the estimate covers a little more than PILOT_EVENTS (up to one poll
 * more) and is within a few per cent of what `check` prints, not equal to it.
 * The run's own checks at a poll before the verdict (its event budget, the host's wall and
 * memory budgets) wait for the verdict, as the run would only have started after a separate
 * pilot, so its stops and their messages are those of a run started after a pilot.
 */
import type { BudgetStop, Budgets, WorkEstimate } from '../../common/budget';
import type { ResolvedProfile } from '../../common/profile/profile';
import type { Spec } from '../../common/spec';
import type { PilotResult, RunOptions, RunProgress } from '../../engine/run';
import { hostBudgetCheck } from '../budget-meter';
import { estimateFromPilot, failedPilotEstimate, footprintBytes } from './estimate';
import { PILOT_MAX_MS } from './estimate-limits';
import type { RunPilot } from './pipeline';
import { PilotRefusedError } from '../../common/diagnostics';
import { monotonicMs } from '../wall-clock';

/** The run's own options that the pilot wraps. */
export interface PilotedRunOptions extends Pick<RunOptions, 'onProgress' | 'shouldCancel' | 'openTrace'> {
  budgets: Budgets;
}

export class InRunPilot {
  /** The verdict was given and the run goes on: from here on its caller stores it. */
  accepted = false;
  private held: BudgetStop | null = null;
  private bootEvents: number | null = null;
  private runStartNs = 0;
  /** The run's progress at its latest poll. */
  private at = { events: 0, simNs: 0 };
  private pilotEnded = false;
  private refusal: PilotRefusedError | null = null;
  private readonly started = monotonicMs();
  private readonly pilotWall = hostBudgetCheck({ maxWallMs: PILOT_MAX_MS, maxMemoryBytes: Infinity });
  private readonly hostCheck: () => BudgetStop | null;
  private readonly fp: ReturnType<typeof footprintBytes>;

  constructor(
    private readonly spec: Spec,
    profile: ResolvedProfile,
    private readonly pilot: RunPilot,
    private readonly run: PilotedRunOptions,
    /** Called when the verdict accepts the run (before anything of it is stored). */
    private readonly onAccept: () => void,
  ) {
    this.fp = footprintBytes(spec, profile);
    this.hostCheck = hostBudgetCheck(run.budgets);
  }

  /** The options to run the spec with: no maxEvents of the engine's own (its check comes here, after the verdict). */
  options(): RunOptions {
    return {
      shouldCancel: this.run.shouldCancel,
      openTrace: this.run.openTrace,
      onMeasuredPhase: (events, simNs) => {
        this.bootEvents = events;
        this.runStartNs = simNs;
      },
      onProgress: (p) => this.poll(p),
      checkBudget: () => this.check(),
    };
  }

  /** The error the run stopped with is the verdict's refusal (nothing of the run is stored). */
  isRefusal(e: unknown): boolean {
    return e !== null && e === this.refusal;
  }

  /**
   * The run returned (its events never went past the pilot's): the verdict on its exact events;
   * then a stop that one of the run's checks found, if any, which the run would have ended with.
   */
  finished(events: number, simTimeNs: number): BudgetStop | null {
    if (!this.accepted) this.judge({ events, finished: true, bootEvents: this.bootEvents ?? events, measuredNs: simTimeNs - this.runStartNs, durationNs: this.spec.duration });
    return this.held;
  }

  /** The run threw before the verdict (an engine bug the topology check let through): the verdict on a failed pilot. */
  failedBeforeVerdict(e: unknown): void {
    this.pilotEnded = true;
    this.verdict(failedPilotEstimate(this.fp.bytes, this.fp.footprint, e));
  }

  private poll(p: RunProgress): void {
    this.at = { events: p.events, simNs: p.simNs };
    if (this.accepted) this.run.onProgress?.(p);
  }

  /** At each poll, after the progress: the verdict once the pilot's part is over, then the run's checks in the engine's order (events, then the host's budgets). */
  private check(): BudgetStop | null {
    // The pilot ends where a separate one is stopped: past its events, or at its wall bound.
    if (!this.pilotEnded && (this.at.events > this.pilot.events || this.pilotWall() !== null)) {
      this.pilotEnded = true;
      const boot = this.bootEvents;
      this.judge({ events: this.at.events, finished: false, bootEvents: boot, measuredNs: boot === null ? 0 : Math.max(0, this.at.simNs - this.runStartNs), durationNs: this.spec.duration });
    }
    const { maxEvents } = this.run.budgets;
    this.held ??= this.at.events > maxEvents ? { budget: 'events', limit: maxEvents, used: this.at.events } : this.hostCheck();
    return this.accepted ? this.held : null;
  }

  private judge(p: PilotResult): void {
    this.pilotEnded = true;
    this.verdict(estimateFromPilot(p, monotonicMs() - this.started, this.fp.bytes, this.fp.footprint));
  }

  private verdict(estimate: WorkEstimate): void {
    const diagnostics = this.pilot.refusal(estimate);
    if (diagnostics.length > 0) throw (this.refusal = new PilotRefusedError(diagnostics));
    this.accepted = true;
    this.onAccept();
  }
}
