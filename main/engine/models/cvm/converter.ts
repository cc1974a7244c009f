/**
 * A confidential guest's private/shared conversions and memory acceptance in simulated time,
 * per VM, for TDX, SEV-SNP and PEF: the guest side on the calling vCPU, the VMM's share on the
 * VM's VMM thread, the host kernel's (KVM: zaps, EPT/NPT faults, RMP updates) on the vCPU whose
 * exit it serves. The memory effects come from CvmMemory; the hypercall shape from protocols.ts.
 *
 * Models (DOMAIN.md §8): set_memory_decrypted/encrypted — cache flush (TDX) and PTE rewrite per
 * page, a TLB shootdown, then the kind's hypercall (TDX MapGPA in 2 MiB round trips; SNP PVALIDATE
 * rescind, PSC requests of ≤ N entries with one RMPUPDATE per entry; PEF one ultracall with a
 * per-page cost); the VMM per round trip: the exit to userspace, KVM_SET_MEMORY_ATTRIBUTES and,
 * with discard, the punch-hole; then the refaults of what KVM zapped; shared→private also
 * accepts/validates (2 MiB, or 512 × 4 KiB where the host maps 4 KiB). Acceptance of private
 * memory: eager (all RAM at boot) or lazy (units of the 2 MiB bitmap accepted on first use).
 * Does not model: interrupts retrying a MapGPA, other vCPUs' time lost to the shootdown IPI,
 * the PSC hypervisor completing requests in part.
 */
import type { Environment, ProcessGenerator } from '../../kernel';
import type { Resource } from '../../kernel';
import type { Vcpu } from '../../machine/vcpu';
import { AcceptBitmap } from '../../mem/accept-bitmap';
import { CvmMemory } from '../../mem/cvm-memory';
import { PAGE, PAGES_2M, type Attr, type BackingConfig } from '../../mem/host-backing';
import { acceptOps, mapGpaRoundTrips, pscPlan } from './protocols';

export type CvmKind = 'tdx' | 'sev-snp' | 'pef';

/** Every cost the converter charges, in ns (resolved from the profile by the model). */
export interface CvmCosts {
  readonly ptePerPage: number;
  readonly cacheFlushPerPage: number;
  readonly tlbShootdown: number;
  readonly tdvmcall: number;
  readonly vmgexit: number;
  readonly rmpUpdatePerEntry: number;
  readonly pvalidateOp: number;
  readonly pvalidatePerPage: number;
  readonly acceptOp: number;
  readonly acceptPerPage: number;
  readonly ucall: number;
  readonly ucallPerPage: number;
  readonly vmmExit: number;
  readonly setAttributes: number;
  readonly punchHole: number;
  readonly zapPerLeaf: number;
  readonly faultPrivate: number;
  readonly faultShared: number;
  readonly pscMaxEntries: number;
}

export interface CvmCounts {
  conversionsToShared: number;
  conversionsToPrivate: number;
  runtimeConversions: number;
  /** Bytes converted in whole aligned 2 MiB units, and the rest (at 4 KiB). */
  converted2m: number;
  converted4k: number;
  exitsMapGpa: number;
  exitsPsc: number;
  exitsUcall: number;
  vmmRoundTrips: number;
  eptFaults: number;
  splits: number;
  acceptedBytes: number;
  acceptNs: number;
  acceptOps: number;
  acceptFallbacks: number;
  conversionNs: number;
}

export class CvmConverter {
  readonly mem: CvmMemory;
  readonly accept: AcceptBitmap;
  readonly counts: CvmCounts = {
    conversionsToShared: 0,
    conversionsToPrivate: 0,
    runtimeConversions: 0,
    converted2m: 0,
    converted4k: 0,
    exitsMapGpa: 0,
    exitsPsc: 0,
    exitsUcall: 0,
    vmmRoundTrips: 0,
    eptFaults: 0,
    splits: 0,
    acceptedBytes: 0,
    acceptNs: 0,
    acceptOps: 0,
    acceptFallbacks: 0,
    conversionNs: 0,
  };
  /** Set once boot is over: later conversions count as runtime ones. */
  booted = false;

  constructor(
    private readonly env: Environment,
    readonly kind: CvmKind,
    ramBytes: number,
    backing: BackingConfig,
    private readonly costs: CvmCosts,
    private readonly vmm: Resource,
    private readonly opts: { readonly pscLargeEntries: boolean } = { pscLargeEntries: true },
    private readonly onChange: () => void = () => {},
  ) {
    const pages = Math.floor(ramBytes / PAGE);
    this.mem = new CvmMemory(pages, backing, 'private');
    this.accept = new AcceptBitmap(pages);
  }

  get pages(): number {
    return this.mem.pages;
  }

  /**
   * Accepts the unaccepted 2 MiB units covering [gpa, gpa + bytes) on `cpu` (lazy acceptance's
   * accept-on-first-use, or everything at boot when eager). Returns the ns it took.
   */
  *acceptRange(_cpu: Vcpu, gpa: number, bytes: number): ProcessGenerator<number> {
    const start = Math.floor(gpa / PAGE);
    const end = Math.min(this.pages, Math.ceil((gpa + bytes) / PAGE));
    const runs = this.accept.take(start, end);
    if (runs.length === 0) return 0;
    const t0 = this.env.now;
    for (const [u0, u1] of runs) {
      const a = u0 * PAGES_2M;
      const b = Math.min(this.pages, u1 * PAGES_2M);
      // SNP: the pages are first made private in the RMP by PSC (KVM forwards it to the VMM).
      if (this.kind === 'sev-snp') {
        const plan = pscPlan(a, b, this.opts.pscLargeEntries, this.costs.pscMaxEntries);
        this.counts.exitsPsc += plan.requests;
        yield plan.requests * this.costs.vmgexit + plan.entries * this.costs.rmpUpdatePerEntry;
        yield* this.vmmTrips(plan.roundTrips);
      }
      yield this.acceptCost(a, b);
    }
    const ns = this.env.now - t0;
    this.counts.acceptNs += ns;
    this.onChange();
    return ns;
  }

