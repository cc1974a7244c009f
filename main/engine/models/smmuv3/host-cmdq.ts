/**
 * Linux's lock-free insertion into one SMMUv3 command queue shared by CPUs
 * (arm_smmu_cmdq_issue_cmdlist), as a process: the main CMDQ, a host VCMDQ of VINTF0 or an ECMDQ
 * each get one, and contend only when several CPUs feed the same queue.
 *
 * Models: (1) space reservation by cmpxchg on the queue's prod/cons word — one shared cache line,
 * held exclusively by one CPU at a time, the first reserver with no owner becoming the owner;
 * (2) writing the entries; (3) marking them in the valid bitmap (a second shared line); (4) the
 * owner waiting for the previous owner, clearing the owned flag — which gathers every list
 * reserved meanwhile —, waiting for them to be written and publishing PROD once for all of them;
 * (5) each CPU with a CMD_SYNC spinning until the hardware has executed it, seen through MSI
 * write-back or a CMDQ_CONS read. The hardware consumes what was published in order, on its own
 * (physical-smmu.ts execute), so an owner does not wait for execution. What sharing the queue
 * costs a CPU — spinning on the shared lines, waiting for the previous owner, and waiting behind
 * the other CPUs' lists ahead of its own in the in-order queue — is its insertion wait; waiting
 * for a free execution slot of the SMMU (smmu.cmd_parallelism) is counted apart.
 * Does not model: queue wrap and the shared/exclusive cmdq lock that guards it, the CMD_SYNC
 * timeout, cmpxchg retries beyond their serialisation on the line.
 */
import { DONE, Resource, type Environment, type ProcessGenerator, type SimEvent } from '../../kernel';
import type { Counter } from '../../metrics/collector';
import type { Histogram } from '../../metrics/histogram';
import type { CommandQueue } from './cmdq';
import type { Command } from './commands';
import type { CommandOrigin, ExecuteWaits, PhysicalSmmu } from './physical-smmu';

export interface CmdqIssueCosts {
  /** One atomic on a shared line (reservation cmpxchg, valid-bitmap xor). */
  readonly atomic: number;
  /** Writing one 16-byte entry. */
  readonly insert: number;
  /** The owner's PROD register write. */
  readonly prodWrite: number;
  /** Seeing a CMD_SYNC complete (MSI write-back or a CONS read). */
  readonly syncSeen: number;
}

export interface CmdqIssueMetrics {
  readonly insertWait: Histogram;
  readonly lineWait: Histogram;
  readonly engineWait: Histogram;
  readonly syncWait: Histogram;
  readonly publishes: Counter;
  readonly gathered: Counter;
}

/** One issuer's list; its events exist only once someone waits for them or triggers them (lazily). */
class Ticket implements ExecuteWaits {
  written: SimEvent<void> | null = null;
  executed: SimEvent<void> | null = null;
  published = -1;
  queue = 0;
  engine = 0;
  constructor(readonly cmds: readonly Command[]) {}
}

/** The empty gathering list (never pushed to). */
const NONE: Ticket[] = [];

export class LockFreeCmdq {
  /** The cache line of cmdq->q.llq.val (prod with CMDQ_PROD_OWNED_FLAG, cons). */
  private readonly llqLine: Resource;
  /** The cache line(s) of cmdq->valid_map. */
  private readonly validLine: Resource;
  /** CMDQ_PROD_OWNED_FLAG: an owner has reserved and not yet stopped gathering. */
  private owned = false;
  /** Lists reserved under the current owner; NONE between owners (an array only once one is reserved). */
  private gathering: Ticket[] = NONE;
  /** cmdq->owner_prod: the last owner's "done publishing". */
  private lastOwner: SimEvent<void> | null = null;
  /** Issuers inside issue(): with one, nobody can look at its tickets (the fast path below). */
  private active = 0;
  /** The ticket of an issuer alone (issueInPlace): one at a time, so one object, reused. */
  private readonly soleTicket = new Ticket([]);
  /** Every cost a whole number of ns, the atomic above zero: what the in-place form's holds need. */
  private readonly inPlaceCosts: boolean;

  constructor(
    private readonly env: Environment,
    private readonly smmu: PhysicalSmmu,
    readonly queue: CommandQueue,
    private readonly cost: CmdqIssueCosts,
    private readonly m: CmdqIssueMetrics,
  ) {
    this.llqLine = new Resource(env, `${queue.name}.llq`, 1);
    this.validLine = new Resource(env, `${queue.name}.valid_map`, 1);
    const whole = (ns: number): boolean => Number.isInteger(ns) && ns >= 0;
    this.inPlaceCosts = cost.atomic > 0 && whole(cost.atomic) && whole(cost.insert) && whole(cost.prodWrite) && whole(cost.syncSeen);
  }

