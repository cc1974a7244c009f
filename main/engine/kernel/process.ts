/**
 * Processes: generator functions driven by the kernel.
 *
 * A process yields a number (hold for that many ns, allocation-free), or an event (wait until it
 * is processed; its value is sent back, its error thrown in). As in SimPy, an event triggered
 * at this instant is processed through the queue first, so same-instant waiters wake in order;
 * an event that is already processed (a synchronous grant) continues the process at once.
 * A hold that nothing queued could interleave with is merged into the step (see Environment).
 * When the generator returns, the process — itself an event — succeeds with the returned value.
 * Does not model: preemption or interrupts; a process runs until it yields.
 */
import type { Environment } from './environment';
import { PENDING, SimEvent, type Waiter } from './event';

export type Yieldable = number | SimEvent<unknown>;
export type ProcessGenerator<T = void> = Generator<Yieldable, T, unknown>;

export class Process<T = void> extends SimEvent<T> implements Waiter {
  constructor(
    env: Environment,
    private readonly gen: ProcessGenerator<T>,
    readonly name: string,
  ) {
    super(env);
    env.scheduleHold(0, this, 0);
  }

  /**
   * Kernel-internal. A process is queued as itself for two things that never overlap: while
   * it is pending, to resume from a hold (no closure per process); once it has finished, as
   * its own completion event.
   */
  override process(): void {
    if (this.state !== PENDING) {
      super.process();
      return;
    }
    this.env.direct = this;
    this.step(undefined, false);
  }

  wake(event: SimEvent<unknown>): void {
    if (event.failed) {
      event.defused = true;
      this.step(event.error, true);
    } else {
      this.step(event.value, false);
    }
  }

  private step(input: unknown, isError: boolean): void {
    let sendValue = input;
    let sendError = isError;
    for (;;) {
      let r: IteratorResult<Yieldable, T>;
      const env = this.env;
      const outer = env.current;
      env.current = this;
      try {
        r = sendError ? this.gen.throw(sendValue) : this.gen.next(sendValue);
      } catch (err) {
        env.current = outer;
        this.fail(err);
        return;
      }
      env.current = outer;
      if (r.done) {
        this.succeed(r.value);
        return;
      }
      const y = r.value;
      if (typeof y === 'number') {
        if (this.env.advanceDirect(this, y)) {
          sendValue = undefined;
          sendError = false;
          continue;
        }
        this.env.scheduleHold(y, this, 1);
        return;
      }
      if (!(y instanceof SimEvent)) {
        const err = new TypeError(`process "${this.name}" yielded ${String(y)}; yield a delay in ns or an event`);
        this.fail(err);
        return;
      }
      if (y.processed) {
        if (y.failed) {
          y.defused = true;
          sendValue = y.error;
          sendError = true;
        } else {
          sendValue = y.value;
          sendError = false;
        }
        continue;
      }
      y.addWaiter(this);
      return;
    }
  }
}
