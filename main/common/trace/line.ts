/**
 * One line of the text Linux's tracefs (`/sys/kernel/tracing/trace`, `trace_pipe`) and
 * `trace-cmd report` print for an event: the header the tracer writes before the event's own
 * TP_printk text.
 *
 *   `<task>-<pid> [(<tgid>)] [<cpu>] [<irq flags>] <seconds>.<fraction>: <event>: <fields>`
 *
 * (the tgid column appears with `options/record-tgid`, the flags column with `options/irq-info`,
 * which is the default; trace-cmd pads the event name). Comment and bookkeeping lines (`#`, a
 * blank line, trace-cmd's `cpus=N` and `CPU N is empty`, the buffer-start markers) carry no
 * event; `CPU:N [LOST M EVENTS]` says the ring buffer overflowed and M events are missing.
 * Does not parse: the latency format (`-l`, `options/latency-format`), raw/hex/bin output,
 * counter clocks whose timestamps are plain integers.
 */
import { TraceFormatError } from './errors';

export interface TraceLine {
  readonly task: string;
  readonly pid: number;
  readonly cpu: number;
  /** The irq-info column (`d..1.`), or '' when the tracer did not print it. */
  readonly flags: string;
  /** Timestamp in nanoseconds, exact (seconds and fraction as printed; microseconds pad to ns). */
  readonly ts: number;
  /** Event name without its system (`map`, `dma_map_page`); a `system:` prefix is removed. */
  readonly event: string;
  /** The event's TP_printk text. */
  readonly body: string;
}

export type LineKind = { kind: 'event'; line: TraceLine } | { kind: 'none' } | { kind: 'lost'; cpu: number; events: number };

const HEADER = /^\s*(.+?)-(\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[(\d{1,5})\]\s+(?:([.A-Za-z0-9]{4,6})\s+)?(\d{1,12})\.(\d{1,9}):\s+([A-Za-z_][\w]*(?::[A-Za-z_]\w*)?):\s?\s*(.*)$/;
const LOST = /^CPU:(\d+) \[LOST (\d+) EVENTS\]$/;
const BOOKKEEPING = /^(?:cpus=\d+|CPU \d+ is empty|#{5} CPU \d+ buffer started #{4})$/;

const NS_PAD = ['', '00000000', '0000000', '000000', '00000', '0000', '000', '00', '0', ''];

const HASH = 35;
const NONE: LineKind = Object.freeze({ kind: 'none' });

/** Whether `t` is all white space, looking no further than its first other character (event lines start with padding). */
function isBlank(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 32 || c === 9 || (c >= 10 && c <= 13)) continue;
    // Beyond ASCII, what trim() removes is what \s matches (no-break space, BOM, the Zs spaces…).
    if (c < 128 || !WHITE.test(t[i]!)) return false;
  }
  return true;
}
const WHITE = /\s/;

/** Splits one line; `lineNo` (1-based) is for the error a malformed line gets. */
export function parseTraceLine(text: string, lineNo: number): LineKind {
  const t = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (t.length === 0 || t.charCodeAt(0) === HASH || isBlank(t)) return NONE;
  const m = HEADER.exec(t);
  if (m === null) {
    const trimmed = t.trim();
    if (BOOKKEEPING.test(trimmed)) return NONE;
    const lost = LOST.exec(trimmed);
    if (lost !== null) return { kind: 'lost', cpu: Number(lost[1]), events: Number(lost[2]) };
    throw new TraceFormatError(lineNo, 'not a trace event line (expected "task-pid [cpu] flags seconds.fraction: event: fields")');
  }
  const fraction = m[6]!;
  const ts = Number(m[5]!) * 1e9 + Number(fraction + NS_PAD[fraction.length]!);
  if (!Number.isSafeInteger(ts)) throw new TraceFormatError(lineNo, `timestamp ${m[5]}.${fraction} s is beyond the exact range of nanoseconds`);
  const name = m[7]!;
  const colon = name.indexOf(':');
  return {
    kind: 'event',
    line: {
      task: m[1]!,
      pid: Number(m[2]!),
      cpu: Number(m[3]!),
      flags: m[4] ?? '',
      ts,
      event: colon < 0 ? name : name.slice(colon + 1),
      body: m[8]!.trimEnd(),
    },
  };
}
