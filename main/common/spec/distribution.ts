/**
 * Random-variable descriptions used by workloads (packet sizes, service times, think times).
 * A bare number or unit string is shorthand for a fixed value.
 */
import { z } from 'zod';
import type { QuantityKind } from '../units';
import { bitrate, bytes, duration, rate, type Range } from './quantity';

export type Distribution =
  | { kind: 'fixed'; value: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; stddev: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'empirical'; values: number[]; weights: number[] };

const QUANTITY = { bytes, duration, bitrate, rate } as const;

/**
 * A distribution of `unit` values; every parameter (and, for lognormal, e^(mu + 4·sigma)) lies in
 * `range` (the quantity's default range if omitted), weights are finite.
 */
export function distributionOf(unit: QuantityKind, range: Range = {}) {
  const q = QUANTITY[unit](range);
  const full = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), value: q }).strict(),
    z.object({ kind: z.literal('exponential'), mean: q }).strict(),
    z.object({ kind: z.literal('uniform'), min: q, max: q }).strict(),
    z.object({ kind: z.literal('normal'), mean: q, stddev: q }).strict(),
    z.object({ kind: z.literal('lognormal'), mu: z.number().finite().min(-50).max(50), sigma: z.number().finite().min(0).max(10) }).strict(),
    z.object({ kind: z.literal('empirical'), values: z.array(q).min(1), weights: z.array(z.number().finite().nonnegative().max(1e12)).min(1) }).strict(),
  ]).superRefine((d, ctx) => {
    if (d.kind === 'uniform' && d.max < d.min) ctx.addIssue({ code: 'custom', message: 'uniform: max must be at least min', path: ['max'] });
    if (d.kind === 'lognormal' && range.max !== undefined && Math.exp(d.mu + 4 * d.sigma) > range.max) {
      ctx.addIssue({ code: 'custom', message: `lognormal: e^(mu + 4·sigma) must stay at most ${range.max} (its 99.997th percentile)`, path: ['mu'] });
    }
    if (d.kind === 'empirical' && d.values.length !== d.weights.length) {
      ctx.addIssue({ code: 'custom', message: 'empirical: one weight per value', path: ['weights'] });
    }
    if (d.kind === 'empirical' && !d.weights.some((w) => w > 0)) ctx.addIssue({ code: 'custom', message: 'empirical: weights sum to zero', path: ['weights'] });
  });
  return z.union([q.transform((value): Distribution => ({ kind: 'fixed', value })), full]) as z.ZodType<Distribution, z.ZodTypeDef, unknown>;
}
