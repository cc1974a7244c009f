/**
 * The command-execution side of one physical SMMUv3 instance (physical-smmu.ts): the engine
 * every queue of the instance feeds, each queue's in-order consumer and the producers waiting
 * for its space, and what each command costs and does once executed.
 *
 * Models: command execution charged per command kind (fetch plus the kind's cost) on the
 * instance's engine, a contended resource of smmu.cmd_parallelism slots shared by every queue
 * of the instance; each queue consumed in order by one execution at a time; finite queues (a
 * producer waits for space); a guest VCMDQ consumed through its checks and substitutions; the
 * TLB, walk-cache and configuration-cache effects of each executed command; an error stall
 * acknowledged by the queue's owner.
 * Does not model: event/PRI queues, MSIs, command prefetch beyond one list at a time.
 */
import { DONE, Resource, type Environment, type ProcessGenerator, type SimEvent } from '../../kernel';
import type { Counter } from '../../metrics/collector';
import { BusyOverlap } from './busy-overlap';
import type { CommandQueue } from './cmdq';
import type { Vcmdq } from './cmdqv/cmdqv';
import { familyOf, isNhTlbi, type Command } from './commands';
import type { DeviceTranslation } from './device-translation';
import type { TranslationCaches } from './translation-caches';
import { tlbiScope } from './tlbi-scope';

export type CommandOrigin = 'host' | 'guest';

/** What a command list waited for before the hardware started it: space and the commands ahead in its queue, then a free execution slot. */
export interface ExecuteWaits {
  queue: number;
  engine: number;
}

interface QueueState {
  readonly consumer: Resource;
  readonly spaceWaiters: SimEvent<void>[];
  /** A guest VCMDQ: consumed through its checks and substitutions. */
  readonly guest: boolean;
  /** The commands being executed: one list per queue, reused (one execution at a time holds the consumer). */
  readonly executing: Command[];
}

/** The counters executed commands feed. */
export interface ExecutionCounters {
  readonly cmds: Counter;
  readonly tlbi: Counter;
  readonly guestTlbi: Counter;
  readonly cfgi: Counter;
  readonly s2: Counter;
  readonly sync: Counter;
  readonly fullWaits: Counter;
}

/** What each command costs the engine, in ns. */
export type ExecutionCosts = Record<'fetch' | 'tlbi' | 'tlbiRange' | 'tlbiWide' | 'cfgi' | 'atc' | 'sync', number>;

export class CommandExecution {
  /** Time with ≥ 1 and ≥ 2 queues being consumed at once. */
  readonly overlap = new BusyOverlap();
  /** Per queue: consumed in order by one slot at a time, and the producers waiting for space. */
  private readonly queueState = new Map<CommandQueue, QueueState>();

  constructor(
    private readonly env: Environment,
    /** The command-execution slots every queue of this instance feeds (smmu.cmd_parallelism). */
    readonly engine: Resource,
    private readonly caches: TranslationCaches,
    /** The device side, whose cached configurations a CFGI drops. */
    private readonly translation: DeviceTranslation,
    private readonly c: ExecutionCounters,
    private readonly cost: ExecutionCosts,
  ) {}

  /**
   * Posts `cmds` to `queue` (waiting while it is full), has the engine execute them (with whatever
   * is ahead of them in the queue; a guest VCMDQ through its checks and substitutions), and
   * returns when they have completed. Does its work up to the first wait or hold that must yield
   * when called (callers `yield*` it at once): with space in the queue, its consumer and an
   * execution slot free and the execution time charged in place, the list executes here and a
   * finished generator comes back (kernel/finished.ts); otherwise the generator of the rest.
   */
  execute(queue: CommandQueue, cmds: readonly Command[], origin: CommandOrigin, waits?: ExecuteWaits): ProcessGenerator<void> {
    if (cmds.length > queue.capacity) throw new RangeError(`${queue.name}: ${cmds.length} commands exceed the queue (${queue.capacity})`);
    const t0 = this.env.now;
    const qs = this.stateOf(queue);
    if (!queue.push(cmds)) return this.executeQueued(queue, cmds, origin, waits, t0, qs, false);
    if (!qs.consumer.tryAcquire()) return this.executeQueued(queue, cmds, origin, waits, t0, qs, true);
    if (!this.engine.tryAcquire()) return this.executeOnEngine(queue, cmds, origin, waits, t0, this.env.now, qs);
    const done = this.startExecution(queue, qs, cmds.length, waits, t0, t0);
    const ns = this.executionNs;
    if (ns > 0 && !this.env.advance(ns)) return this.executionHold(queue, done, origin, qs, ns);
    this.endExecution(queue, done, origin, qs);
    return DONE;
  }

