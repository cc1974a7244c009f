/**
 * Errors that one layer throws and another catches (besides the positioned diagnostics): one
 * definition each, here, so `instanceof` means the same everywhere (lint: errors crossing a
 * zone boundary come from main/common).
 */

/** A run stopped because its caller asked (the engine polls `shouldCancel`); the engine host records it as cancelled. */
export class CancelledError extends Error {
  constructor() {
    super('run cancelled');
    this.name = 'CancelledError';
  }
}

/** A PDF report could not be made (no Chromium to print with); the CLI prints it as one sentence. */
export class PdfError extends Error {}

/** The database was written by a newer vIOMMU Lab (schema version above the latest migration); the store refuses it. */
export class StoreVersionError extends Error {}

/**
 * A metric came out NaN or ±Infinity: an engine bug (a division by zero, an unguarded cost), never
 * the user's input. The collector refuses to hand such a result back, so the run fails with this
 * message, naming the metric, instead of storing NULL or a poisoned mean.
 */
export class MetricValueError extends Error {
  constructor(
    readonly metric: string,
    readonly value: number,
  ) {
    super(`internal error: metric ${metric} is ${value} (an engine bug, not a problem of the spec; please report it with the spec)`);
    this.name = 'MetricValueError';
  }
}
