/**
 * dma-direct: no IOMMU, no bounce buffering. The bus address is the guest-physical address and
 * the device can reach all guest memory.
 *
 * Models: the guest CPU cost of the map/unmap calls; translation is free and never faults.
 * Does not model: cache maintenance on non-coherent platforms.
 */
import type { ProcessGenerator } from '../kernel';
import type { Costs } from '../costs/costs';
import type { Vcpu } from '../machine/vcpu';
import { FRAME, splitSafe } from '../mem/addr';
import type { DmaPath, Direction, InstantDma, Mapping } from './path';
import { CORE_COSTS } from '../../common/profile/core';

export class DirectPath implements DmaPath, InstantDma {
  readonly name = 'dma-direct';
  readonly mapHoldNs: number;
  readonly unmapHoldNs: number;
  /** Every call is a constant hold plus instantaneous work (DmaPath.instant). */
  readonly instant: InstantDma = this;

  constructor(costs: Costs) {
    this.mapHoldNs = costs.ns(CORE_COSTS.guestDmaDirectMapNs);
    this.unmapHoldNs = costs.ns(CORE_COSTS.guestDmaDirectUnmapNs);
  }

  *probe(_cpu: Vcpu): ProcessGenerator<void> {}

  *map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    if (!cpu.res.env.advance(this.mapHoldNs)) yield this.mapHoldNs;
    return this.mapAfterHold(cpu, gpa, bytes, dir);
  }

  *unmap(cpu: Vcpu, _m: Mapping): ProcessGenerator<void> {
    if (!cpu.res.env.advance(this.unmapHoldNs)) yield this.unmapHoldNs;
  }

  *translate(_pfn: number, _off: number, _bytes: number, _write: boolean): ProcessGenerator<boolean> {
    return true;
  }

  /** The bus address is the guest-physical one. */
  mapAfterHold(_cpu: Vcpu, gpa: number, bytes: number, dir: Direction): Mapping {
    if (!Number.isSafeInteger(gpa) || gpa < 0) splitSafe(gpa); // throws its RangeError
    // gpa − pfn × 4096, not gpa % 4096: past 2^31 a double's % is an fmod call (mem/addr.ts).
    const pfn = Math.floor(gpa / FRAME);
    return { iovaPfn: pfn, iovaOff: gpa - pfn * FRAME, bytes, dir, gpa };
  }

  unmapAfterHold(_cpu: Vcpu, _m: Mapping): void {}

  translateNow(_pfn: number, _off: number, _bytes: number, _write: boolean): boolean {
    return true;
  }
}
