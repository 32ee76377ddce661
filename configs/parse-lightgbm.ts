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
} from './params-lightgbm.js';

type Params = Readonly<Record<string, unknown>>;

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

/** Parses LightGBM-style params for the engine; throws one E_PARAM error listing every problem. */
export function parseLgbParams(params: Params): LgbParams {
  const { parsed, problems } = readLgbParams(params);
  throwParamProblems(problems, params);
  return parsed;
}

const OBJECTIVES = Object.keys(LGB_OBJECTIVE_ALIASES);
const METRICS = Object.keys(LGB_METRIC_ALIASES);

/**
 * Parses LightGBM-style params (numbers and booleans may be strings, as on LightGBM's CLI): the
 * spec, with defaults where a value is bad, and every problem found.
 */
export function readLgbParams(params: Params): { parsed: LgbParams; problems: ParamProblem[] } {
  const problems: ParamProblem[] = [];
  const pick = (names: readonly string[]): string | undefined => names.find((n) => params[n] !== undefined);
  const num = (names: readonly string[], def: number, check: Check): number => {
    const name = pick(names);
    if (name === undefined) return def;
    const raw = params[name];
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const [ok, what] = CHECKS[check];
    if (typeof v !== 'number' || !ok(v)) {
      problems.push({ name, message: what });
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
    problems.push({ name, message: 'must be true or false' });
    return def;
  };
  const word = (names: readonly string[]): [string, string] | undefined => {
    const name = pick(names);
    if (name === undefined) return undefined;
    const raw = params[name];
    if (typeof raw !== 'string') {
      problems.push({ name, message: 'must be a string' });
      return undefined;
    }
    return [name, raw.trim().toLowerCase()];
  };

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
  return { parsed, problems };
}

const GROUP_NAMES = ['group_column', 'group', 'group_id', 'query_column', 'query', 'query_id'];

/** `group_column`: an index (LightGBM's: the label column is not counted) or a name (`name:` optional). */
function parseGroupColumn(params: Params, problems: ParamProblem[]): number | string | undefined {
  const name = GROUP_NAMES.find((n) => params[n] !== undefined);
  if (name === undefined) return undefined;
  const raw = params[name];
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const t = raw.trim();
    if (t.startsWith('name:') && t.length > 5) return t.slice(5);
    return /^\d+$/.test(t) ? Number(t) : t;
  }
  problems.push({
    name,
    message:
      'must be the query column: a header name (name:qid or qid) or a 0-based index not counting the label',
  });
  return undefined;
}

/** A list of integers >= `min`, as a YAML list or LightGBM's comma string. */
function intList(
  params: Params,
  names: readonly string[],
  def: readonly number[],
  min: number,
  problems: ParamProblem[],
): readonly number[] {
  const name = names.find((n) => params[n] !== undefined);
  if (name === undefined) return def;
  const raw = params[name];
  const items =
    typeof raw === 'string' ? raw.split(',').map((t) => Number(t.trim())) : Array.isArray(raw) ? raw : [raw];
  if (items.length === 0 || !items.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min)) {
    problems.push({ name, message: `must be a list of positions >= ${min}, e.g. [1, 3, 5]` });
    return def;
  }
  return items as number[];
}

/** `label_gain`: a list of finite numbers >= 0 (YAML list or comma string). */
function numberList(params: Params, name: string, problems: ParamProblem[]): number[] | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  const items =
    typeof raw === 'string' ? raw.split(',').map((t) => Number(t.trim())) : Array.isArray(raw) ? raw : [raw];
  if (items.length === 0 || !items.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    problems.push({ name, message: 'must be a list of gains >= 0, one per relevance grade' });
    return undefined;
  }
  return items as number[];
}

/** `categorical_feature`: a list, or LightGBM's comma string (`0,3,5` or `name:a,b`). */
function parseCategorical(name: string, raw: unknown, problems: ParamProblem[]): (number | string)[] {
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
  for (const [i, item] of items.entries()) {
    if (typeof item === 'number' && Number.isInteger(item) && item >= 0) out.push(item);
    else if (typeof item === 'string' && item.trim() !== '') {
      const t = item.trim();
      out.push(!byName && /^\d+$/.test(t) ? Number(t) : t);
    } else
      problems.push({
        name,
        ...(Array.isArray(raw) ? { index: i } : {}),
        message: 'must be a column index or name',
      });
  }
  return out;
}
