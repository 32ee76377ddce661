/**
 * `params:` checked against the framework: XGBoost and LightGBM by their own parameter names (with a
 * did-you-mean), tensorflow and doctor by the small sets dtrain's runtimes understand. Values are
 * checked loosely: a number where the library expects one.
 */
import { z } from 'zod';
import { checkTensorflowParams } from './check-tensorflow.js';
import { didYouMean } from './did-you-mean.js';
import type { Framework } from './job-spec.js';
import { GBDT_PARAMS, MANAGED_PARAMS } from './params-gbdt.js';
import type { FoundProblem } from './problems.js';
import { whole } from './schema.js';
import { jobErrorMap, problemsFromIssues } from './zod-problems.js';

const metrics = z.union([z.string(), z.array(z.string())], {
  error: 'must be a metric name or a list of them',
});

/**
 * The tensorflow runtime's parameters (Keras/tfjs names). The names inside optimizer, loss and
 * metrics are checked by check-tensorflow.ts against params-tensorflow.ts.
 */
export const TensorflowParamsSchema = z
  .strictObject({
    optimizer: z.string().min(1),
    learning_rate: z.number().positive(),
    /** The `momentum` optimizer's momentum (default 0.9). */
    momentum: z.number().min(0).max(1),
    loss: z.string().min(1),
    metrics,
    epochs: whole(1),
    batch_size: whole(1),
    /** Fraction of the training rows held out for validation when `data.valid` is not given. */
    validation_split: z.number().min(0).lt(1),
    /** Shuffle the training rows every epoch (default true). */
    shuffle: z.boolean(),
    seed: whole(0),
    max_staleness: whole(0),
    /** Gradients travel as float16 (sync data parallel). */
    fp16_allreduce: z.boolean(),
    backend: z.enum(['auto', 'node-gpu', 'node', 'wasm', 'cpu']),
  })
  .partial();

/** What `dtrain doctor` measures: collective sizes in bytes and repetitions of each. */
export const DoctorParamsSchema = z
  .strictObject({
    sizes: z.array(whole(1)).min(1),
    iterations: whole(1),
  })
  .partial();

/** Problems in `params` for `framework` (the value is known to be a mapping). */
export function checkParams(framework: Framework, params: Readonly<Record<string, unknown>>): FoundProblem[] {
  if (framework === 'tensorflow' || framework === 'doctor') {
    const schema = framework === 'tensorflow' ? TensorflowParamsSchema : DoctorParamsSchema;
    const result = schema.safeParse(params, { error: jobErrorMap });
    const names = framework === 'tensorflow' ? checkTensorflowParams(params) : [];
    if (result.success) return names;
    const issues = problemsFromIssues(result.error.issues, schema, {
      prefix: ['params'],
      unknown: `unknown ${framework} parameter`,
    });
    return [...issues, ...names];
  }
  const { names, numeric } = GBDT_PARAMS[framework];
  const managed = MANAGED_PARAMS[framework];
  return Object.entries(params).flatMap(([name, value]): FoundProblem[] => {
    const path = ['params', name];
    const why = managed[name];
    if (why !== undefined) return [{ path, message: why, at: 'key', got: null }];
    if (!names.includes(name)) {
      const guess = didYouMean(name, names);
      const hint = guess === undefined ? '' : `; did you mean \`${guess}\`?`;
      return [{ path, message: `unknown ${framework} parameter${hint}`, at: 'key', got: null }];
    }
    if (numeric.has(name) && typeof value !== 'number') return [{ path, message: 'must be a number' }];
    if (framework === 'xgboost') return checkXgboostValue(name, value, path);
    return checkLightgbmValue(name, value, path);
  });
}

/** The objectives and metrics dtrain's xgboost engine implements (XGBoost's own names). */
export const XGBOOST_OBJECTIVES: readonly string[] = [
  'reg:squarederror',
  'reg:logistic',
  'binary:logistic',
  'multi:softprob',
  'multi:softmax',
  'count:poisson',
];
export const XGBOOST_METRICS: readonly string[] = [
  'rmse',
  'mae',
  'logloss',
  'error',
  'auc',
  'mlogloss',
  'merror',
  'poisson-nloglik',
];

function checkXgboostValue(name: string, value: unknown, path: readonly (string | number)[]): FoundProblem[] {
  if (name === 'objective') {
    if (typeof value === 'string' && XGBOOST_OBJECTIVES.includes(value)) return [];
    const guess = typeof value === 'string' ? didYouMean(value, XGBOOST_OBJECTIVES) : undefined;
    const hint =
      guess === undefined ? `; one of ${XGBOOST_OBJECTIVES.join(', ')}` : `; did you mean \`${guess}\`?`;
    return [{ path, message: `unknown objective${hint}` }];
  }
  if (name === 'eval_metric') {
    const list = Array.isArray(value) ? value : [value];
    return list.flatMap((m, i): FoundProblem[] => {
      const at = Array.isArray(value) ? [...path, i] : path;
      if (typeof m !== 'string') return [{ path: at, message: 'must be a metric name' }];
      const base = m.replace(/@[0-9.]+$/, '');
      if (XGBOOST_METRICS.includes(base) && (base === m || base === 'error')) return [];
      const guess = didYouMean(m, XGBOOST_METRICS);
      const hint =
        guess === undefined ? `; one of ${XGBOOST_METRICS.join(', ')}` : `; did you mean \`${guess}\`?`;
      return [{ path: at, message: `unknown metric${hint}` }];
    });
  }
  return [];
}

/** LightGBM's query column names (`group_column` and its aliases). */
export const LIGHTGBM_GROUP_PARAMS: readonly string[] = [
  'group_column',
  'group',
  'group_id',
  'query_column',
  'query',
  'query_id',
];

const isIntList = (v: unknown): boolean =>
  (Array.isArray(v) && v.length > 0 && v.every((k) => Number.isInteger(k) && k >= 1)) ||
  (typeof v === 'string' && /^\s*\d+(\s*,\s*\d+)*\s*$/.test(v) && !/(^|,)\s*0+\s*(,|$)/.test(v)) ||
  (Number.isInteger(v) && (v as number) >= 1);

function checkLightgbmValue(
  name: string,
  value: unknown,
  path: readonly (string | number)[],
): FoundProblem[] {
  if (LIGHTGBM_GROUP_PARAMS.includes(name)) {
    const ok =
      (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
      (typeof value === 'string' && value.trim() !== '' && value.trim() !== 'name:');
    return ok
      ? []
      : [
          {
            path,
            message:
              'must be the query column: a header name (name:qid or qid) or a 0-based index not counting the label',
          },
        ];
  }
  if (['eval_at', 'ndcg_eval_at', 'ndcg_at', 'map_eval_at', 'map_at'].includes(name) && !isIntList(value))
    return [{ path, message: 'must be a list of positions >= 1, e.g. [1, 3, 5]' }];
  if (name === 'label_gain') {
    const list = typeof value === 'string' ? value.split(',').map(Number) : value;
    if (
      !(
        Array.isArray(list) &&
        list.length > 0 &&
        list.every((g) => typeof g === 'number' && Number.isFinite(g) && g >= 0)
      )
    )
      return [{ path, message: 'must be a list of gains >= 0, one per relevance grade' }];
  }
  if (name === 'lambdarank_truncation_level' && !(Number.isInteger(value) && (value as number) >= 1))
    return [{ path, message: 'must be an integer >= 1' }];
  return [];
}
