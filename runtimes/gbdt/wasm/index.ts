/**
 * The GBDT engine's WebAssembly kernels, one file per kernel, on one shared memory (module.ts writes
 * the modules): histograms (hist.ts), row partitions (partition.ts), LightGBM's split scan
 * (lgb-scan.ts), the left-out rows' walk (left-out.ts) and GOSS (goss.ts). Each has a JavaScript
 * twin that gives the same bits where WebAssembly is not used.
 */
export * from './goss.js';
export * from './hist.js';
export * from './left-out.js';
export * from './lgb-scan.js';
export * from './module.js';
export * from './partition.js';
