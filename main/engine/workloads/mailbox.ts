/**
 * A queue with a single consumer process: what a kernel Store gives that consumer, at the same
 * instants and through the same queue entries, without an event per take. An item put while the
 * consumer waits wakes it through the queue (urgently, as Store.get's event would); an item
 * already there is taken at once (as Store.get's already-processed event continues the process
 * in the same step). Bounded, it also has a single producer, which a full mailbox holds back as
 * a full Store holds a putter: the consumer's take that makes room moves the held item in and
 * wakes the producer through the queue. Used for the NIC's completions (one NAPI per queue,
 * unbounded) and a trace replay's per-CPU lanes (bounded by the replay's window).
 *
 * Models: nothing of its own (a hand-over between the device side and the driver).
 */
import { SimEvent, type Environment } from '../kernel';
import { Fifo } from './fifo';

export class Mailbox<T> {
  private readonly items = new Fifo<T>();
  private waiting: SimEvent<T> | null = null;
  /** The producer's item a full mailbox holds back, and the event that wakes the producer. */
  private held: T | undefined;
  private heldEvent: SimEvent<void> | null = null;

  constructor(
    private readonly env: Environment,
    readonly capacity = Infinity,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`Mailbox capacity must be at least 1, got ${capacity}`);
  }

  get length(): number {
    return this.items.length;
  }

  /** Puts `item` (the consumer waiting takes it); a bounded mailbox must have room (tryPut first). */
  put(item: T): void {
    if (!this.tryPut(item)) throw new Error('Mailbox.put on a full mailbox (tryPut, then yield putWhenRoom)');
  }

  /** Puts `item` when there is room: true; false (nothing stored) when full, then `yield putWhenRoom(item)`. */
  tryPut(item: T): boolean {
    const w = this.waiting;
    if (w !== null) {
      this.waiting = null;
      w.succeed(item);
      return true;
    }
    if (this.items.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** Holds `item` back until a take makes room; the event succeeds then, with the item stored. */
  putWhenRoom(item: T): SimEvent<void> {
    if (this.heldEvent !== null) throw new Error('Mailbox.putWhenRoom: it has one producer, already held back');
    if (this.items.length < this.capacity) throw new Error('Mailbox.putWhenRoom with room (tryPut first)');
    this.held = item;
    return (this.heldEvent = new SimEvent<void>(this.env));
  }

  /** The oldest item, taken now; undefined when there is none (then `yield wait()`). */
  tryTake(): T | undefined {
    if (this.items.length === 0) return undefined;
    const item = this.items.shift();
    const ev = this.heldEvent;
    if (ev !== null) {
      this.items.push(this.held as T);
      this.held = undefined;
      this.heldEvent = null;
      ev.succeed();
    }
    return item;
  }

  /** The event the consumer waits on when tryTake found nothing: it succeeds with the next item put. */
  wait(): SimEvent<T> {
    if (this.waiting !== null) throw new Error('Mailbox.wait: it has one consumer, already waiting');
    if (this.items.length > 0) throw new Error('Mailbox.wait with an item to take (tryTake first)');
    return (this.waiting = new SimEvent<T>(this.env));
  }
}