  /** execute from the wait for queue space (`pushed` false) or for the queue's consumer. */
  private *executeQueued(queue: CommandQueue, cmds: readonly Command[], origin: CommandOrigin, waits: ExecuteWaits | undefined, t0: number, qs: QueueState, pushed: boolean): ProcessGenerator<void> {
    if (!pushed) {
      do {
        this.c.fullWaits.inc();
        const ev = this.env.event<void>();
        qs.spaceWaiters.push(ev);
        yield ev;
      } while (!queue.push(cmds));
      if (!qs.consumer.tryAcquire()) yield qs.consumer.request();
    } else yield qs.consumer.request();
    const t1 = this.env.now;
    if (!this.engine.tryAcquire()) return yield* this.executeOnEngine(queue, cmds, origin, waits, t0, t1, qs);
    const done = this.startExecution(queue, qs, cmds.length, waits, t0, t1);
    return yield* this.executionHold(queue, done, origin, qs, this.executionNs);
  }

  /** execute from the wait for an execution slot (the consumer held since `t1`). */
  private *executeOnEngine(queue: CommandQueue, cmds: readonly Command[], origin: CommandOrigin, waits: ExecuteWaits | undefined, t0: number, t1: number, qs: QueueState): ProcessGenerator<void> {
    yield this.engine.request();
    const done = this.startExecution(queue, qs, cmds.length, waits, t0, t1);
    return yield* this.executionHold(queue, done, origin, qs, this.executionNs);
  }

  /** execute from the execution's hold of `ns` (0: none) to the end. */
  private *executionHold(queue: CommandQueue, done: Command[], origin: CommandOrigin, qs: QueueState, ns: number): ProcessGenerator<void> {
    let ended = false;
    try {
      if (ns > 0 && !this.env.advance(ns)) yield ns;
      ended = true;
      this.endExecution(queue, done, origin, qs);
    } finally {
      // Unwound mid-hold: release as the end of an execution does, without applying the commands.
      if (!ended) this.releaseExecution(qs);
    }
  }

  /** The queue's state: its in-order consumer and the producers waiting for space. */
  private stateOf(queue: CommandQueue): QueueState {
    let qs = this.queueState.get(queue);
    if (qs === undefined) this.queueState.set(queue, (qs = { consumer: new Resource(this.env, `${queue.name}.consumer`, 1), spaceWaiters: [], guest: isVcmdq(queue) && queue.vintf.index !== 0, executing: [] }));
    return qs;
  }

  /** The execution time startExecution computed (read at once). */
  private executionNs = 0;

  /** Consumer and slot held: the waits accounted, the commands taken off the queue, their time in executionNs. */
  private startExecution(queue: CommandQueue, qs: QueueState, n: number, waits: ExecuteWaits | undefined, t0: number, t1: number): Command[] {
    if (waits !== undefined) {
      waits.queue += t1 - t0;
      waits.engine += this.env.now - t1;
    }
    this.overlap.begin(this.env.now);
    let done: Command[];
    try {
      done = qs.guest ? (queue as Vcmdq).consumeSubstituted(n, qs.executing) : queue.consume(n, qs.executing);
      let ns = 0;
      for (let i = 0; i < done.length; i++) ns += this.cost.fetch + this.costOf(done[i]!);
      this.executionNs = ns;
    } catch (e) {
      this.releaseExecution(qs);
      throw e;
    }
    return done;
  }

  /** After the execution's hold: the commands' effects, the error acknowledged, consumer and slot released. */
  private endExecution(queue: CommandQueue, done: readonly Command[], origin: CommandOrigin, qs: QueueState): void {
    try {
      for (let i = 0; i < done.length; i++) this.apply(done[i]!, origin);
      if (queue.error !== null) {
        // The owner's error handler acknowledges; the stalled command is skipped.
        queue.acknowledge();
      }
    } finally {
      this.releaseExecution(qs);
    }
  }

  private releaseExecution(qs: QueueState): void {
    this.overlap.end(this.env.now);
    this.engine.release();
    qs.consumer.release();
    const list = qs.spaceWaiters;
    if (list.length > 0) for (const ev of list.splice(0)) ev.succeed();
  }

  private costOf(cmd: Command): number {
    switch (familyOf(cmd.op)) {
      case 'tlbi': {
        const scope = tlbiScope(cmd);
        return scope === 'page' ? this.cost.tlbi : scope === 'range' ? this.cost.tlbiRange : this.cost.tlbiWide;
      }
      case 'cfgi':
        return this.cost.cfgi;
      case 'atc':
        return this.cost.atc;
      case 'sync':
        return this.cost.sync;
      default:
        return 0;
    }
  }

  private apply(cmd: Command, origin: CommandOrigin): void {
    this.caches.apply(cmd);
    this.c.cmds.inc();
    const fam = familyOf(cmd.op);
    if (fam === 'tlbi') {
      this.c.tlbi.inc();
      if (cmd.op === 'TLBI_S2_IPA' || cmd.op === 'TLBI_S12_VMALL') this.c.s2.inc();
      if (origin === 'guest' && isNhTlbi(cmd.op)) this.c.guestTlbi.inc();
    } else if (fam === 'cfgi') {
      this.c.cfgi.inc();
      if (cmd.op === 'CFGI_ALL') this.translation.forgetConfig(undefined);
      else if (cmd.sid !== undefined) this.translation.forgetConfig(cmd.sid);
    } else if (fam === 'sync') {
      this.c.sync.inc();
    }
  }
}

function isVcmdq(q: CommandQueue): q is Vcmdq {
  return 'vintf' in q;
}
