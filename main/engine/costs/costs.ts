/**
 * Read access to the resolved cost profile through declared handles (main/common/profile/params):
 * `costs.ns(C.exit)`. A handle always names a declared parameter, and profile resolution gives
 * every declared parameter a value, so a lookup cannot miss for a registered model.
 */
import type { Cost } from '../../common/profile/params';
import type { ResolvedProfile } from '../../common/profile/profile';

export class Costs {
  constructor(private readonly profile: ResolvedProfile) {}

  get(c: Cost): number {
    const p = this.profile.params[c.name];
    // Only a model missing from models/registry.ts (its costs never reached the catalog) gets here.
    if (p === undefined) throw new Error(`cost parameter "${c.name}" is not in profile "${this.profile.id}" (is its model listed in main/engine/models/registry.ts?)`);
    return p.value;
  }

  /** A time parameter as a whole number of ns (costs are charged on an integer clock). */
  ns(c: Cost<'ns' | 'ns/page' | 'ns/byte'>): number {
    return Math.round(this.get(c));
  }

  /** Time to move `bytes` at a bandwidth parameter in bytes/ns, rounded up to whole ns. */
  transferNs(bytes: number, bandwidth: Cost<'bytes/ns'>): number {
    const bw = this.get(bandwidth);
    if (!(bw > 0)) throw new Error(`cost parameter "${bandwidth.name}" must be positive to move data`);
    return Math.ceil(bytes / bw);
  }
}
