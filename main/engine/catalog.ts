/**
 * The catalogue of everything the registered models and the core declare, built once from
 * models/registry.ts: the spec schema and `parseSpec`, the cost parameters (with the base profile
 * made of their declared values), the metric names, and the model for each (role, kind).
 * Node-side layers (api, cli, script host, report) read specs, parameters and metric names here;
 * the renderer gets the metric list through the API (AppInfo.metrics).
 *
 * `buildCatalog` takes any model list, so a test can add a model without touching the registry.
 */
import { CORE_METRICS } from '../common/metrics/core';
import { DMA_IOMMU_METRICS } from '../common/metrics/dma-iommu';
import { IOMMU_METRICS } from '../common/metrics/iommu-common';
import { MetricCatalog } from '../common/metrics/names';
import { SWIOTLB_METRICS } from '../common/metrics/swiotlb';
import { CORE_COSTS } from '../common/profile/core';
import { DMA_IOMMU_COSTS } from '../common/profile/dma-iommu';
import { ParamCatalog } from '../common/profile/params';
import type { ProfileFile } from '../common/profile/profile';
import { SWIOTLB_COSTS } from '../common/profile/swiotlb';
import { buildSpecSchema, type Spec } from '../common/spec/topology';
import { parseWith } from '../common/spec/validate';
import type { Model, ModelRole } from './models/model';
import * as registry from './models/registry';

/** Cost and metric groups of the layers every model shares (guest DMA API, devices, VMM, VFIO). */
export const CORE_COST_GROUPS = [CORE_COSTS, DMA_IOMMU_COSTS, SWIOTLB_COSTS] as const;
export const CORE_METRIC_GROUPS = [CORE_METRICS, DMA_IOMMU_METRICS, SWIOTLB_METRICS, IOMMU_METRICS] as const;

export const BASE_PROFILE_ID = 'base';

export interface Catalog {
  readonly models: readonly Model[];
  readonly specSchema: ReturnType<typeof buildSpecSchema>['specSchema'];
  readonly schemas: ReturnType<typeof buildSpecSchema>;
  readonly params: ParamCatalog;
  readonly metrics: MetricCatalog;
  /** The "base" profile: every declared parameter at its declared value and source. */
  readonly baseProfile: ProfileFile;
  /** Validates untrusted input; throws SpecError naming every bad JSON path. */
  parseSpec(input: unknown): Spec;
  findModel<R extends ModelRole>(role: R, kind: string): Extract<Model, { role: R }> | undefined;
  kinds(role: ModelRole): Extract<Model, { role: ModelRole }>[];
}

export function buildCatalog(models: readonly Model[]): Catalog {
  const seen = new Set<string>();
  for (const m of models) {
    const key = `${m.role}:${m.kind}`;
    if (seen.has(key)) throw new Error(`two models register the ${m.role} kind "${m.kind}"`);
    seen.add(key);
  }
  const schemas = buildSpecSchema(models);
  const params = new ParamCatalog([...CORE_COST_GROUPS, ...models.flatMap((m) => m.costs)]);
  const metrics = new MetricCatalog([...CORE_METRIC_GROUPS, ...models.flatMap((m) => m.metrics)]);
  const baseProfile: ProfileFile = {
    id: BASE_PROFILE_ID,
    description: 'The declared base value of every parameter (main/common/profile and each model folder). Machine profiles extend this and replace what was measured on their platform.',
    params: Object.fromEntries(params.all().map((c) => [c.name, { value: c.value, source: c.source }])),
  };
  return {
    models,
    specSchema: schemas.specSchema,
    schemas,
    params,
    metrics,
    baseProfile,
    parseSpec: (input) => parseWith(schemas.specSchema, input),
    findModel: <R extends ModelRole>(role: R, kind: string) => models.find((m): m is Extract<Model, { role: R }> => m.role === role && m.kind === kind),
    kinds: (role) => models.filter((m) => m.role === role),
  };
}

/** The catalogue of the registered models. */
export const catalog: Catalog = buildCatalog(Object.values(registry));

export const parseSpec = (input: unknown): Spec => catalog.parseSpec(input);
