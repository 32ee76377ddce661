/**
 * LightGBM's parameter tables: the parsed spec the engine reads, the objectives and metrics dtrain's
 * LightGBM implements with every documented alias (LightGBM 4.x docs/Parameters.rst), and those it
 * refuses as not implemented yet. The one list both `dtrain validate` and the engine use.
 */

export type LgbObjective =
  | 'regression'
  | 'regression_l1'
  | 'huber'
  | 'binary'
  | 'multiclass'
  | 'multiclassova'
  | 'lambdarank';

/** The parsed parameters the LightGBM flavour reads. */
export interface LgbParams {
  readonly objective: LgbObjective;
  readonly numClass: number;
  /** huber's delta (LightGBM `alpha`, default 0.9). */
  readonly alpha: number;
  readonly numIterations: number;
  readonly learningRate: number;
  readonly numLeaves: number;
  /** ≤ 0: no limit (LightGBM −1). */
  readonly maxDepth: number;
  readonly minDataInLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly lambdaL1: number;
  readonly lambdaL2: number;
  readonly minGainToSplit: number;
  readonly maxDeltaStep: number;
  readonly featureFraction: number;
  readonly baggingFraction: number;
  readonly baggingFreq: number;
  readonly sampleStrategy: 'bagging' | 'goss';
  readonly topRate: number;
  readonly otherRate: number;
  readonly maxBin: number;
  readonly minDataInBin: number;
  readonly binConstructSampleCnt: number;
  readonly useMissing: boolean;
  readonly boostFromAverage: boolean;
  /** Metric names in LightGBM's canonical spelling (`l2`, `binary_logloss`, `auc`...); empty: none. */
  readonly metric: readonly string[];
  readonly earlyStoppingRound: number | undefined;
  readonly firstMetricOnly: boolean;
  /** Also score the training set each iteration (LightGBM's is_provide_training_metric). */
  readonly provideTrainingMetric: boolean;
  readonly seed: number;
  readonly numThreads: number;
  /** Column indices or names, as given. */
  readonly categoricalFeature: readonly (number | string)[];
  readonly maxCatToOnehot: number;
  readonly maxCatThreshold: number;
  readonly catSmooth: number;
  readonly catL2: number;
  readonly minDataPerGroup: number;
  readonly enableBundle: boolean;
  readonly maxConflictRate: number;
  /** Voting parallel (PV-Tree): features each rank votes for per node (`top_k`, alias `topk`). */
  readonly topK: number;
  /** Ranking: the k of each `ndcg@k` (`eval_at`, default 1..5). */
  readonly evalAt: readonly number[];
  /** Ranking: the gain of each integer relevance grade (default 2^i − 1, i < 31). */
  readonly labelGain: readonly number[];
  /** lambdarank: pairs need one document in the top `lambdarank_truncation_level` (30). */
  readonly truncationLevel: number;
  /** lambdarank: `lambdarank_norm` (true) normalises each query's lambdas. */
  readonly lambdarankNorm: boolean;
  /** lambdarank's sigmoid parameter (`sigmoid`, 1). */
  readonly sigmoid: number;
  /**
   * The query column of a CSV file (`group_column` and aliases): a header name, or LightGBM's index,
   * which does not count the label column. LibSVM files give groups with `qid:`.
   */
  readonly groupColumn: number | string | undefined;
}

/** LightGBM objective aliases → the objectives this engine implements. */
export const LGB_OBJECTIVE_ALIASES: Readonly<Record<string, LgbObjective>> = {
  regression: 'regression',
  regression_l2: 'regression',
  l2: 'regression',
  mean_squared_error: 'regression',
  mse: 'regression',
  l2_root: 'regression',
  root_mean_squared_error: 'regression',
  rmse: 'regression',
  regression_l1: 'regression_l1',
  l1: 'regression_l1',
  mean_absolute_error: 'regression_l1',
  mae: 'regression_l1',
  huber: 'huber',
  binary: 'binary',
  multiclass: 'multiclass',
  softmax: 'multiclass',
  multiclassova: 'multiclassova',
  multiclass_ova: 'multiclassova',
  ova: 'multiclassova',
  ovr: 'multiclassova',
  lambdarank: 'lambdarank',
};

