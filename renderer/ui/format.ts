/** Number and time formatting for tables and tooltips. */

// One formatting for the workbench and the reports (main/common/report/format.ts).
import { fmtNumber } from '../../main/common/report/format';

export { fmtDuration, fmtNumber } from '../../main/common/report/format';

export function fmtTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtPoint(point: Record<string, unknown>): string {
  const e = Object.entries(point);
  return e.length ? e.map(([k, v]) => `${k}=${String(v)}`).join(' · ') : '—';
}

export function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return fmtNumber(v, 6);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
