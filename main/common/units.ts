/**
 * Quantities with units, parsed strictly: '32GiB', '0x4000000', '50us', '10Gbps', '1Mpps'.
 * A value with a wrong or missing-but-required unit is an error, never a guess.
 * Canonical units: bytes, nanoseconds, bits per second, events per second.
 */

export type QuantityKind = 'bytes' | 'duration' | 'bitrate' | 'rate';

const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  K: 2 ** 10,
  M: 2 ** 20,
  G: 2 ** 30,
  T: 2 ** 40,
};
const DURATION_UNITS: Record<string, number> = { ps: 1e-3, ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, min: 60e9 };
const BITRATE_UNITS: Record<string, number> = { bps: 1, Kbps: 1e3, Mbps: 1e6, Gbps: 1e9, Tbps: 1e12, 'B/s': 8, 'KB/s': 8e3, 'MB/s': 8e6, 'GB/s': 8e9 };
const RATE_UNITS: Record<string, number> = { '/s': 1, Hz: 1, pps: 1, Kpps: 1e3, Mpps: 1e6, Gpps: 1e9, iops: 1, Kiops: 1e3, Miops: 1e6, KHz: 1e3, MHz: 1e6 };

const TABLES: Record<QuantityKind, Record<string, number>> = {
  bytes: BYTE_UNITS,
  duration: DURATION_UNITS,
  bitrate: BITRATE_UNITS,
  rate: RATE_UNITS,
};
const CANONICAL: Record<QuantityKind, string> = { bytes: 'bytes', duration: 'ns', bitrate: 'bit/s', rate: 'per second' };

export class UnitError extends Error {}

/** The unit suffixes each kind accepts (used to generate the script DSL's types). */
export function unitNames(kind: QuantityKind): string[] {
  return Object.keys(TABLES[kind]);
}

/**
 * Parses a quantity. Numbers are taken as already in the canonical unit. Strings need a unit,
 * except hexadecimal byte counts ('0x4000000'). Byte counts and durations must come out as
 * whole numbers of bytes / ns.
 */
export function parseQuantity(input: number | string, kind: QuantityKind): number {
  let value: number;
  if (typeof input === 'number') {
    value = input;
  } else {
    const text = input.trim();
    if (kind === 'bytes' && /^0x[0-9a-f]+$/i.test(text)) {
      value = Number.parseInt(text.slice(2), 16);
    } else {
      const m = /^(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([^\d\s].*)?$/i.exec(text);
      if (m === null) throw new UnitError(`"${input}" is not a ${kind} quantity (expected e.g. ${example(kind)})`);
      const unit = m[2];
      if (unit === undefined) throw new UnitError(`"${input}" needs a unit (e.g. ${example(kind)})`);
      const scale = TABLES[kind][unit];
      if (scale === undefined) {
        throw new UnitError(`unknown ${kind} unit "${unit}" in "${input}"; use one of ${Object.keys(TABLES[kind]).join(', ')}`);
      }
      value = Number(m[1]) * scale;
    }
  }
  if (!Number.isFinite(value) || value < 0) throw new UnitError(`${kind} must be a finite non-negative value, got ${String(input)}`);
  if (kind === 'bytes' || kind === 'duration') {
    const rounded = Math.round(value);
    if (Math.abs(rounded - value) > 1e-6 * Math.max(1, value)) {
      throw new UnitError(`"${input}" is not a whole number of ${CANONICAL[kind]}`);
    }
    value = rounded;
    if (!Number.isSafeInteger(value)) throw new UnitError(`"${input}" is too large`);
  }
  return value;
}

/**
 * Parses a 64-bit address: a safe integer, a byte quantity ('4GiB'), or a hexadecimal string up to
 * 0xffffffffffffffff, read exactly (as a bigint). An address above 2^53 must be a multiple of
 * `align` (≥ 4 KiB, a power of two): such an address is an exact double (frame × 2^12, at most 52
 * significant bits), any other is not and is refused rather than rounded. A number above 2^53
 * arrives already rounded by the JSON or script parser; write such an address in hex.
 */
export function parseAddress(input: number | string, align = 4096): number {
  let big: bigint;
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0) throw new UnitError(`an address must be a non-negative integer, got ${input}`);
    big = BigInt(input);
  } else if (/^0x[0-9a-f]+$/i.test(input.trim())) {
    big = BigInt(input.trim());
  } else {
    big = BigInt(parseQuantity(input, 'bytes'));
  }
  if (big >= 1n << 64n) throw new UnitError(`address ${String(input)} is beyond the 64-bit range`);
  if (big % BigInt(align) !== 0n) throw new UnitError(`address ${String(input)} must be a multiple of ${align} bytes`);
  return Number(big);
}

function example(kind: QuantityKind): string {
  switch (kind) {
    case 'bytes':
      return "'4KiB', '32GiB', '0x4000000'";
    case 'duration':
      return "'50us', '10ms', '2s'";
    case 'bitrate':
      return "'10Gbps', '2GB/s'";
    case 'rate':
      return "'1Mpps', '500Kiops'";
  }
}

/** Formats a canonical value for people, e.g. 1073741824 bytes → '1 GiB'. */
export function formatQuantity(value: number, kind: QuantityKind): string {
  const scales: [string, number][] =
    kind === 'bytes'
      ? [['PiB', 2 ** 50], ['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10], ['B', 1]]
      : kind === 'duration'
        ? [['s', 1e9], ['ms', 1e6], ['us', 1e3], ['ns', 1]]
        : kind === 'bitrate'
          ? [['Tbps', 1e12], ['Gbps', 1e9], ['Mbps', 1e6], ['Kbps', 1e3], ['bps', 1]]
          : [['G/s', 1e9], ['M/s', 1e6], ['K/s', 1e3], ['/s', 1]];
  for (const [unit, scale] of scales) {
    if (Math.abs(value) >= scale) return `${Number((value / scale).toPrecision(4))} ${unit}`;
  }
  return `${value} ${scales[scales.length - 1]![0]}`;
}
