/**
 * The plug-in contract: what a model folder (models/<kind>/) gives the engine. Its `model.ts`
 * exports `defineModel({...})` results — kind, role, one-line summary, params schema, the cost
 * and metric groups it uses, and the factory — and models/registry.ts lists them, one line per
 * folder. How to write one: models/README.md. Models never import each other; what they share
 * lives in kernel/, dma/, machine/, metrics/, costs/ and main/common.
 */
import type { z } from '../../common/models/params-kit';
import type { Environment } from '../kernel';
import type { Costs } from '../costs/costs';
import type { Metrics } from '../metrics/collector';
import type { DmaPath } from '../dma/path';
import type { DeviceSpec, HostIommuSpec, Spec, ViommuSpec, VmSpec } from '../../common/spec';
import { checkDeclaration, type ModelDeclaration, type ParamsSchema } from '../../common/models/declaration';
import type { VmRuntime } from '../machine/vm';
import type { FootprintItem } from '../../common/budget';

/** A model's footprint entry (main/common/budget): the engine adds the instance's JSON path. */
export type Footprint = Omit<FootprintItem, 'path'>;

export type { ModelRole } from '../../common/models/declaration';

export interface ModelContext {
  readonly env: Environment;
  readonly costs: Costs;
  readonly metrics: Metrics;
  readonly spec: Spec;
  /** Host IOMMU instances by id (already created), for vIOMMU models that forward to them. */
  readonly hostIommus: ReadonlyMap<string, IommuInstance>;
  /** Adds a note to the run result (non-fatal observations). */
  note(text: string): void;
  /**
   * The runtime of a VM by id (created before any vIOMMU of it or of a later VM), for models whose
   * instance in one VM drives another VM's vCPUs (a nested L2 VMM issuing ioctls into its L1).
   */
  vmRuntime(id: string): VmRuntime | undefined;
}

/** A host IOMMU or vIOMMU instance: it builds the DMA path of each device behind it. */
export interface IommuInstance {
  readonly id: string;
  /** Builds the DMA path for one device attached to this instance. */
  attach(device: DeviceSpec, vm: VmRuntime): DmaPath;
  /** Called once at the end of the run to emit gauges (memory, occupancy...). */
  finish?(): void;
}

/** A confidential VM (vms[].confidential): it may wrap the DMA path of each device of the VM. */
export interface ConfidentialInstance {
  /** Returns the device's path as the confidential guest sees it (bounce buffers, conversions), or `path` unchanged. */
  wrap(device: DeviceSpec, vm: VmRuntime, path: DmaPath): DmaPath;
  finish?(): void;
}

/** A device-side transport (devices[].transport, e.g. virtio): it wraps the device's DMA path. */
export interface TransportInstance {
  /** Returns the path the device's workload uses (virtqueue kicks, notifications around the DMA API). */
  wrap(vm: VmRuntime, path: DmaPath): DmaPath;
  finish?(): void;
}

/** Where in the spec an instance was declared, for TopologyError paths. */
export interface HostIommuSite {
  readonly spec: HostIommuSpec;
  readonly index: number;
  /** JSON path, e.g. "host.iommus[0]". */
  readonly path: string;
}
export interface ViommuSite {
  readonly spec: ViommuSpec;
  readonly vm: VmSpec;
  readonly vmIndex: number;
  readonly index: number;
  /** JSON path, e.g. "vms[0].viommus[1]". */
  readonly path: string;
}
export interface ConfidentialSite {
  readonly vm: VmSpec;
  readonly vmIndex: number;
  /** JSON path, e.g. "vms[0].confidential". */
  readonly path: string;
}
export interface TransportSite {
  readonly device: DeviceSpec;
  readonly index: number;
  /** JSON path, e.g. "devices[2].transport". */
  readonly path: string;
}

type Out<P extends ParamsSchema> = z.output<P>;

/** host.iommus[] kinds: a physical IOMMU instance. */
export interface HostIommuModel<P extends ParamsSchema = ParamsSchema, D extends ParamsSchema = ParamsSchema> extends ModelDeclaration<'host-iommu', P, D> {
  create(ctx: ModelContext, params: Out<P>, at: HostIommuSite): IommuInstance;
  /** Optional: the structures the spec alone makes this instance fill (the run's work estimate); pure, no machine is built. */
  footprint?(params: Out<P>, at: HostIommuSite, spec: Spec, costs: Costs): Footprint[];
}

/** vms[].viommus[] kinds: a guest-visible IOMMU. */
export interface ViommuModel<P extends ParamsSchema = ParamsSchema, D extends ParamsSchema = ParamsSchema> extends ModelDeclaration<'viommu', P, D> {
  create(ctx: ModelContext, params: Out<P>, at: ViommuSite): IommuInstance;
  /**
   * Optional: the structures the spec alone makes this instance fill, whatever the workload does
   * (the TCEs of a window that maps all RAM at boot, premapped leaves): the run's work estimate
   * (main/engine/estimate.ts). Pure: no machine is built. What workloads map on demand is left to the pilot.
   */
  footprint?(params: Out<P>, at: ViommuSite, spec: Spec, costs: Costs): Footprint[];
}

/** vms[].confidential kinds: a confidential-computing VM. */
export interface ConfidentialModel<P extends ParamsSchema = ParamsSchema> extends ModelDeclaration<'confidential', P> {
  create(ctx: ModelContext, params: Out<P>, at: ConfidentialSite): ConfidentialInstance;
}

/** devices[].transport kinds: a device-side transport. */
export interface TransportModel<P extends ParamsSchema = ParamsSchema> extends ModelDeclaration<'transport', P> {
  create(ctx: ModelContext, params: Out<P>, at: TransportSite): TransportInstance;
}

/** Any registered model; `role` tells which. */
export type Model = HostIommuModel | ViommuModel | ConfidentialModel | TransportModel;

/**
 * Declares a model: its declaration plus the factory for its role (params arrive parsed, defaults
 * filled, typed by the params schema). Checks that every param has a default and a description.
 */
export function defineModel<P extends ParamsSchema, D extends ParamsSchema = ParamsSchema>(m: HostIommuModel<P, D>): HostIommuModel<P, D>;
export function defineModel<P extends ParamsSchema, D extends ParamsSchema = ParamsSchema>(m: ViommuModel<P, D>): ViommuModel<P, D>;
export function defineModel<P extends ParamsSchema>(m: ConfidentialModel<P>): ConfidentialModel<P>;
export function defineModel<P extends ParamsSchema>(m: TransportModel<P>): TransportModel<P>;
export function defineModel(m: Model): Model {
  checkDeclaration(m);
  return Object.freeze(m);
}

/** Models throw TopologyError (defined in main/common: the run pipeline and the CLI catch it too). */
export { TopologyError } from '../../common/diagnostics';
