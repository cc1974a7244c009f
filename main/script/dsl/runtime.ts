/**
 * The module a script imports as 'viommu-lab': the DSL, bundled and evaluated inside the
 * sandbox. `__expandForHost` is the sandbox driver's hook, not part of the documented API.
 */
export * from './units';
export * from './distributions';
export * from './topology';
export * from './experiment';
export { expandForHost as __expandForHost, SiteError as __SiteError } from './expand';
