/**
 * Read access to the resolved cost profile. Models ask for parameters by name; a name that
 * the profile does not define is a programming error and fails loudly.
 */
import type { ResolvedProfile } from '../../common/profile/profile';

export class Costs {
  constructor(private readonly profile: ResolvedProfile) {}

  get(name: string): number {
    const p = this.profile.params[name];
    if (p === undefined) throw new Error(`cost parameter "${name}" is not in profile "${this.profile.id}" (declare it in main/common/profile)`);
    return p.value;
  }

  /** A parameter as a whole number of ns (costs are charged on an integer clock). */
  ns(name: string): number {
    return Math.round(this.get(name));
  }

  /** Time to move `bytes` at a bandwidth parameter in bytes/ns, rounded up to whole ns. */
  transferNs(bytes: number, bandwidthParam: string): number {
    const bw = this.get(bandwidthParam);
    if (!(bw > 0)) throw new Error(`cost parameter "${bandwidthParam}" must be positive to move data`);
    return Math.ceil(bytes / bw);
  }
}
