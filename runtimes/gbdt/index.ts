/**
 * The GBDT engine's public surface: XGBoost-compatible `hist` training (single process, threads, or
 * data parallel over a Collective), its parameters, and the pieces the exporters and tests use.
 */
export { type BinMatrix, buildBinMatrix } from './bin-matrix.js';
export { collectiveFrom } from './collective.js';
export { type Cuts, mergeCuts, summarize } from './cuts.js';
export { calcGain, calcWeight, findBestSplit, type GainParams, type SplitInfo } from './split.js';
export { type TrainInput, trainGbdt } from './train.js';
export * from './types.js';
export { type GrowPolicy, parseXgbParams, type XgbParams } from './xgboost-params.js';
