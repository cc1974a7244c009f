/**
 * CSV (RFC 4180): CRLF line ends; fields with a comma, quote, CR or LF are quoted, quotes
 * doubled. Numbers are written with full precision so they read back to the same value; text
 * that a spreadsheet would evaluate as a formula is neutralised.
 */

export type Cell = string | number | boolean | null | undefined;

export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  // A text cell that a spreadsheet would read as a formula (=, +, -, @, tab, CR) is prefixed with
  // an apostrophe (OWASP CSV injection); numbers are written as numbers above and stay numbers.
  const s = /^[=+\-@\t\r]/.test(String(v)) ? `'${String(v)}` : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(','))];
  return lines.join('\r\n') + '\r\n';
}
