/**
 * LightGBM's training parameters: its names, every documented alias and the 4.x defaults
 * (docs/Parameters.rst), parsed once into a readonly spec. Unknown keys are ignored here (configs/
 * checks spelling); bad values of known keys throw one DtrainError (E_PARAM, category config) listing
 * every problem. Parameters LightGBM has but this engine does not implement yet (dart, rf, rank_xendcg,
 * zero_as_missing, linear trees) are refused with a message saying so. The `ndcg` metric is expanded
 * into one `ndcg@k` per `eval_at` entry, as LightGBM reports it.
 */
import { availableParallelism } from 'node:os';
import { DtrainError } from '../../configs/errors.js';
import { defaultLabelGain } from './lightgbm-rank.js';

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

const OBJECTIVE_ALIASES: Readonly<Record<string, LgbObjective>> = {
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

const NOT_YET = new Set([
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
const NO_METRIC = new Set(['none', 'null', 'na', 'custom', '']);

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

type Check = 'any' | 'pos' | 'nonneg' | 'unit' | 'unit0' | 'int' | 'int0' | 'int1' | 'int2';

const CHECKS: Record<Check, [(v: number) => boolean, string]> = {
  any: [(v) => Number.isFinite(v), 'must be a finite number'],
  pos: [(v) => Number.isFinite(v) && v > 0, 'must be > 0'],
  nonneg: [(v) => Number.isFinite(v) && v >= 0, 'must be >= 0'],
  unit: [(v) => Number.isFinite(v) && v > 0 && v <= 1, 'must be in (0, 1]'],
  unit0: [(v) => Number.isFinite(v) && v >= 0 && v <= 1, 'must be in [0, 1]'],
  int: [(v) => Number.isInteger(v), 'must be an integer'],
  int0: [(v) => Number.isInteger(v) && v >= 0, 'must be an integer >= 0'],
  int1: [(v) => Number.isInteger(v) && v >= 1, 'must be an integer >= 1'],
  int2: [(v) => Number.isInteger(v) && v >= 2, 'must be an integer >= 2'],
};

/** Parses LightGBM-style params (numbers and booleans may be strings, as on LightGBM's CLI). */
export function parseLgbParams(params: Readonly<Record<string, unknown>>): LgbParams {
  const problems: string[] = [];
  const pick = (names: readonly string[]): string | undefined => names.find((n) => params[n] !== undefined);
  const num = (names: readonly string[], def: number, check: Check): number => {
    const name = pick(names);
    if (name === undefined) return def;
    const raw = params[name];
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const [ok, what] = CHECKS[check];
    if (typeof v !== 'number' || !ok(v)) {
      problems.push(`params.${name}: ${what}, got ${JSON.stringify(raw)}`);
      return def;
    }
    return v;
  };
  const bool = (names: readonly string[], def: boolean): boolean => {
    const name = pick(names);
    if (name === undefined) return def;
    const raw = params[name];
    if (raw === true || raw === 'true' || raw === '+' || raw === 1) return true;
    if (raw === false || raw === 'false' || raw === '-' || raw === 0) return false;
    problems.push(`params.${name}: must be true or false, got ${JSON.stringify(raw)}`);
    return def;
  };
  const word = (names: readonly string[]): [string, string] | undefined => {
    const name = pick(names);
    if (name === undefined) return undefined;
    const raw = params[name];
    if (typeof raw !== 'string') {
      problems.push(`params.${name}: must be a string, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return [name, raw.trim().toLowerCase()];
  };

  let objective: LgbObjective = 'regression';
  const obj = word(['objective', 'objective_type', 'app', 'application', 'loss']);
  if (obj) {
    const known = OBJECTIVE_ALIASES[obj[1]];
    if (known) objective = known;
    else if (NOT_YET.has(obj[1]))
      problems.push(`params.${obj[0]}: objective "${obj[1]}" is not implemented in dtrain's lightgbm yet`);
    else
      problems.push(
        `params.${obj[0]}: unknown objective "${obj[1]}" (supported: ${[...new Set(Object.values(OBJECTIVE_ALIASES))].join(', ')})`,
      );
  }
  const multi = objective === 'multiclass' || objective === 'multiclassova';
  const numClass = num(['num_class', 'num_classes'], 1, 'int1');
  if (multi && numClass < 2) problems.push(`params.num_class: ${objective} needs num_class >= 2`);
  if (!multi && numClass !== 1)
    problems.push(`params.num_class: must be 1 for ${objective}, got ${numClass}`);

  let sampleStrategy: 'bagging' | 'goss' = 'bagging';
  const boosting = word(['boosting', 'boosting_type', 'boost']);
  if (boosting) {
    if (boosting[1] === 'goss') sampleStrategy = 'goss';
    else if (boosting[1] === 'dart' || boosting[1] === 'rf' || boosting[1] === 'random_forest')
      problems.push(`params.${boosting[0]}: "${boosting[1]}" is not implemented in dtrain's lightgbm yet`);
    else if (boosting[1] !== 'gbdt' && boosting[1] !== 'gbrt')
      problems.push(`params.${boosting[0]}: must be one of gbdt, goss, got ${JSON.stringify(boosting[1])}`);
  }
  const strategy = word(['data_sample_strategy']);
  if (strategy) {
    if (strategy[1] === 'goss') sampleStrategy = 'goss';
    else if (strategy[1] !== 'bagging')
      problems.push(
        `params.data_sample_strategy: must be bagging or goss, got ${JSON.stringify(strategy[1])}`,
      );
  }

  const metricRaw = params[pick(['metric', 'metrics', 'metric_types']) ?? 'metric'];
  let metricList: string[] | undefined;
  if (typeof metricRaw === 'string') metricList = metricRaw.split(',');
  else if (Array.isArray(metricRaw) && metricRaw.every((m) => typeof m === 'string')) metricList = metricRaw;
  else if (metricRaw !== undefined) problems.push('params.metric: must be a metric name or a list of names');
  const metric: string[] = [];
  for (const m of metricList ?? [defaultLgbMetric(objective)]) {
    const key = m.trim().toLowerCase();
    if (NO_METRIC.has(key)) continue;
    const canonical = LGB_METRIC_ALIASES[key];
    if (canonical === undefined)
      problems.push(
        `params.metric: unknown or unsupported metric "${m}" (supported: ${[...new Set(Object.values(LGB_METRIC_ALIASES))].join(', ')})`,
      );
    else if (!metric.includes(canonical)) metric.push(canonical);
  }
  const evalAt = intList(
    params,
    ['eval_at', 'ndcg_eval_at', 'ndcg_at', 'map_eval_at', 'map_at'],
    [1, 2, 3, 4, 5],
    1,
    problems,
  );
  const labelGain = numberList(params, 'label_gain', problems) ?? defaultLabelGain();
  const ndcgAt = metric.indexOf('ndcg');
  if (ndcgAt >= 0) metric.splice(ndcgAt, 1, ...evalAt.map((k) => `ndcg@${k}`));
  const groupColumn = parseGroupColumn(params, problems);

  const esr = pick(['early_stopping_round', 'early_stopping_rounds', 'early_stopping', 'n_iter_no_change']);
  const esrValue = esr === undefined ? 0 : num([esr], 0, 'int');
  const catRaw =
    params[
      pick([
        'categorical_feature',
        'cat_feature',
        'categorical_column',
        'cat_column',
        'categorical_features',
      ]) ?? 'categorical_feature'
    ];
  const categoricalFeature = parseCategorical(catRaw, problems);
  if (bool(['zero_as_missing'], false))
    problems.push("params.zero_as_missing: true is not implemented in dtrain's lightgbm yet");
  if (bool(['linear_tree', 'linear_trees'], false))
    problems.push("params.linear_tree: true is not implemented in dtrain's lightgbm yet");

  const seed = num(['seed', 'random_seed', 'random_state'], 0, 'int');
  const threads = num(['num_threads', 'num_thread', 'nthread', 'nthreads', 'n_jobs'], 0, 'int');
  const parsed: LgbParams = {
    objective,
    numClass: multi ? numClass : 1,
    alpha: num(['alpha'], 0.9, 'pos'),
    numIterations: num(
      [
        'num_iterations',
        'num_iteration',
        'n_iter',
        'num_tree',
        'num_trees',
        'num_round',
        'num_rounds',
        'nrounds',
        'num_boost_round',
        'n_estimators',
        'max_iter',
      ],
      100,
      'int0',
    ),
    learningRate: num(['learning_rate', 'shrinkage_rate', 'eta'], 0.1, 'pos'),
    numLeaves: num(['num_leaves', 'num_leaf', 'max_leaves', 'max_leaf', 'max_leaf_nodes'], 31, 'int2'),
    maxDepth: num(['max_depth'], -1, 'int'),
    minDataInLeaf: num(
      ['min_data_in_leaf', 'min_data_per_leaf', 'min_data', 'min_child_samples', 'min_samples_leaf'],
      20,
      'int0',
    ),
    minSumHessianInLeaf: num(
      [
        'min_sum_hessian_in_leaf',
        'min_sum_hessian_per_leaf',
        'min_sum_hessian',
        'min_hessian',
        'min_child_weight',
      ],
      1e-3,
      'nonneg',
    ),
    lambdaL1: num(['lambda_l1', 'reg_alpha', 'l1_regularization'], 0, 'nonneg'),
    lambdaL2: num(['lambda_l2', 'reg_lambda', 'lambda', 'l2_regularization'], 0, 'nonneg'),
    minGainToSplit: num(['min_gain_to_split', 'min_split_gain'], 0, 'nonneg'),
    maxDeltaStep: num(['max_delta_step', 'max_tree_output', 'max_leaf_output'], 0, 'any'),
    featureFraction: num(['feature_fraction', 'sub_feature', 'colsample_bytree'], 1, 'unit'),
    baggingFraction: num(['bagging_fraction', 'sub_row', 'subsample', 'bagging'], 1, 'unit'),
    baggingFreq: num(['bagging_freq', 'subsample_freq'], 0, 'int0'),
    sampleStrategy,
    topRate: num(['top_rate'], 0.2, 'unit0'),
    otherRate: num(['other_rate'], 0.1, 'unit0'),
    maxBin: num(['max_bin', 'max_bins'], 255, 'int2'),
    minDataInBin: num(['min_data_in_bin'], 3, 'int1'),
    binConstructSampleCnt: num(['bin_construct_sample_cnt', 'subsample_for_bin'], 200000, 'int1'),
    useMissing: bool(['use_missing'], true),
    boostFromAverage: bool(['boost_from_average'], true),
    metric,
    earlyStoppingRound: esrValue > 0 ? esrValue : undefined,
    firstMetricOnly: bool(['first_metric_only'], false),
    provideTrainingMetric: bool(
      ['is_provide_training_metric', 'training_metric', 'is_training_metric', 'train_metric'],
      false,
    ),
    seed,
    numThreads: threads > 0 ? threads : availableParallelism(),
    categoricalFeature,
    maxCatToOnehot: num(['max_cat_to_onehot'], 4, 'int1'),
    maxCatThreshold: num(['max_cat_threshold'], 32, 'int1'),
    catSmooth: num(['cat_smooth'], 10, 'nonneg'),
    catL2: num(['cat_l2'], 10, 'nonneg'),
    minDataPerGroup: num(['min_data_per_group'], 100, 'int1'),
    enableBundle: bool(['enable_bundle', 'is_enable_bundle', 'bundle'], true),
    maxConflictRate: num(['max_conflict_rate'], 0, 'unit0'),
    topK: num(['top_k', 'topk'], 20, 'int1'),
    evalAt,
    labelGain,
    truncationLevel: num(['lambdarank_truncation_level'], 30, 'int1'),
    lambdarankNorm: bool(['lambdarank_norm'], true),
    sigmoid: num(['sigmoid'], 1, 'pos'),
    groupColumn,
  };
  if (parsed.maxBin > 65535) problems.push(`params.max_bin: must be <= 65535, got ${parsed.maxBin}`);
  if (parsed.sampleStrategy === 'goss' && parsed.topRate + parsed.otherRate > 1)
    problems.push(
      `params.top_rate: top_rate + other_rate must be <= 1, got ${parsed.topRate} + ${parsed.otherRate}`,
    );
  if (parsed.sampleStrategy === 'goss' && parsed.baggingFreq > 0 && parsed.baggingFraction < 1)
    problems.push('params.bagging_fraction: cannot be combined with goss (LightGBM refuses it too)');
  if (problems.length > 0) {
    throw new DtrainError('E_PARAM', problems[0]!, {
      category: 'config',
      ...(problems.length > 1 ? { detail: problems.slice(1).join('\n') } : {}),
    });
  }
  return parsed;
}

const GROUP_NAMES = ['group_column', 'group', 'group_id', 'query_column', 'query', 'query_id'];

/** `group_column`: an index (LightGBM's: the label column is not counted) or a name (`name:` optional). */
function parseGroupColumn(
  params: Readonly<Record<string, unknown>>,
  problems: string[],
): number | string | undefined {
  const name = GROUP_NAMES.find((n) => params[n] !== undefined);
  if (name === undefined) return undefined;
  const raw = params[name];
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const t = raw.trim();
    if (t.startsWith('name:') && t.length > 5) return t.slice(5);
    return /^\d+$/.test(t) ? Number(t) : t;
  }
  problems.push(`params.${name}: must be a column name or a 0-based index, got ${JSON.stringify(raw)}`);
  return undefined;
}

/** A list of integers >= `min`, as a YAML list or LightGBM's comma string. */
function intList(
  params: Readonly<Record<string, unknown>>,
  names: readonly string[],
  def: readonly number[],
  min: number,
  problems: string[],
): readonly number[] {
  const name = names.find((n) => params[n] !== undefined);
  if (name === undefined) return def;
  const raw = params[name];
  const items =
    typeof raw === 'string' ? raw.split(',').map((t) => Number(t.trim())) : Array.isArray(raw) ? raw : [raw];
  if (items.length === 0 || !items.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min)) {
    problems.push(`params.${name}: must be a list of integers >= ${min}, got ${JSON.stringify(raw)}`);
    return def;
  }
  return items as number[];
}

/** `label_gain`: a list of finite numbers >= 0 (YAML list or comma string). */
function numberList(
  params: Readonly<Record<string, unknown>>,
  name: string,
  problems: string[],
): number[] | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  const items =
    typeof raw === 'string' ? raw.split(',').map((t) => Number(t.trim())) : Array.isArray(raw) ? raw : [raw];
  if (items.length === 0 || !items.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    problems.push(`params.${name}: must be a list of numbers >= 0, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return items as number[];
}

/** `categorical_feature`: a list, or LightGBM's comma string (`0,3,5` or `name:a,b`). */
function parseCategorical(raw: unknown, problems: string[]): (number | string)[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const items: unknown[] = Array.isArray(raw)
    ? raw
    : typeof raw === 'number'
      ? [raw]
      : typeof raw === 'string'
        ? raw.replace(/^name:/, '').split(',')
        : [raw];
  const byName = typeof raw === 'string' && raw.startsWith('name:');
  const out: (number | string)[] = [];
  for (const item of items) {
    if (typeof item === 'number' && Number.isInteger(item) && item >= 0) out.push(item);
    else if (typeof item === 'string' && item.trim() !== '') {
      const t = item.trim();
      out.push(!byName && /^\d+$/.test(t) ? Number(t) : t);
    } else problems.push(`params.categorical_feature: ${JSON.stringify(item)} is not a column index or name`);
  }
  return out;
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
