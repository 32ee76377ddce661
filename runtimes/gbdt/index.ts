/**
 * The GBDT engine's public surface: XGBoost-compatible `hist` training (single process, threads, or
 * data parallel over a Collective), its parameters, and the pieces the exporters and tests use.
 */
export { type BinMatrix, buildBinMatrix } from './core/bin-matrix.js';
export { collectiveFrom } from './core/collective.js';
export { type Cuts, mergeCuts, summarize } from './core/cuts.js';
export { calcGain, calcWeight, findBestSplit, type GainParams, type SplitInfo } from './core/split.js';
export { type TrainInput, trainGbdt } from './xgboost/train.js';
export * from './core/types.js';
export { type GrowPolicy, parseXgbParams, type XgbParams } from './xgboost/params.js';
