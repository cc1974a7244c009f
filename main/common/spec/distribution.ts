/**
 * Random-variable descriptions used by workloads (packet sizes, service times, think times).
 * A bare number or unit string is shorthand for a fixed value.
 */
import { z } from 'zod';
import { parseQuantity, type QuantityKind } from '../units';

export type Distribution =
  | { kind: 'fixed'; value: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; stddev: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'empirical'; values: number[]; weights: number[] };

export function distributionOf(unit: QuantityKind) {
  const q = z.union([z.number(), z.string()]).transform((v, ctx) => {
    try {
      return parseQuantity(v, unit);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
      return z.NEVER;
    }
  });
  const full = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), value: q }).strict(),
    z.object({ kind: z.literal('exponential'), mean: q }).strict(),
    z.object({ kind: z.literal('uniform'), min: q, max: q }).strict(),
    z.object({ kind: z.literal('normal'), mean: q, stddev: q }).strict(),
    z.object({ kind: z.literal('lognormal'), mu: z.number(), sigma: z.number().nonnegative() }).strict(),
    z.object({ kind: z.literal('empirical'), values: z.array(q).min(1), weights: z.array(z.number().nonnegative()).min(1) }).strict(),
  ]).superRefine((d, ctx) => {
    if (d.kind === 'uniform' && d.max < d.min) ctx.addIssue({ code: 'custom', message: 'uniform: max must be at least min', path: ['max'] });
    if (d.kind === 'empirical' && d.values.length !== d.weights.length) {
      ctx.addIssue({ code: 'custom', message: 'empirical: one weight per value', path: ['weights'] });
    }
    if (d.kind === 'empirical' && !d.weights.some((w) => w > 0)) ctx.addIssue({ code: 'custom', message: 'empirical: weights sum to zero', path: ['weights'] });
  });
  return z.union([q.transform((value): Distribution => ({ kind: 'fixed', value })), full]) as z.ZodType<Distribution, z.ZodTypeDef, unknown>;
}
