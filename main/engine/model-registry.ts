/** The IOMMU models the engine knows. Each model issue adds one line. */
import type { IommuModel } from './models/model';

export const models: readonly IommuModel[] = [];

export function findModel(role: 'viommu' | 'host', kind: string): IommuModel | undefined {
  return models.find((m) => m.role === role && m.kind === kind);
}
