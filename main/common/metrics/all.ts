/** Loads every metric declaration. Each model issue adds one import line here. */
import './core';
export * from './names';
import './spapr';
import './swiotlb';
