/**
 * What an IOMMU model provides to the engine. A model folder (models/<kind>/) exports one
 * IommuModel; the engine's model registry (engine/model-registry.ts) lists them. Models never
 * import each other; what they share lives in kernel/, dma/, machine/, metrics/ and costs/.
 */
import type { Environment } from '../kernel';
import type { Costs } from '../costs/costs';
import type { Metrics } from '../metrics/collector';
import type { DmaPath } from '../dma/path';
import type { DeviceSpec, HostIommuSpec, Spec, ViommuSpec } from '../../common/spec';
import type { VmRuntime } from '../machine/vm';

export interface ModelContext {
  readonly env: Environment;
  readonly costs: Costs;
  readonly metrics: Metrics;
  readonly spec: Spec;
  /** Host IOMMU instances by id (already created), for vIOMMU models that forward to them. */
  readonly hostIommus: ReadonlyMap<string, IommuInstance>;
  /** Adds a note to the run result (non-fatal observations). */
  note(text: string): void;
}

export interface IommuInstance {
  readonly id: string;
  /** Builds the DMA path for one device attached to this instance. */
  attach(device: DeviceSpec, vm: VmRuntime): DmaPath;
  /** Called once at the end of the run to emit gauges (memory, occupancy...). */
  finish?(): void;
}

export interface IommuModel<S = ViommuSpec | HostIommuSpec> {
  readonly kind: string;
  readonly role: 'viommu' | 'host';
  create(ctx: ModelContext, spec: S): IommuInstance;
}

/** Models throw TopologyError (defined in main/common: the run pipeline and the CLI catch it too). */
export { TopologyError } from '../../common/diagnostics';
