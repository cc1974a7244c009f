/** Loads every metric declaration. Each model issue adds one import line here. */
import './core';
import './dma-iommu';
import './iommu-common';
import './smmuv3';
import './spapr';
import './swiotlb';
export * from './names';