/** LightGBM metric aliases → the canonical names this engine computes. */
export const LGB_METRIC_ALIASES: Readonly<Record<string, string>> = {
  l2: 'l2',
  mean_squared_error: 'l2',
  mse: 'l2',
  regression_l2: 'l2',
  regression: 'l2',
  rmse: 'rmse',
  root_mean_squared_error: 'rmse',
  l2_root: 'rmse',
  l1: 'l1',
  mean_absolute_error: 'l1',
  mae: 'l1',
  regression_l1: 'l1',
  huber: 'huber',
  binary_logloss: 'binary_logloss',
  binary: 'binary_logloss',
  binary_error: 'binary_error',
  auc: 'auc',
  multi_logloss: 'multi_logloss',
  multiclass: 'multi_logloss',
  softmax: 'multi_logloss',
  multiclassova: 'multi_logloss',
  multiclass_ova: 'multi_logloss',
  ova: 'multi_logloss',
  ovr: 'multi_logloss',
  multi_error: 'multi_error',
  ndcg: 'ndcg',
  lambdarank: 'ndcg',
  rank_xendcg: 'ndcg',
  xendcg: 'ndcg',
  xe_ndcg: 'ndcg',
  xe_ndcg_mart: 'ndcg',
  xendcg_mart: 'ndcg',
};

/** Objectives and metrics LightGBM has and this engine does not implement yet. */
export const LGB_NOT_YET = new Set([
  'rank_xendcg',
  'xendcg',
  'xe_ndcg',
  'xe_ndcg_mart',
  'xendcg_mart',
  'poisson',
  'quantile',
  'mape',
  'gamma',
  'tweedie',
  'fair',
]);
/** Metric values that mean "no metric". */
export const LGB_NO_METRIC = new Set(['none', 'null', 'na', 'custom', '']);

/** The metric LightGBM uses when `metric` is not given. */
export function defaultLgbMetric(objective: LgbObjective): string {
  switch (objective) {
    case 'regression':
      return 'l2';
    case 'regression_l1':
      return 'l1';
    case 'huber':
      return 'huber';
    case 'binary':
      return 'binary_logloss';
    case 'lambdarank':
      return 'ndcg';
    default:
      return 'multi_logloss';
  }
}

/** LightGBM's default `label_gain`: 2^i − 1 for relevance grades i < 31. */
export function defaultLabelGain(): number[] {
  return Array.from({ length: 31 }, (_, i) => 2 ** i - 1);
}

/** The params as strings (for the model's `parameters:` block and attributes). */
export function lgbParamsAsStrings(p: LgbParams): Record<string, string> {
  return {
    objective: p.objective,
    num_class: String(p.numClass),
    num_iterations: String(p.numIterations),
    learning_rate: String(p.learningRate),
    num_leaves: String(p.numLeaves),
    max_depth: String(p.maxDepth),
    min_data_in_leaf: String(p.minDataInLeaf),
    min_sum_hessian_in_leaf: String(p.minSumHessianInLeaf),
    lambda_l1: String(p.lambdaL1),
    lambda_l2: String(p.lambdaL2),
    min_gain_to_split: String(p.minGainToSplit),
    feature_fraction: String(p.featureFraction),
    bagging_fraction: String(p.baggingFraction),
    bagging_freq: String(p.baggingFreq),
    data_sample_strategy: p.sampleStrategy,
    top_rate: String(p.topRate),
    other_rate: String(p.otherRate),
    max_bin: String(p.maxBin),
    boost_from_average: String(p.boostFromAverage),
    seed: String(p.seed),
    max_cat_to_onehot: String(p.maxCatToOnehot),
    max_cat_threshold: String(p.maxCatThreshold),
    cat_smooth: String(p.catSmooth),
    cat_l2: String(p.catL2),
    min_data_per_group: String(p.minDataPerGroup),
    ...(p.metric.length > 0 ? { metric: p.metric.join(',') } : {}),
    ...(p.objective === 'lambdarank'
      ? {
          lambdarank_truncation_level: String(p.truncationLevel),
          lambdarank_norm: String(p.lambdarankNorm),
          eval_at: p.evalAt.join(','),
        }
      : {}),
  };
}