  /**
   * Issues one command list (its last command a CMD_SYNC when `cmds` ends with one) and, with a sync, waits for it; the caller holds the CPU, which spins throughout.
   *
   * An issuer alone on the queue takes the same steps at the same instants without the queue
   * trips that only other issuers could observe: its "written" and "done publishing" events
   * are not triggered (nobody can wait for them: a later issuer reserves after this one has
   * published, and looks 2 atomics later), and it drives the hardware's consumption of its own
   * list itself instead of spawning a consumer process — taken only when nothing is queued at
   * this instant, so the consumer would have run next anyway. Where a trip could be observed
   * (something else queued at the instant) the trip is kept. Any second issuer sends the rest
   * of the sequence down the general path, which is the same code with every event.
   */
  issue(cmds: readonly Command[], origin: CommandOrigin): ProcessGenerator<void> {
    return this.alone(cmds) ? this.issueInPlace(cmds, origin) : this.issueQueued(cmds, origin);
  }

  /**
   * Whether issue's whole sequence up to the hardware's execution would take the alone path
   * below with every hold in place: no other issuer inside, the lines free, the last owner done,
   * a list closed by CMD_SYNC, and its holds ending before anything queued (their sum, so each).
   */
  private alone(cmds: readonly Command[]): boolean {
    const c = this.cost;
    return (
      this.active === 0 &&
      !this.owned &&
      this.inPlaceCosts &&
      cmds.length > 0 &&
      cmds[cmds.length - 1]!.op === 'CMD_SYNC' &&
      (this.lastOwner === null || this.lastOwner.processed) &&
      this.llqLine.idle &&
      this.validLine.idle &&
      this.env.canAdvance(2 * c.atomic + c.insert * cmds.length + c.prodWrite, 4)
    );
  }

  /**
   * issueQueued's steps for an issuer alone (see alone()), taken when called — the same
   * statements without their yields, none of which would yield here, and without the gathering
   * list and the owner's event nobody can see —; then the hardware's execution, in place when it
   * can be (PhysicalSmmu.execute), and the sync seen: a finished generator when all was done in
   * place, else the generator of the rest.
   */
  private issueInPlace(cmds: readonly Command[], origin: CommandOrigin): ProcessGenerator<void> {
    const env = this.env;
    const c = this.cost;
    this.active++;
    this.llqLine.tryAcquire();
    this.owned = true;
    env.advance(c.atomic);
    this.llqLine.release();
    env.advance(c.insert * cmds.length);
    this.validLine.tryAcquire();
    env.advance(c.atomic);
    this.validLine.release();
    this.owned = false;
    env.advance(c.prodWrite);
    this.m.publishes.inc();
    this.m.gathered.inc(0);
    const ticket = this.soleTicket;
    ticket.published = env.now;
    ticket.queue = 0;
    ticket.engine = 0;
    this.lastOwner = null;
    this.m.lineWait.record(0);
    let g: ProcessGenerator<void>;
    try {
      g = this.smmu.execute(this.queue, cmds, origin, ticket);
    } catch (e) {
      this.active--;
      throw e;
    }
    if (g === DONE && env.canAdvance(c.syncSeen, 1)) {
      env.advance(c.syncSeen);
      this.recordSync(ticket, 0);
      this.active--;
      return DONE;
    }
    return this.afterExecution(g, ticket);
  }

  /** issueInPlace from the hardware's execution (g; DONE: over) to the sync seen. */
  private *afterExecution(g: ProcessGenerator<void>, ticket: Ticket): ProcessGenerator<void> {
    const env = this.env;
    try {
      yield* g;
      // The consumer's "executed" wake-up: a trip only when something else is queued now.
      if (!env.canAdvance(0, 0)) yield env.event<void>().succeed();
      if (!env.advance(this.cost.syncSeen)) yield this.cost.syncSeen;
      this.recordSync(ticket, 0);
    } finally {
      this.active--;
    }
  }

