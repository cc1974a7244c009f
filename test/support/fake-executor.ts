/** A RunExecutor whose tasks the test finishes by hand: deterministic jobs without engine threads. */
import type { ResolvedProfile } from '../../main/common/profile/profile';
import type { RunResult } from '../../main/common/result';
import type { Spec } from '../../main/common/spec';
import type { RunExecutor, TaskHandle, TaskOutcome, TaskProgress } from '../../main/api/engine/pool';
import type { TopologyIssue } from '../../main/api/pipeline/checker';
import { inProcessChecker } from '../../main/api/pipeline/topology-check';

export interface FakeTask {
  spec: Spec;
  progress: (p: TaskProgress) => void;
  finish(o: TaskOutcome): void;
  cancelled: boolean;
  settled: boolean;
}

export class FakeExecutor implements RunExecutor {
  readonly tasks: FakeTask[] = [];
  /** Every topology check asked of the executor (a spy): the specs of each call. */
  readonly checks: Spec[][] = [];
  closed = false;
  constructor(readonly size = 2) {}

  /** Checks in this (test) thread, like the engine host's checking worker would, and records the call. */
  checkTopology(runs: readonly { spec: Spec; profile: ResolvedProfile }[]): Promise<(TopologyIssue | null)[]> {
    this.checks.push(runs.map((r) => r.spec));
    return inProcessChecker.checkTopology(runs);
  }

  run(spec: Spec, _profile: ResolvedProfile, onProgress: (p: TaskProgress) => void): TaskHandle {
    let resolve!: (o: TaskOutcome) => void;
    const outcome = new Promise<TaskOutcome>((r) => (resolve = r));
    const task: FakeTask = {
      spec,
      progress: onProgress,
      cancelled: false,
      settled: false,
      finish: (o) => {
        if (task.settled) return;
        task.settled = true;
        resolve(o);
      },
    };
    this.tasks.push(task);
    return {
      outcome,
      cancel: () => {
        task.cancelled = true;
        task.finish({ status: 'cancelled', message: 'run cancelled', wallMs: 1 });
      },
    };
  }

  get active(): FakeTask[] {
    return this.tasks.filter((t) => !t.settled);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * A FakeExecutor with the pool's placement (engine/pool.ts): `size` workers, each running one
 * task and holding one queued behind it; a task goes to a worker with nothing, else to one with
 * room. `workers[w]` lists worker w's unsettled tasks, running first; `idle` counts empty workers.
 */
export class WorkerModelExecutor extends FakeExecutor {
  readonly capacity: number;
  private readonly placed: FakeTask[][];

  constructor(size = 2) {
    super(size);
    this.capacity = 2 * size;
    this.placed = Array.from({ length: size }, () => []);
  }

  get workers(): FakeTask[][] {
    return this.placed.map((q) => q.filter((t) => !t.settled));
  }

  get idle(): number {
    return this.workers.filter((q) => q.length === 0).length;
  }

  override run(spec: Spec, profile: ResolvedProfile, onProgress: (p: TaskProgress) => void): TaskHandle {
    const ws = this.workers;
    let w = ws.findIndex((q) => q.length === 0);
    if (w < 0) w = ws.findIndex((q) => q.length < 2);
    if (w < 0) throw new Error('every engine worker is busy');
    const handle = super.run(spec, profile, onProgress);
    this.placed[w]!.push(this.tasks.at(-1)!);
    return handle;
  }

  /** Finishes the task worker `w` is running (done, with `seed` as the result's seed). */
  finishOn(w: number, seed: number): void {
    const t = this.workers[w]![0];
    if (t === undefined) throw new Error(`worker ${w} runs nothing`);
    t.finish({ status: 'done', result: fakeResult(seed, { x: seed }), wallMs: 1 });
  }
}

export function fakeResult(seed: number, scalars: Record<string, number>, extra: Partial<RunResult> = {}): RunResult {
  return { engineVersion: '0.1.0', seed, simTimeNs: 1000, events: 100, scalars, histograms: {}, series: {}, notes: [], ...extra };
}

/** Lets queued promise callbacks (outcome handlers) run. */
export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export function specJson(name: string, point: Record<string, number | string> = {}, replication = 0, seed = 1): Record<string, unknown> {
  return {
    name,
    seed,
    duration: '1ms',
    vms: [{ id: 'vm0', memory: '1GiB', vcpus: 1 }],
    devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', workload: { kind: 'nic', direction: 'rx', bitrate: '1Gbps', packetSize: 1500, ringSize: 64, queues: 1 } }],
    point,
    replication,
  };
}
