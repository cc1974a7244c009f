/** zod types for unit-bearing fields: accept a canonical number or a unit string, produce the canonical number. */
import { z } from 'zod';
import { parseAddress, parseQuantity, UnitError, type QuantityKind } from '../units';

function quantity(kind: QuantityKind) {
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    try {
      return parseQuantity(v, kind);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: e instanceof UnitError ? e.message : String(e) });
      return z.NEVER;
    }
  });
}

export const bytes = () => quantity('bytes');

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
export const duration = () => quantity('duration');
export const bitrate = () => quantity('bitrate');
export const rate = () => quantity('rate');
export const count = () => z.number().int().nonnegative();
export const positiveCount = () => z.number().int().positive();
export const identifier = () =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'must be an identifier (letters, digits, _ . -; at most 64 characters)');
