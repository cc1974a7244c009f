/** Axis scales and tick positions for the SVG charts: linear with "nice" steps, or base-10 logarithmic. */
import { fmtCompact } from './format';

export interface Scale {
  (v: number): number;
  ticks: number[];
  label(v: number): string;
  log: boolean;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

/** A scale from [min, max] (data) to [a, b] (pixels). Linear axes include zero when `zero`. */
export function makeScale(values: number[], a: number, b: number, opts: { log?: boolean; zero?: boolean; fixed?: [number, number] } = {}): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!opts.log || v > 0));
  if (opts.log) {
    let lo = finite.length ? Math.min(...finite) : 1;
    let hi = finite.length ? Math.max(...finite) : 10;
    lo = 10 ** Math.floor(Math.log10(lo));
    hi = 10 ** Math.ceil(Math.log10(hi));
    if (hi <= lo) hi = lo * 10;
    const l0 = Math.log10(lo);
    const l1 = Math.log10(hi);
    const f = ((v: number) => a + ((Math.log10(Math.max(v, lo)) - l0) / (l1 - l0)) * (b - a)) as Scale;
    const ticks: number[] = [];
    const every = Math.max(1, Math.ceil((l1 - l0) / 8));
    for (let e = l0; e <= l1 + 1e-9; e += every) ticks.push(10 ** e);
    f.ticks = ticks;
    f.label = fmtCompact;
    f.log = true;
    return f;
  }
  let lo = opts.fixed ? opts.fixed[0] : finite.length ? Math.min(...finite) : 0;
  let hi = opts.fixed ? opts.fixed[1] : finite.length ? Math.max(...finite) : 1;
  if (opts.zero && !opts.fixed) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  if (hi === lo) {
    hi = lo === 0 ? 1 : lo + Math.abs(lo) * 0.1;
    if (!opts.zero) lo = lo - (hi - lo);
  }
  const step = niceStep(hi - lo, 5);
  if (!opts.fixed) {
    lo = Math.floor(lo / step + 1e-9) * step;
    hi = Math.ceil(hi / step - 1e-9) * step;
  }
  const f = ((v: number) => a + ((v - lo) / (hi - lo)) * (b - a)) as Scale;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step * 1e-6; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  f.ticks = ticks;
  f.label = fmtCompact;
  f.log = false;
  return f;
}

/** Rough width of a label in the chart font (DejaVu Sans averages about 0.6 em per character; 0.66 leaves room for wide strings). */
export function textWidth(s: string, size: number): number {
  return s.length * size * 0.66;
}
