/**
 * A VM at run time: its vCPUs, its VMM emulation thread (the single contended resource that
 * trapped operations queue on), and a guest buffer allocator for workloads.
 *
 * Does not model: guest scheduling beyond vCPU contention; NUMA.
 */
import { Resource, type Environment } from '../kernel';
import type { VmSpec } from '../../common/spec';
import { Vcpu } from './vcpu';

const PAGE = 4096;

export class VmRuntime {
  /** True for the bare-metal host (machine/host.ts): its "vCPUs" are host CPUs and no VMM sits under it. */
  readonly bareMetal: boolean = false;
  readonly vcpus: Vcpu[];
  /** The VMM's emulation thread (QEMU's main loop / I/O thread handling traps). */
  readonly vmmThread: Resource;
  private nextBuffer: number;

  constructor(
    readonly env: Environment,
    readonly spec: VmSpec,
  ) {
    this.vcpus = Array.from({ length: spec.vcpus }, (_, i) => new Vcpu(env, spec.id, i));
    this.vmmThread = new Resource(env, `${spec.id}.vmm`, 1);
    // Buffers start above the first 16 MiB (kernel image, firmware) so addresses look like a guest's.
    this.nextBuffer = Math.min(16 * 2 ** 20, spec.memory / 2);
  }

  vcpu(i: number): Vcpu {
    return this.vcpus[i % this.vcpus.length]!;
  }

  /** The largest buffer allocBuffer gives: half of guest RAM. */
  get maxBuffer(): number {
    return this.spec.memory / 2;
  }

  /** A page-aligned guest-physical buffer of `bytes`; wraps around guest RAM (buffers are reused, not freed). */
  allocBuffer(bytes: number): number {
    const size = Math.ceil(Math.max(1, bytes) / PAGE) * PAGE;
    if (size > this.maxBuffer) throw new RangeError(`buffer of ${bytes} bytes is larger than half of VM ${this.spec.id}'s memory`);
    if (this.nextBuffer + size > this.spec.memory) this.nextBuffer = Math.min(16 * 2 ** 20, this.spec.memory / 2);
    const gpa = this.nextBuffer;
    this.nextBuffer += size;
    return gpa;
  }
}
