/**
 * A guest vCPU: a capacity-1 resource. Guest work (driver code, DMA-API calls, the time a
 * trapped instruction spends in the hypervisor) holds it, so threads sharing a vCPU queue.
 */
import { Resource, type Environment, type ProcessGenerator } from '../kernel';

export class Vcpu {
  readonly res: Resource;

  constructor(
    env: Environment,
    readonly vmId: string,
    readonly index: number,
  ) {
    this.res = new Resource(env, `${vmId}.vcpu${index}`, 1);
  }

  /** Runs guest work `body` while holding this vCPU. */
  *run<T>(body: ProcessGenerator<T>): ProcessGenerator<T> {
    if (!this.res.tryAcquire()) yield this.res.request();
    try {
      return yield* body;
    } finally {
      this.res.release();
    }
  }
}
