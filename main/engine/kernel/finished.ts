/**
 * Finished generators: what a call whose whole work was done when it was called (every hold
 * taken in place with Environment.advance, every resource with tryAcquire) hands to its caller's
 * `yield*`, instead of a generator object made only to return at its first next().
 *
 * A call written this way does its work up to its first hold that must really yield at call
 * time — under `yield*` the same instant and the same order as a generator's first next() —
 * and returns either a finished generator (all done) or a generator for the rest. The caller's
 * `yield*` sees the same values either way; only the allocation and one generator level per
 * resume are gone. `continueWith` is the rest of a call that started another such call and
 * found it not finished.
 * Not a model of anything: the kernel's own form of "no yield needed".
 */
import type { ProcessGenerator, Yieldable } from './process';

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

/** A generator that returns `value` at its first next(): for values other than the shared ones below. */
export function finished<T>(value: T): ProcessGenerator<T> {
  return new Finished(value);
}

/** Done, returning nothing. */
export const DONE: ProcessGenerator<void> = new Finished<void>(undefined);
/** Done, returning true. */
export const DONE_TRUE: ProcessGenerator<boolean> = new Finished(true);
/** Done, returning false. */
export const DONE_FALSE: ProcessGenerator<boolean> = new Finished(false);

/** The generator that holds `ns` and returns `value`: the rest of a call whose last hold must yield. */
export function* holdThen<T>(ns: number, value: T): ProcessGenerator<T> {
  yield ns;
  return value;
}

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
