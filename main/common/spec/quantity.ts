/**
 * zod types for unit-bearing fields: accept a canonical number or a unit string, produce the
 * canonical number. Every constructor takes the range the engine can honour; a value outside it
 * is one issue on the field's JSON path naming the range. Each constructor has a default bound (so
 * no field is unbounded); a field with a tighter one passes its own and says so in `.describe()`.
 */
import { z } from 'zod';
import { formatQuantity, parseAddress, parseQuantity, UnitError, type QuantityKind } from '../units';

export interface Range {
  /** Smallest accepted value (canonical unit). */
  min?: number;
  /** Largest accepted value (canonical unit). */
  max?: number;
}

/** Default ceilings: beyond these no run of the engine could finish or fit in memory. */
export const DEFAULT_MAX: Record<QuantityKind, number> = {
  bytes: 2 ** 50, // 1 PiB: above any guest or window the models simulate
  duration: 3_600e9, // 1 h of simulated time
  bitrate: 1e13, // 10 Tbit/s
  rate: 1e10, // 10 G events/s
};

function show(kind: QuantityKind, v: number): string {
  try {
    return formatQuantity(v, kind);
  } catch {
    return String(v);
  }
}

/**
 * The kind of each quantity schema made here, kept in its definition (zod copies `_def` into the
 * clone `.describe()` makes): the .d.ts generator reads it, as a range hides the kind from probing.
 */
type Tagged = { quantityKind?: QuantityKind };
export const quantityKindTag = (schema: z.ZodTypeAny): QuantityKind | undefined => (schema._def as Tagged).quantityKind;

function quantity(kind: QuantityKind, range: Range = {}) {
  const schema = ranged(kind, range);
  (schema._def as Tagged).quantityKind = kind;
  return schema;
}

function ranged(kind: QuantityKind, range: Range) {
  const min = range.min ?? 0;
  const max = range.max ?? DEFAULT_MAX[kind];
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    let value: number;
    try {
      value = parseQuantity(v, kind);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: e instanceof UnitError ? e.message : String(e) });
      return z.NEVER;
    }
    if (value < min || value > max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${String(v)} is out of range: must be between ${show(kind, min)} and ${show(kind, max)}` });
      return z.NEVER;
    }
    return value;
  });
}

/** Bytes (B, KiB, MiB, …); default range 0 … 1 PiB. */
export const bytes = (range?: Range) => quantity('bytes', range);

/** A 64-bit address aligned to `align` bytes (4 KiB at least): a number, a byte quantity or an exact hex string (units.ts parseAddress). */
export const address = (align = 4096) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    try {
      return parseAddress(v, align);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: e instanceof UnitError ? e.message : String(e) });
      return z.NEVER;
    }
  });
/** Nanoseconds (ns, us, ms, s, …); default range 0 … 1 h. */
export const duration = (range?: Range) => quantity('duration', range);
/** bit/s; default range 0 … 10 Tbit/s. */
export const bitrate = (range?: Range) => quantity('bitrate', range);
/** events/s; default range 0 … 1e10 /s. */
export const rate = (range?: Range) => quantity('rate', range);
/** A whole number 0 … max (default 2^31 − 1: array lengths and loops of the engine). */
export const count = (max = 2 ** 31 - 1) => z.number().int().nonnegative().max(max);
/** A whole number 1 … max (default 2^31 − 1). */
export const positiveCount = (max = 2 ** 31 - 1) => z.number().int().positive().max(max);
/** A finite number in [min, max]. */
export const real = (min: number, max: number) => z.number().finite().min(min).max(max);
export const identifier = () =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'must be an identifier (letters, digits, _ . -; at most 64 characters)');
