/** Plain-text tables for the terminal. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]): string =>
    r
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n') + '\n';
}

/**
 * A metric's value for a table: integers with thousands separators, values from 1000 up to one
 * decimal, smaller ones to 4 significant digits. The separators are what toLocaleString('en-US')
 * prints (table.test.ts compares them), made here without Intl: its first use loads ICU's data,
 * tens of ms of the CLI's start-up.
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  // From 1e21 String() prints an exponent; below, it prints the shortest digits that read back as the value, as Intl does.
  if (abs >= 1e21) return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 1 });
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  if (Number.isInteger(v)) return sign + grouped(String(abs));
  if (abs >= 1000) {
    // Intl rounds the shortest decimal that reads back as the value (String's), half away from zero.
    const [int, frac = ''] = String(abs).split('.') as [string, string?];
    const tenths = (BigInt(int + (frac[0] ?? '0')) + (frac[1] !== undefined && frac[1] >= '5' ? 1n : 0n)).toString();
    const last = tenths.slice(-1);
    return sign + grouped(tenths.slice(0, -1)) + (last === '0' ? '' : `.${last}`);
  }
  return Number(v.toPrecision(4)).toString();
}

/** `digits` (a whole number) with a comma between each group of three. */
export function grouped(digits: string): string {
  let out = digits.slice(-3);
  for (let i = digits.length - 3; i > 0; i -= 3) out = `${digits.slice(Math.max(0, i - 3), i)},${out}`;
  return out;
}