  /** Converts [gpa, gpa + bytes) (page-aligned outward) to `to`, on `cpu`. */
  *convert(_cpu: Vcpu, gpa: number, bytes: number, to: Attr): ProcessGenerator<void> {
    const t0 = this.env.now;
    const start = Math.floor(gpa / PAGE);
    const end = Math.min(this.pages, Math.ceil((gpa + bytes) / PAGE));
    if (end <= start) return;
    const c = this.costs;
    const pages = end - start;
    // Memory handed to a conversion is in use, so it has been accepted (memblock and the page
    // allocator accept before they hand memory out).
    yield* this.acceptRange(_cpu, start * PAGE, pages * PAGE);
    if (to === 'shared') this.counts.conversionsToShared++;
    else this.counts.conversionsToPrivate++;
    if (this.booted) this.counts.runtimeConversions++;
    const a2 = Math.ceil(start / PAGES_2M) * PAGES_2M;
    const b2 = Math.floor(end / PAGES_2M) * PAGES_2M;
    const whole = b2 > a2 ? b2 - a2 : 0;
    this.counts.converted2m += whole * PAGE;
    this.counts.converted4k += (pages - whole) * PAGE;

    // Guest: flush caches (TDX: the memory's encryption changes under its cache lines), rewrite
    // the direct-map PTEs, shoot the TLBs down.
    let guest = pages * c.ptePerPage + c.tlbShootdown;
    if (this.kind === 'tdx') guest += pages * c.cacheFlushPerPage;
    // SNP rescinds validation before a page leaves private.
    if (this.kind === 'sev-snp' && to === 'shared') guest += this.pvalidateCost(start, end);
    yield guest;

    // Hypercall (guest-visible exits) and the host side: KVM zaps, the VMM round trips, refaults.
    const call = this.hypercall(start, end);
    yield call.ns;
    const effect = this.mem.convert(start, end, to);
    this.counts.splits += effect.splits;
    yield* this.vmmTrips(call.roundTrips);
    this.counts.eptFaults += effect.refaults;
    yield effect.zappedLeaves * c.zapPerLeaf + effect.refaultsPrivate * c.faultPrivate + effect.refaultsShared * c.faultShared;

    // Shared→private: accept (TDX) or validate (SNP) the pages again.
    if (to === 'private' && this.kind !== 'pef') yield this.acceptCost(start, end, false);
    this.counts.conversionNs += this.env.now - t0;
    this.onChange();
  }

  /** One userspace round trip per chunk, each holding the VMM thread (the vCPU waits in KVM). */
  private *vmmTrips(n: number): ProcessGenerator<void> {
    const c = this.costs;
    const perTrip = c.vmmExit + c.setAttributes + (this.mem.backing.config.discard ? c.punchHole : 0);
    for (let i = 0; i < n; i++) {
      yield this.vmm.request();
      try {
        yield perTrip;
      } finally {
        this.vmm.release();
      }
    }
    this.counts.vmmRoundTrips += n;
  }

  /** The kind's hypercall for a conversion: exits counted; returns its guest/KVM ns and the VMM round trips it causes. */
  private hypercall(start: number, end: number): { ns: number; roundTrips: number } {
    const c = this.costs;
    switch (this.kind) {
      case 'tdx':
        this.counts.exitsMapGpa++;
        return { ns: c.tdvmcall, roundTrips: mapGpaRoundTrips(end - start) };
      case 'sev-snp': {
        const plan = pscPlan(start, end, this.opts.pscLargeEntries, c.pscMaxEntries);
        this.counts.exitsPsc += plan.requests;
        return { ns: plan.requests * c.vmgexit + plan.entries * c.rmpUpdatePerEntry, roundTrips: plan.roundTrips };
      }
      case 'pef':
        this.counts.exitsUcall++;
        return { ns: c.ucall + (end - start) * c.ucallPerPage, roundTrips: 0 };
    }
  }

  /** Accept (TDX) / PSC-private + PVALIDATE (SNP) of [a, b), touching the memory; returns ns. */
  private acceptCost(a: number, b: number, count = true): number {
    const f = this.mem.touchBySide(a, b);
    this.counts.eptFaults += f.private + f.shared;
    let ns = f.private * this.costs.faultPrivate + f.shared * this.costs.faultShared;
    if (this.kind === 'pef') return ns;
    const hugeAt = (p: number): boolean => this.mem.ept.leafAt(p) >= PAGES_2M;
    const ops = acceptOps(a, b, hugeAt);
    this.counts.acceptOps += ops.ops;
    this.counts.acceptFallbacks += ops.fallbacks;
    if (count) this.counts.acceptedBytes += (b - a) * PAGE;
    const [op, perPage] = this.kind === 'tdx' ? [this.costs.acceptOp, this.costs.acceptPerPage] : [this.costs.pvalidateOp, this.costs.pvalidatePerPage];
    ns += ops.ops * op + (b - a) * perPage;
    return ns;
  }

  private pvalidateCost(a: number, b: number): number {
    const ops = acceptOps(a, b, (p) => this.mem.ept.leafAt(p) >= PAGES_2M);
    return ops.ops * this.costs.pvalidateOp + (b - a) * this.costs.pvalidatePerPage;
  }
}
