/**
 * What a model declares about itself, as the pure (no-engine) part of its definition: the spec
 * schema, the profile loader, the metric catalogue, the DSL's `.d.ts` and the docs read these.
 * The engine's `defineModel` (main/engine/models/define.ts) adds the factory.
 *
 * Roles and where a kind appears in the spec:
 *   host-iommu    host.iommus[]           { id, kind, params }
 *   viommu        vms[].viommus[]         { id, kind, params }
 *   confidential  vms[].confidential      "kind" or { kind, params } ("none": an ordinary VM)
 *   transport     devices[].transport     { kind, params } (device side, e.g. virtio)
 * A host-iommu or viommu model may also declare `deviceParams`: the settings of a device behind
 * it (devices[].params, validated by the schema of the IOMMU in the device's path).
 */
import type { z } from 'zod';
import type { Cost } from '../profile/params';
import type { MetricDef } from '../metrics/names';

export const MODEL_ROLES = ['host-iommu', 'viommu', 'confidential', 'transport'] as const;

/** Host CPU architectures a spec can declare (host.arch). */
export const ARCHES = ['x86_64', 'aarch64', 'ppc64le'] as const;
export type Arch = (typeof ARCHES)[number];

/**
 * VM fields only some models act on: a spec that sets one on a VM none of whose models (vIOMMUs,
 * confidential kind) declares it is refused, because it would change nothing.
 *   dmaMode    the guest maps through Linux's dma-iommu layer, whose strict/lazy policy it is
 *   maxMemory  the model sizes something by the hot-plug maximum (sPAPR's direct DDW)
 */
export const VM_FIELDS = ['dmaMode', 'maxMemory'] as const;
export type VmField = (typeof VM_FIELDS)[number];
export type ModelRole = (typeof MODEL_ROLES)[number];

/** A zod object whose every field has a default and a one-line `.describe()`. */
export type ParamsSchema = z.ZodObject<z.ZodRawShape, 'strip' | 'strict' | 'passthrough'>;

export interface ModelDeclaration<R extends ModelRole = ModelRole, P extends ParamsSchema = ParamsSchema, D extends ParamsSchema = ParamsSchema> {
  /** The kind as a spec names it ("spapr-tce", "smmuv3", "tdx"...). */
  readonly kind: string;
  readonly role: R;
  /** One line: what this kind is. */
  readonly summary: string;
  readonly params: P;
  /** host-iommu / viommu only: settings of a device behind this IOMMU (devices[].params). */
  readonly deviceParams?: D;
  /** Cost groups this model charges (declareCosts results; core groups it also uses need not be listed). */
  readonly costs: readonly Readonly<Record<string, Cost>>[];
  /** Metric groups this model emits (declareMetrics results). */
  readonly metrics: readonly Readonly<Record<string, MetricDef>>[];
  /** Host architectures this kind exists on (host.arch); omitted: any. */
  readonly arches?: readonly Arch[];
  /** VM fields this model acts on (see VM_FIELDS); vIOMMU and confidential models only. */
  readonly vmFields?: readonly VmField[];
}

/** Checks the rules every declaration follows; throws one sentence naming the model and field. */
export function checkDeclaration(d: ModelDeclaration): void {
  if (!/^[a-z][a-z0-9-]*$/.test(d.kind)) throw new Error(`model kind "${d.kind}" must be lower-case letters, digits and dashes`);
  if (!(MODEL_ROLES as readonly string[]).includes(d.role)) throw new Error(`model ${d.kind}: unknown role "${d.role}"`);
  if (d.summary.trim().length < 10) throw new Error(`model ${d.kind}: give a one-line summary`);
  const schemas: [string, ParamsSchema | undefined][] = [['params', d.params], ['deviceParams', d.deviceParams]];
  for (const [what, schema] of schemas) {
    if (schema === undefined) continue;
    for (const [field, t] of Object.entries(schema.shape)) {
      const zt = t as z.ZodTypeAny;
      if (zt.description === undefined || zt.description.length < 5) throw new Error(`model ${d.kind}: ${what}.${field} needs a one-line .describe()`);
      if (!zt.safeParse(undefined).success && !zt.isOptional()) throw new Error(`model ${d.kind}: ${what}.${field} needs a .default() (or .optional())`);
    }
  }
  if (d.deviceParams !== undefined && d.role !== 'host-iommu' && d.role !== 'viommu') throw new Error(`model ${d.kind}: only IOMMU models declare deviceParams`);
}
