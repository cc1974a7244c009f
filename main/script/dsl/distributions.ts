/**
 * Random-variable helpers for the workload options that take a distribution (a NIC's packet
 * size, a disk's service time, …): `exponential(us(50))` is `{ kind: 'exponential', mean: '50us' }`.
 * Values are in the option's unit: a number in the canonical unit or a unit string. The helpers
 * only build the object; the spec schema checks units and parameters on the host (a bare
 * quantity, e.g. `'1500'` or `us(50)`, is already a fixed value).
 */

/** Always `value`: `fixed(us(20))`. The same as giving the quantity itself. */
export function fixed<Q extends number | string>(value: Q): { kind: 'fixed'; value: Q } {
  return { kind: 'fixed', value };
}

/** Exponentially distributed with the given mean (memoryless: Poisson arrivals, M/M/1 service): `exponential(us(50))`. */
export function exponential<Q extends number | string>(mean: Q): { kind: 'exponential'; mean: Q } {
  return { kind: 'exponential', mean };
}

/** Uniform between `min` and `max` (inclusive; max ≥ min): `uniform(64, 1500)`. */
export function uniform<Q extends number | string>(min: Q, max: Q): { kind: 'uniform'; min: Q; max: Q } {
  return { kind: 'uniform', min, max };
}

/** Normal with the given mean and standard deviation (negative draws are clamped to 0 by the engine). */
export function normal<Q extends number | string>(mean: Q, stddev: Q): { kind: 'normal'; mean: Q; stddev: Q } {
  return { kind: 'normal', mean, stddev };
}

/**
 * Log-normal: exp of a normal with mean `mu` and standard deviation `sigma` (σ ≥ 0), both of the
 * natural log of the value in the option's canonical unit (bytes, ns).
 */
export function lognormal(mu: number, sigma: number): { kind: 'lognormal'; mu: number; sigma: number } {
  return { kind: 'lognormal', mu, sigma };
}

/**
 * One of `values`, drawn with the given relative weights (one non-negative weight per value, not
 * all zero): `empirical([64, 576, 1500], [0.5, 0.1, 0.4])` — an IMIX-like packet mix.
 */
export function empirical<Q extends number | string>(values: readonly Q[], weights: readonly number[]): { kind: 'empirical'; values: Q[]; weights: number[] } {
  return { kind: 'empirical', values: [...values], weights: [...weights] };
}
