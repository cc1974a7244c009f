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
