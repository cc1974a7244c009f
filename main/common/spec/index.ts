export * from './topology';
export * from './validate';
export * from './workload';
export * from './distribution';
