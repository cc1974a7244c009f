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
import type { DmaPath, Direction, Mapping } from './path';
import { CORE_COSTS } from '../../common/profile/core';

export class DirectPath implements DmaPath {
  readonly name = 'dma-direct';
  private readonly mapNs: number;
  private readonly unmapNs: number;

  constructor(costs: Costs) {
    this.mapNs = costs.ns(CORE_COSTS.guestDmaDirectMapNs);
    this.unmapNs = costs.ns(CORE_COSTS.guestDmaDirectUnmapNs);
  }

  *probe(_cpu: Vcpu): ProcessGenerator<void> {}

  *map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    if (!cpu.res.env.advance(this.mapNs)) yield this.mapNs;
    return mappingOf(gpa, bytes, dir);
  }

  *unmap(cpu: Vcpu, _m: Mapping): ProcessGenerator<void> {
    if (!cpu.res.env.advance(this.unmapNs)) yield this.unmapNs;
  }

  *translate(_pfn: number, _off: number, _bytes: number, _write: boolean): ProcessGenerator<boolean> {
    return true;
  }

  tryMap(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): Mapping | null | undefined {
    if (!cpu.res.env.advance(this.mapNs)) return undefined;
    return mappingOf(gpa, bytes, dir);
  }

  tryUnmap(cpu: Vcpu, _m: Mapping): boolean {
    return cpu.res.env.advance(this.unmapNs);
  }

  translateNow(_pfn: number, _off: number, _bytes: number, _write: boolean): boolean {
    return true;
  }
}

/** The bus address is the guest-physical one. */
function mappingOf(gpa: number, bytes: number, dir: Direction): Mapping {
  if (!Number.isSafeInteger(gpa) || gpa < 0) splitSafe(gpa); // throws its RangeError
  return { iovaPfn: Math.floor(gpa / FRAME), iovaOff: gpa % FRAME, bytes, dir, gpa };
}
