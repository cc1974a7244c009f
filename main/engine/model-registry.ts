/** The IOMMU models the engine knows. Each model issue adds one line. */
import type { IommuModel } from './models/model';
import { spaprModel } from './models/spapr';

export const models: readonly IommuModel[] = [spaprModel as IommuModel];

export function findModel(role: 'viommu' | 'host', kind: string): IommuModel | undefined {
  return models.find((m) => m.role === role && m.kind === kind);
}
