/**
 * LightGBM's training parameters parsed once into a readonly LgbParams (4.x names, aliases and
 * defaults; tables in params-lightgbm.ts). The one parser: `dtrain validate` reports its problems
 * with positions (check-params.ts), and the engine calls `parseLgbParams`, which throws them as one
 * DtrainError E_PARAM. Unknown keys are ignored here (check-params.ts checks spelling). Parameters
 * LightGBM has but this engine does not implement yet (dart, rf, rank_xendcg, zero_as_missing, linear
 * trees) are problems that say so. The `ndcg` metric is expanded into one `ndcg@k` per `eval_at`
 * entry, as LightGBM reports it.
 */
import { availableParallelism } from 'node:os';
import { didYouMean } from './did-you-mean.js';
import { type ParamProblem, throwParamProblems, unknownValue } from './param-problems.js';
import {
  defaultLabelGain,
  defaultLgbMetric,
  LGB_METRIC_ALIASES,
  LGB_NO_METRIC,
  LGB_NOT_YET,
  LGB_OBJECTIVE_ALIASES,
  type LgbObjective,
  type LgbParams,
} from './lightgbm.js';
import { intList, numberList, parseCategorical, parseGroupColumn } from './lgb-lists.js';
import { type ParamReader, type Params, paramReader } from './param-reader.js';

/** Parses LightGBM-style params for the engine; throws one E_PARAM error listing every problem. */
export function parseLgbParams(params: Params): LgbParams {
  const { parsed, problems } = readLgbParams(params);
  throwParamProblems(problems, params);
  return parsed;
}

const OBJECTIVES = Object.keys(LGB_OBJECTIVE_ALIASES);
const METRICS = Object.keys(LGB_METRIC_ALIASES);

/** `objective` (and its aliases) and `num_class`, which must agree with it. */
function readObjective(r: ParamReader): { objective: LgbObjective; multi: boolean; numClass: number } {
  const { params, problems, pick, num, word } = r;
  let objective: LgbObjective = 'regression';
  const obj = word(['objective', 'objective_type', 'app', 'application', 'loss']);
  if (obj) {
    const known = LGB_OBJECTIVE_ALIASES[obj[1]];
    if (known) objective = known;
    else if (LGB_NOT_YET.has(obj[1]))
      problems.push({ name: obj[0], message: "is not implemented in dtrain's lightgbm yet" });
    else {
      const supported = [...new Set(Object.values(LGB_OBJECTIVE_ALIASES))];
      problems.push({
        name: obj[0],
        message: unknownValue('objective', didYouMean(obj[1], OBJECTIVES), supported),
      });
    }
  }
  const multi = objective === 'multiclass' || objective === 'multiclassova';
  const numClass = num(['num_class', 'num_classes'], 1, 'int1');
  const classKey = pick(['num_class', 'num_classes']) ?? 'num_class';
  if (multi && numClass < 2)
    problems.push({
      name: classKey,
      message: `must be >= 2 for ${objective}`,
      showsValue: params[classKey] === undefined,
    });
  if (!multi && numClass !== 1) problems.push({ name: classKey, message: `must be 1 for ${objective}` });

  return { objective, multi, numClass };
}

/** `boosting: goss` (LightGBM < 4) or `data_sample_strategy: goss`; dart and rf are refused. */
function readSampleStrategy(r: ParamReader): 'bagging' | 'goss' {
  const { problems, word } = r;
  let sampleStrategy: 'bagging' | 'goss' = 'bagging';
  const boosting = word(['boosting', 'boosting_type', 'boost']);
  if (boosting) {
    if (boosting[1] === 'goss') sampleStrategy = 'goss';
    else if (boosting[1] === 'dart' || boosting[1] === 'rf' || boosting[1] === 'random_forest')
      problems.push({ name: boosting[0], message: "is not implemented in dtrain's lightgbm yet" });
    else if (boosting[1] !== 'gbdt' && boosting[1] !== 'gbrt')
      problems.push({ name: boosting[0], message: 'must be one of gbdt, goss' });
  }
  const strategy = word(['data_sample_strategy']);
  if (strategy) {
    if (strategy[1] === 'goss') sampleStrategy = 'goss';
    else if (strategy[1] !== 'bagging')
      problems.push({ name: 'data_sample_strategy', message: 'must be bagging or goss' });
  }

  return sampleStrategy;
}

