// The models the engine knows: one line per model folder (models/<kind>/model.ts exports its
// defineModel results). The spec schema, the DSL's .d.ts, the profile loader's base values, the
// metric catalogue, the engine workers and the docs all read this list through ../catalog.ts.
// Adding a model is one folder and one line here (models/README.md).
export { none } from './none/model';
export { spaprTce, pef } from './spapr/model';
export { smmuv3Host, smmuv3Viommu } from './smmuv3/model';
export { virtio } from './virtio/model';
export { virtioIommu } from './virtio-iommu/model';
export { intelIommu, intelIommuHost } from './vtd/model';
export { tdx, sevSnp } from './cvm/model';
