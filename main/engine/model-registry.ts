/** The IOMMU models the engine knows. Each model issue adds one line. */
import type { IommuModel } from './models/model';
import { spaprModel } from './models/spapr';
import { smmuv3Host, smmuv3Viommu } from './models/smmuv3';

export const models: readonly IommuModel[] = [
  spaprModel as IommuModel,
  smmuv3Host as IommuModel,
  smmuv3Viommu as IommuModel,
];

export function findModel(role: 'viommu' | 'host', kind: string): IommuModel | undefined {
  return models.find((m) => m.role === role && m.kind === kind);
}