  /** issue, every step as a generator: any issuer not alone, and the reference the in-place form is tested against. */
  private *issueQueued(cmds: readonly Command[], origin: CommandOrigin): ProcessGenerator<void> {
    const env = this.env;
    const t0 = env.now;
    this.active++;
    try {
      // 1. Reserve space: cmpxchg on the shared prod/cons line.
      if (!this.llqLine.tryAcquire()) yield this.llqLine.request();
      let waited = env.now - t0;
      const owner = !this.owned;
      this.owned = true;
      const ticket = new Ticket(cmds);
      if (this.gathering === NONE) this.gathering = [ticket];
      else this.gathering.push(ticket);
      let prevOwner: SimEvent<void> | null = null;
      let mine: SimEvent<void> | null = null;
      if (owner) {
        prevOwner = this.lastOwner;
        this.lastOwner = mine = env.event<void>();
      }
      try {
        if (!env.advance(this.cost.atomic)) yield this.cost.atomic;
      } finally {
        this.llqLine.release();
      }
      // 2. Write the entries; 3. mark them valid.
      const insert = this.cost.insert * cmds.length;
      if (!env.advance(insert)) yield insert;
      const tv = env.now;
      if (!this.validLine.tryAcquire()) yield this.validLine.request();
      waited += env.now - tv;
      try {
        if (!env.advance(this.cost.atomic)) yield this.cost.atomic;
      } finally {
        this.validLine.release();
      }
      // Alone (so the owner): only this issuer's own gathering loop would look at `written`.
      const alone = owner && this.active === 1 && (prevOwner === null || prevOwner.processed);
      if (!alone) (ticket.written ??= env.event<void>()).succeed();
      // 4. The owner publishes everything gathered since its reservation.
      if (owner) {
        const tp = env.now;
        if (prevOwner !== null && !prevOwner.processed) yield prevOwner;
        waited += env.now - tp;
        this.owned = false;
        const batch = this.gathering;
        this.gathering = NONE;
        for (let i = 0; i < batch.length; i++) {
          const t = batch[i]!;
          if (t === ticket && alone) {
            // The trip through its own just-triggered event: a no-op unless something else is queued now.
            if (!env.canAdvance(0, 0)) yield env.event<void>().succeed();
          } else {
            const w = (t.written ??= env.event<void>());
            if (!w.processed) yield w;
          }
        }
        if (!env.advance(this.cost.prodWrite)) yield this.cost.prodWrite;
        this.m.publishes.inc();
        this.m.gathered.inc(batch.length - 1);
        for (let i = 0; i < batch.length; i++) batch[i]!.published = env.now;
        const sync = cmds.length > 0 && cmds[cmds.length - 1]!.op === 'CMD_SYNC';
        if (batch.length === 1 && sync && this.active === 1 && this.cost.atomic > 0 && this.lastOwner === mine && env.canAdvance(0, 0)) {
          // Inline consumption: nobody holds `mine` and none can take it before it would be processed.
          this.lastOwner = null;
          this.m.lineWait.record(waited);
          yield* this.smmu.execute(this.queue, cmds, origin, ticket);
          // The consumer's "executed" wake-up: a trip only when something else is queued now.
          if (!env.canAdvance(0, 0)) yield env.event<void>().succeed();
          if (!env.advance(this.cost.syncSeen)) yield this.cost.syncSeen;
          this.recordSync(ticket, waited);
          return;
        }
        env.process(this.consume(batch, origin), `${this.queue.name}.hw`);
        mine!.succeed();
      }
      this.m.lineWait.record(waited);
      // 5. Wait for our CMD_SYNC.
      if (cmds.length > 0 && cmds[cmds.length - 1]!.op === 'CMD_SYNC') {
        const ex = (ticket.executed ??= env.event<void>());
        if (!ex.processed) yield ex;
        if (!env.advance(this.cost.syncSeen)) yield this.cost.syncSeen;
        this.recordSync(ticket, waited);
      } else {
        this.m.insertWait.record(waited);
      }
    } finally {
      this.active--;
    }
  }

  private recordSync(ticket: Ticket, waited: number): void {
    this.m.syncWait.record(this.env.now - ticket.published);
    this.m.insertWait.record(waited + ticket.queue);
    this.m.engineWait.record(ticket.engine);
  }

  /** The hardware consuming one publish, list by list, in order. */
  private *consume(batch: readonly Ticket[], origin: CommandOrigin): ProcessGenerator<void> {
    for (const t of batch) {
      yield* this.smmu.execute(this.queue, t.cmds, origin, t);
      (t.executed ??= this.env.event<void>()).succeed();
    }
  }
}
