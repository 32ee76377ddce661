/**
 * The XGBoost flavour: XGBoost 1.7's hist training (train.ts) on the core, its parameters, its JSON
 * model format (read and write), and the workload that trains it across ranks.
 */
export * from './model-float32.js';
export * from './model-json.js';
export * from './model-json-read.js';
export * from './params.js';
export * from './train.js';
export * from './workload.js';
