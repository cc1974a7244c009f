/**
 * A queue with a single consumer process: what a kernel Store of unbounded capacity gives that
 * consumer, at the same instants and through the same queue entries, without an event per take.
 * An item put while the consumer waits wakes it through the queue (urgently, as Store.get's
 * event would); an item already there is taken at once (as Store.get's already-processed event
 * continues the process in the same step). Used for the NIC's completions (one NAPI per queue).
 *
 * Models: nothing of its own (a hand-over between the device side and the driver).
 */
import { SimEvent, type Environment } from '../kernel';
import { Fifo } from './fifo';

export class Mailbox<T> {
  private readonly items = new Fifo<T>();
  private waiting: SimEvent<T> | null = null;

  constructor(private readonly env: Environment) {}

  get length(): number {
    return this.items.length;
  }

  put(item: T): void {
    const w = this.waiting;
    if (w !== null) {
      this.waiting = null;
      w.succeed(item);
    } else {
      this.items.push(item);
    }
  }

  /** The oldest item, taken now; undefined when there is none (then `yield wait()`). */
  tryTake(): T | undefined {
    return this.items.length > 0 ? this.items.shift() : undefined;
  }

  /** The event the consumer waits on when tryTake found nothing: it succeeds with the next item put. */
  wait(): SimEvent<T> {
    if (this.waiting !== null) throw new Error('Mailbox.wait: it has one consumer, already waiting');
    if (this.items.length > 0) throw new Error('Mailbox.wait with an item to take (tryTake first)');
    return (this.waiting = new SimEvent<T>(this.env));
  }
}
