/**
 * Unit helpers for scripts: `GiB(8)` is the string '8GiB'. They only build the string (the spec
 * schema parses it on the host); they refuse values that no unit can make right.
 */
import type { Bitrate, ByteSize, Duration, Rate } from './spec-types.generated';

function quantity<T extends string>(unit: string): (value: number) => T {
  return (value: number): T => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`${unit}(${String(value)}): expected a finite non-negative number`);
    }
    return `${value}${unit}` as T;
  };
}

/** `KiB(4)` → '4KiB' (4 × 1024 bytes). */
export const KiB: (value: number) => ByteSize = quantity('KiB');
/** `MiB(2)` → '2MiB' (2 × 2^20 bytes). */
export const MiB: (value: number) => ByteSize = quantity('MiB');
/** `GiB(8)` → '8GiB' (8 × 2^30 bytes). */
export const GiB: (value: number) => ByteSize = quantity('GiB');
/** `TiB(1)` → '1TiB' (2^40 bytes). */
export const TiB: (value: number) => ByteSize = quantity('TiB');
/** `ns(500)` → '500ns'. */
export const ns: (value: number) => Duration = quantity('ns');
/** `us(50)` → '50us' (microseconds). */
export const us: (value: number) => Duration = quantity('us');
/** `ms(20)` → '20ms'. */
export const ms: (value: number) => Duration = quantity('ms');
/** `s(2)` → '2s'. */
export const s: (value: number) => Duration = quantity('s');
/** `Mbps(100)` → '100Mbps' (10^6 bit/s). */
export const Mbps: (value: number) => Bitrate = quantity('Mbps');
/** `Gbps(25)` → '25Gbps' (10^9 bit/s). */
export const Gbps: (value: number) => Bitrate = quantity('Gbps');
/** `Kpps(500)` → '500Kpps' (10^3 packets/s). */
export const Kpps: (value: number) => Rate = quantity('Kpps');
/** `Mpps(1)` → '1Mpps' (10^6 packets/s). */
export const Mpps: (value: number) => Rate = quantity('Mpps');
