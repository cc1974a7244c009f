/**
 * Finished generators: what a DMA-path call whose whole work was done when it was called hands
 * to its caller's `yield*` (which reads it at once: a finished generator returns at its first
 * next()), instead of a generator object made only to return at its first next(). The same
 * device as the SMMUv3 model's in-place calls (models/smmuv3/in-place.ts).
 * Not a model of anything.
 */
import type { ProcessGenerator, Yieldable } from '../kernel';

class Finished<T> implements Generator<Yieldable, T, unknown> {
  private readonly result: IteratorReturnResult<T>;

  constructor(value: T) {
    this.result = { done: true, value };
  }

  next(): IteratorResult<Yieldable, T> {
    return this.result;
  }

  return(value: T): IteratorResult<Yieldable, T> {
    return { done: true, value };
  }

  throw(err: unknown): IteratorResult<Yieldable, T> {
    throw err;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/** Done, returning true. */
export const FINISHED_TRUE: ProcessGenerator<boolean> = new Finished(true);
/** Done, returning false. */
export const FINISHED_FALSE: ProcessGenerator<boolean> = new Finished(false);

/**
 * The rest of generator `g` once its first step `first` (already taken) yielded: `yield*` by
 * hand from there — every value yielded up, every value or error sent back down — then `done`
 * applied to what g returns.
 */
export function* continueWith<T, R>(g: ProcessGenerator<T>, first: IteratorResult<Yieldable, T>, done: (value: T) => R): ProcessGenerator<R> {
  let r = first;
  while (!r.done) {
    let sent: unknown;
    try {
      sent = yield r.value;
    } catch (err) {
      r = g.throw(err);
      continue;
    }
    r = g.next(sent);
  }
  return done(r.value);
}
