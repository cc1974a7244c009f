/**
 * Finished generators: what a model call whose whole work could be done in place (every hold
 * taken with Environment.advance, every resource with tryAcquire) hands to its caller's
 * `yield*`, instead of a generator object made only to return at its first next().
 *
 * A call written this way does its work up to its first hold that must really yield at call
 * time — which, under `yield*`, is the same instant and the same order as a generator's first
 * next() — and returns either one of these (all done) or a generator for the rest. The
 * caller's `yield*` sees the same values either way; only the allocation and the trip through
 * one more generator level are gone.
 * Not a model of anything: an engine device (the kernel's own form of "no yield needed").
 */
import type { ProcessGenerator, Yieldable } from '../../kernel';

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

  throw(e: unknown): IteratorResult<Yieldable, T> {
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }
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