/** `metric`: a name, a comma string or a list; aliases resolved, duplicates dropped, in order. */
function readMetrics(r: ParamReader, objective: LgbObjective): string[] {
  const { params, problems, pick } = r;
  const metricKey = pick(['metric', 'metrics', 'metric_types']) ?? 'metric';
  const metricRaw = params[metricKey];
  let metricList: string[] | undefined;
  if (typeof metricRaw === 'string') metricList = metricRaw.split(',');
  else if (Array.isArray(metricRaw) && metricRaw.every((m) => typeof m === 'string')) metricList = metricRaw;
  else if (metricRaw !== undefined)
    problems.push({ name: metricKey, message: 'must be a metric name or a list of names' });
  const metric: string[] = [];
  for (const [i, m] of (metricList ?? [defaultLgbMetric(objective)]).entries()) {
    const key = m.trim().toLowerCase();
    if (LGB_NO_METRIC.has(key)) continue;
    const canonical = LGB_METRIC_ALIASES[key];
    if (canonical === undefined) {
      const where = Array.isArray(metricRaw) ? { index: i } : {};
      const what = LGB_NOT_YET.has(key) ? "metric not implemented in dtrain's lightgbm yet" : undefined;
      const supported = [...new Set(Object.values(LGB_METRIC_ALIASES))];
      const message = what ?? unknownValue('metric', didYouMean(key, METRICS), supported);
      // A comma string holds several names: say which one is meant.
      const named = typeof metricRaw === 'string' && metricList !== undefined && metricList.length > 1;
      problems.push({
        name: metricKey,
        ...where,
        message: named ? `${JSON.stringify(m)}: ${message}` : message,
      });
    } else if (!metric.includes(canonical)) metric.push(canonical);
  }
  return metric;
}

/**
 * Parses LightGBM-style params (numbers and booleans may be strings, as on LightGBM's CLI): the
 * spec, with defaults where a value is bad, and every problem found (in the order a user reads
 * them: objective, sampling, metrics, then the rest).
 */
export function readLgbParams(params: Params): { parsed: LgbParams; problems: ParamProblem[] } {
  const problems: ParamProblem[] = [];
  const r = paramReader(params, problems);
  const { pick, num, bool } = r;
  const { objective, multi, numClass } = readObjective(r);
  const sampleStrategy = readSampleStrategy(r);
  const metric = readMetrics(r, objective);
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
  const catKey =
    pick([
      'categorical_feature',
      'cat_feature',
      'categorical_column',
      'cat_column',
      'categorical_features',
    ]) ?? 'categorical_feature';
  const categoricalFeature = parseCategorical(catKey, params[catKey], problems);
  if (bool(['zero_as_missing'], false))
    problems.push({ name: 'zero_as_missing', message: "true is not implemented in dtrain's lightgbm yet" });
  const linear = pick(['linear_tree', 'linear_trees']) ?? 'linear_tree';
  if (bool([linear], false))
    problems.push({ name: linear, message: "true is not implemented in dtrain's lightgbm yet" });

  const seed = num(['seed', 'random_seed', 'random_state'], 0, 'int');
  const threads = num(['num_threads', 'num_thread', 'nthread', 'nthreads', 'n_jobs'], 0, 'int');
  const parsed: LgbParams = {
    objective,
    numClass: multi ? numClass : 1,
    alpha: num(['alpha'], 0.9, 'pos'),
    ...readTreeParams(r),
    sampleStrategy,
    ...readSamplingParams(r),
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
  checkCombinations(parsed, pick, problems);
  return { parsed, problems };
}

/** How trees grow: iterations, learning rate, leaves, depth, regularisation, bagging (in order). */
function readTreeParams(r: ParamReader) {
  const { num } = r;
  return {
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
  };
}

/** GOSS rates and binning. */
function readSamplingParams(r: ParamReader) {
  const { num } = r;
  return {
    topRate: num(['top_rate'], 0.2, 'unit0'),
    otherRate: num(['other_rate'], 0.1, 'unit0'),
    maxBin: num(['max_bin', 'max_bins'], 255, 'int2'),
    minDataInBin: num(['min_data_in_bin'], 3, 'int1'),
    binConstructSampleCnt: num(['bin_construct_sample_cnt', 'subsample_for_bin'], 200000, 'int1'),
  };
}

/** Limits that involve more than one value, or LightGBM's own hard limits. */
function checkCombinations(
  parsed: LgbParams,
  pick: (names: readonly string[]) => string | undefined,
  problems: ParamProblem[],
): void {
  if (parsed.maxBin > 65535)
    problems.push({ name: pick(['max_bin', 'max_bins'])!, message: 'must be <= 65535' });
  if (parsed.sampleStrategy === 'goss' && parsed.topRate + parsed.otherRate > 1)
    problems.push({
      name: pick(['top_rate', 'other_rate'])!,
      message: `top_rate + other_rate must be <= 1, got ${parsed.topRate} + ${parsed.otherRate}`,
      showsValue: true,
    });
  if (parsed.sampleStrategy === 'goss' && parsed.baggingFreq > 0 && parsed.baggingFraction < 1)
    problems.push({
      name: pick(['bagging_fraction', 'sub_row', 'subsample', 'bagging'])!,
      message: 'cannot be combined with goss (LightGBM refuses it too)',
    });
}
