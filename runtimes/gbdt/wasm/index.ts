/**
 * The GBDT engine's WebAssembly kernels: hand-written modules on one shared memory (module.ts) for
 * histograms, partitions, LightGBM's split scan, left-out rows and GOSS; each has a JS twin that
 * gives the same bits where WebAssembly is not used.
 */
export * from './goss.js';
export * from './kernels.js';
export * from './module.js';
