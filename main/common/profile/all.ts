/** Loads every parameter declaration. Each model issue adds one import line here. */
import './core';
import './dma-iommu';
import './smmuv3';
import './spapr';
import './swiotlb';
export * from './params';
