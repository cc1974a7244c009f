export * from './contract';
export * from './schemas';
export * from './types';
export * from './notebook-schemas';
export * from './notebook-types';
export * from './provenance-types';
