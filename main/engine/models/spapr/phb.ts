/**
 * One guest-visible sPAPR PHB at run time: its DMA windows and their TCE tables, the hypercall
 * handling path, the guest's TCE operations, and the per-PE state Linux keeps (the default
 * window initialised once, one DDW shared by every device behind the PHB).
 *
 * Models: Linux's boot sequence per PE — iommu_init_table on the default window (which clears the
 * whole table unless the guest skips it), then enable_ddw: query; if no window is free and the
 * default window is unused, remove it and query again; create the largest-page window; map all
 * RAM into a direct window, or initialise (and clear) a dynamic one; on failure after removing
 * the default window, reset to restore it. Memory hot-plug maps the new range in every direct
 * window.
 */
import { Resource, type Environment, type ProcessGenerator } from '../../kernel';
import type { SpaprTceParams } from './params';
import type { Costs } from '../../costs/costs';
import type { Metrics } from '../../metrics/collector';
import type { VmRuntime } from '../../machine/vm';
import type { Vcpu } from '../../machine/vcpu';
import { machinePageMask, pageMaskFromSizes, PhbWindows } from './ddw';
import { planDdw } from './ddw-policy';
import { GuestTceOps, TceListPages, type GuestFeatures } from './guest-tce';
import { HcallHandler, hostKernel } from './hcall-path';
import type { DmaWindow } from './hcalls';
import { SpaprRunTotals } from './run-totals';
import { WindowAllocator } from './window-allocator';
import { SPAPR_COSTS } from './costs';

/** How a device behind this PHB DMAs after probe. */
export type DmaMode = { kind: 'direct'; window: DmaWindow } | { kind: 'dynamic'; window: DmaWindow; alloc: WindowAllocator; locks: Resource[] };

export interface ProbeTimes {
  clearNs: number;
  ddwNs: number;
}

export class SpaprPhb {
  readonly windows: PhbWindows;
  readonly hcalls: HcallHandler;
  readonly ops: GuestTceOps;
  readonly lists: TceListPages;
  private defaultAlloc: WindowAllocator | null = null;
  private defaultLocks: Resource[] | null = null;
  private ddw: DmaMode | null = null;
  private ddwTried = false;
  private readonly totals: SpaprRunTotals;
  private ramBytes: number;

  constructor(
    readonly name: string,
    readonly env: Environment,
    readonly costs: Costs,
    readonly metrics: Metrics,
    readonly params: SpaprTceParams,
    readonly vm: VmRuntime,
    hostCpus: number,
    phbIndex: number,
    secure: boolean,
    private readonly note: (t: string) => void,
  ) {
    this.ramBytes = vm.spec.memory;
    const pageMask = params.ddwPageSizes !== undefined ? pageMaskFromSizes(params.ddwPageSizes) : machinePageMask(params.machineVersion);
    this.windows = new PhbWindows(
      {
        defaultWindowBytes: params.dmaWindowSize,
        defaultPageShift: Math.log2(params.dmaWindowPageSize),
        ddw: params.ddw,
        pageMask,
        maxWindows: params.maxWindows,
        largestBlock: params.ddwLargestBlock,
        dma64Addr: params.dma64WindowAddr,
        levels: params.tceLevels,
        levelMinBytes: params.tceLevelMinBytes,
      },
      phbIndex,
    );
    this.hcalls = new HcallHandler(env, costs, metrics, params.hcallPath, vm, hostKernel(env, hostCpus));
    // The per-CPU list pages live just below 16 MiB, in ordinary guest RAM.
    this.lists = new TceListPages(this.ramBytes, Math.min(15 * 2 ** 20, this.ramBytes / 2));
    const f = params.firmwareFeatures;
    const features: GuestFeatures =
      secure && params.secureTce === 'put-tce-only'
        ? { putTceInd: false, stuffTce: f.split ? f.stuffTce : false, shareListPage: false }
        : { putTceInd: f.putTceInd, stuffTce: f.stuffTce, shareListPage: secure && f.putTceInd };
    this.ops = new GuestTceOps(env, costs, metrics, this.hcalls, this.windows.liobns, this.lists, features);
    this.totals = SpaprRunTotals.of(env, metrics);
    this.sample();
    for (const h of params.memoryHotplug) this.scheduleHotplug(h.at, h.size);
  }

  get guestRam(): number {
    return this.ramBytes;
  }

  /** Linux's per-PE probe for one device; returns how the device DMAs and where the time went. */
  *probe(cpu: Vcpu, dma64: boolean): ProcessGenerator<{ mode: DmaMode; times: ProbeTimes }> {
    const times: ProbeTimes = { clearNs: 0, ddwNs: 0 };
    if (this.defaultAlloc === null) {
      const w = this.windows.defaultWindow()!;
      this.defaultAlloc = new WindowAllocator(w.table.entries, w.busOffset / w.table.pageSize, 16, this.boundaryPages(w), w.table.entries * w.table.pageSize);
      const t0 = this.env.now;
      if (this.params.clearDefaultWindow) yield* this.ops.free(w, 0, w.table.entries);
      times.clearNs = this.env.now - t0;
      this.sample();
    }
    if (dma64 && this.params.ddw && !this.ddwTried) {
      this.ddwTried = true;
      const t0 = this.env.now;
      this.ddw = yield* this.enableDdw(cpu);
      times.ddwNs = this.env.now - t0;
      this.sample();
    }
    if (this.ddw !== null) return { mode: this.ddw, times };
    const w = this.windows.defaultWindow();
    if (w === undefined) throw new Error(`${this.name}: no DMA window left for the device`);
    this.defaultLocks ??= this.poolLocks(this.defaultAlloc, 'default');
    return { mode: { kind: 'dynamic', window: w, alloc: this.defaultAlloc, locks: this.defaultLocks }, times };
  }

