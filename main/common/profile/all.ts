/** Loads every parameter declaration. Each model issue adds one import line here. */
import './core';
export * from './params';
import './spapr';
import './swiotlb';
