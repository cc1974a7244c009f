/** formatNumber prints what toLocaleString('en-US') printed before it stopped using Intl (ICU's start-up cost). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber } from './table';

function reference(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (Math.abs(v) >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return Number(v.toPrecision(4)).toString();
}

test('formatNumber matches toLocaleString("en-US") on integers, values from 1000 up, and the edges', () => {
  const edges = [0, -0, 1, -1, 12, 999, 1000, -1000, 1234, 12345, 123456, 1234567, -1234567, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e20, 9.99e20, 1e21, 1e22, -1e21, 0.5, 3.14159, 999.95, 999.96, 1000.04, 1000.05, 1000.25, 1234.25, -1234.25, 1234.35, 999999.95, 1e15 + 0.5, 123456789.25, Infinity, -Infinity, NaN];
  let seed = 1;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const random = Array.from({ length: 5000 }, (_, i) => {
    const mag = 10 ** Math.floor(rnd() * 22);
    const v = (rnd() - 0.3) * mag;
    return i % 3 === 0 ? Math.round(v) : i % 3 === 1 ? Math.round(v * 100) / 100 : v;
  });
  for (const v of [...edges, ...random]) assert.equal(formatNumber(v), reference(v), `${v}`);
});