  /** Recomputes the run totals after table changes. */
  sample(): void {
    this.totals.update(this.name, this.windows.visibleBytes(), this.windows.tableBytes());
    this.totals.setExposure(this.name, this.ops.exposureNs);
  }

  finish(): void {
    this.sample();
    this.totals.emit();
    if (this.ops.failures > 0) this.note(`${this.name}: ${this.ops.failures} TCE hypercall(s) failed`);
  }

  private *enableDdw(cpu: Vcpu): ProcessGenerator<DmaMode | null> {
    let query = yield* this.hcalls.rtas('query_pe_dma_window', 0, () => this.windows.query());
    if (query.rc !== 'success') return null;
    let defaultRemoved = false;
    if (query.windowsAvailable === 0) {
      if (this.defaultAlloc!.inUse()) {
        this.note(`${this.name}: no free DMA window and the default window is in use; DDW not created`);
        return null;
      }
      const def = this.windows.defaultLiobn;
      // remove_dma_window cleans the window first (H_STUFF_TCE over all of it), then asks firmware.
      yield* this.ops.cleanWindow(this.windows.defaultWindow()!);
      yield* this.hcalls.rtas('remove_pe_dma_window', 0, () => this.windows.remove(def));
      defaultRemoved = true;
      query = yield* this.hcalls.rtas('query_pe_dma_window', 0, () => this.windows.query());
    }
    const maxRam = this.vm.spec.maxMemory ?? this.vm.spec.memory;
    const plan = planDdw(query, maxRam);
    if (!plan.ok) return yield* this.ddwFailed(defaultRemoved, plan.reason);
    const tableBytes = 2 ** (plan.windowShift - plan.pageShift) * 8;
    const allocNs = Math.round(tableBytes * this.costs.get(SPAPR_COSTS.rtasTableAllocNsPerByte));
    const created = yield* this.hcalls.rtas('create_pe_dma_window', allocNs, () => this.windows.create(plan.pageShift, plan.windowShift));
    if (created.rc !== 'success' || created.window === undefined) return yield* this.ddwFailed(defaultRemoved, `create returned ${created.rc}`);
    const w = created.window;
    if (plan.direct) {
      const ok = yield* this.ops.mapRange(cpu.index, w, 0, this.ramBytes);
      if (!ok) {
        yield* this.ops.cleanWindow(w);
        yield* this.hcalls.rtas('remove_pe_dma_window', 0, () => this.windows.remove(w.liobn));
        return yield* this.ddwFailed(defaultRemoved, 'mapping RAM into the direct window failed');
      }
      return { kind: 'direct', window: w };
    }
    const alloc = new WindowAllocator(w.table.entries, w.busOffset / w.table.pageSize, 16, this.boundaryPages(w), w.table.entries * w.table.pageSize);
    yield* this.ops.free(w, 0, w.table.entries);
    return { kind: 'dynamic', window: w, alloc, locks: this.poolLocks(alloc, 'ddw') };
  }

  private *ddwFailed(defaultRemoved: boolean, reason: string): ProcessGenerator<null> {
    this.note(`${this.name}: DDW not used (${reason})`);
    if (defaultRemoved) yield* this.hcalls.rtas('reset_pe_dma_window', 0, () => this.windows.reset());
    return null;
  }

  /** One spinlock per allocator pool (the small pools, then the large pool). */
  private poolLocks(alloc: WindowAllocator, what: string): Resource[] {
    return Array.from({ length: alloc.pools.length + 1 }, (_, i) => new Resource(this.env, `${this.name}.${what}.pool${i}`, 1));
  }

  /** Linux's default segment boundary (4 GiB) in window pages. */
  private boundaryPages(w: DmaWindow): number {
    return Math.max(1, 2 ** 32 / w.table.pageSize);
  }

  private scheduleHotplug(at: number, size: number): void {
    this.env.schedule(at, () => {
      this.env.process(this.vm.vcpu(0).run(this.hotplug(at, size)), `${this.name}.hotplug`);
    });
  }

  /** Linux's memory notifier: new memory goes into every direct window (MEM_GOING_ONLINE). */
  private *hotplug(at: number, size: number): ProcessGenerator<void> {
    const start = this.ramBytes;
    const max = this.vm.spec.maxMemory ?? this.vm.spec.memory;
    if (start + size > max) {
      this.note(`${this.name}: memory hot-plug of ${size} bytes at ${at} ns exceeds maxMemory; ignored`);
      return;
    }
    this.ramBytes += size;
    this.lists.ramBytes = this.ramBytes;
    if (this.ddw?.kind === 'direct') yield* this.ops.mapRange(0, this.ddw.window, start, size);
    this.sample();
  }
}
