/**
 * Per-model parameter schemas: the one place a model issue adds its part of the spec.
 *
 * Each IOMMU kind (host-side instance or guest-visible vIOMMU) registers a zod object whose
 * fields all have a default and a one-line description (`.describe()`). The topology schema
 * validates `params` with the schema registered for `kind`; an unknown kind is an error that
 * lists the known ones.
 */
import { type z } from 'zod';

export interface ModelParamsEntry {
  /** One line: what this kind is. */
  readonly summary: string;
  readonly schema: z.ZodObject<z.ZodRawShape>;
}

/** Host (physical) IOMMU kinds. */
export const hostIommuKinds: Record<string, ModelParamsEntry> = {};

/** Guest-visible vIOMMU kinds. */
export const viommuKinds: Record<string, ModelParamsEntry> = {};

export function registerHostIommu(kind: string, entry: ModelParamsEntry): void {
  if (kind in hostIommuKinds) throw new Error(`host IOMMU kind ${kind} registered twice`);
  hostIommuKinds[kind] = entry;
}

export function registerViommu(kind: string, entry: ModelParamsEntry): void {
  if (kind in viommuKinds) throw new Error(`vIOMMU kind ${kind} registered twice`);
  viommuKinds[kind] = entry;
}
