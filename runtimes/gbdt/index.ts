/**
 * The GBDT engine's one public surface (for runtimes/worker.ts, runtimes/predict and bench/): the
 * two flavours' training, parameters, model formats and workloads, prediction, and the core types
 * and pieces their callers use. Inside, `core/` never imports a flavour (`xgboost/`, `lightgbm/`);
 * `predict/` scores models of both; `wasm/` holds the kernels; `workload/` what both workloads share.
 */
export {
  type BinMatrix,
  binaryAuc,
  buildBinMatrix,
  calcGain,
  calcWeight,
  type Collective,
  collectiveFrom,
  type Cuts,
  findBestSplit,
  type GainParams,
  type GbdtModel,
  type KernelChoice,
  type LgbModelInfo,
  type LgbTreeFields,
  type Metric,
  mergeCuts,
  metricFor,
  type Objective,
  type ObjectiveName,
  objectiveFor,
  type RoundReport,
  SINGLE,
  type SplitInfo,
  summarize,
  type Tree,
} from './core/index.js';
export {
  buildLgbMatrix,
  bundleFeatures,
  fromLightgbmText,
  lgbBinsFromSummaries,
  lgbFeatures,
  type LgbParams,
  type LgbTrainInput,
  lightgbmWorkload,
  parseLgbParams,
  summarizeLgb,
  toLightgbmText,
  trainLightgbm,
} from './lightgbm/index.js';
export {
  addTreeMargins,
  argmaxRows,
  type FeatureMatrix,
  outputsOf,
  type PredictOptions,
  predict,
  predictMargins,
  predictMarginsParallel,
  predictParallel,
} from './predict/index.js';
export {
  fromXgboostJson,
  type GrowPolicy,
  parseXgbParams,
  type TrainInput,
  toXgboostJson,
  trainGbdt,
  type XgbParams,
  xgboostWorkload,
} from './xgboost/index.js';
