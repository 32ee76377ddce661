/**
 * The LightGBM flavour: LightGBM 4.6's leaf-wise training on the core (its bins, split rules, EFB,
 * GOSS, objectives, metrics and data / feature / voting parallel learners), its text model format
 * (read and write) and the workload that trains it across ranks.
 */
export { buildLgbMatrix, type LgbBins, lgbBinsFromSummaries } from './bins.js';
export {
  lgbCheckpointDir,
  latestLgbCheckpoint,
  listLgbCheckpoints,
  saveLgbCheckpoint,
} from './checkpoints.js';
export { type BundlePlan, bundleFeatures, type EfbLayout, type EfbOptions } from './efb.js';
export { type DoubleMatrix, lgbFeatures } from './inputs.js';
export { type LightgbmTextInfo, toLightgbmText } from './model.js';
export { fromLightgbmText } from './model-read.js';
export * from './params.js';
export { mergeLgbSummaries, summarizeLgb } from './summary.js';
export { categoricalIndices, type LgbParallelism, type LgbTrainInput, trainLightgbm } from './train.js';
export { lightgbmWorkload } from './workload.js';
