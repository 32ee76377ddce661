/**
 * XGBoost 1.7's evaluation metrics over transformed predictions (rows × outputs): rmse, mae, logloss,
 * error, error@t, auc, mlogloss, merror, poisson-nloglik (src/metric/elementwise_metric.cu,
 * multiclass_metric.cu, auc.cc). Unweighted.
 *
 * Data-parallel evaluation: every metric except auc is a function of sums, so each rank computes
 * `metricParts` over its rows, the parts are all-reduced (summed), and `metricFromParts` gives the
 * global value. auc is rank-based and needs the gathered predictions and labels of all rows.
 */
import { didYouMean } from '../../../configs/params/index.js';
import { DtrainError } from '../../../configs/errors.js';
import { XGBOOST_METRICS } from '../../../configs/params/index.js';
import type { Metric } from './types.js';

/** The metric names `metricFor` knows; `error@t` takes any threshold t (the list is in configs/). */
export const METRICS: readonly string[] = XGBOOST_METRICS;

// XGBoost clips probabilities (and poisson means) to this floor before taking logs.
const EPS = 1e-16;
const LOG_EPS = Math.log(EPS);

type SumKind = 'rmse' | 'mae' | 'logloss' | 'error' | 'mlogloss' | 'merror' | 'poisson-nloglik';

interface Parsed {
  readonly kind: SumKind | 'auc';
  readonly threshold: number;
}

function parse(name: string): Parsed {
  if (name === 'auc') return { kind: 'auc', threshold: 0 };
  if (name === 'error') return { kind: 'error', threshold: 0.5 };
  const at = /^error@(.+)$/.exec(name);
  if (at !== null) {
    const t = Number(at[1]);
    if (!Number.isFinite(t))
      throw new DtrainError('E_PARAM', `params.eval_metric: "${name}" needs a number after @`, {
        category: 'config',
      });
    return { kind: 'error', threshold: t };
  }
  if ((METRICS as readonly string[]).includes(name) && name !== 'error@t')
    return { kind: name as SumKind, threshold: 0 };
  const guess = didYouMean(name, METRICS);
  const hint = guess === undefined ? '' : `did you mean "${guess}"? `;
  throw new DtrainError(
    'E_PARAM',
    `params.eval_metric: unknown metric "${name}" (${hint}supported: ${METRICS.join(', ')})`,
    { category: 'config' },
  );
}

function classOf(metric: string, label: number, row: number, k: number): number {
  if (Number.isInteger(label) && label >= 0 && label < k) return label;
  throw new DtrainError('E_LABEL', `${metric}: label ${label} at row ${row} is outside [0, ${k})`, {
    category: 'config',
  });
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The additive parts of a sum-based metric over some rows: `[sum of row losses, row count]`.
 * Sum the parts of all ranks element-wise, then call `metricFromParts`. Throws for auc.
 */
export function metricParts(
  name: string,
  predictions: Float32Array,
  labels: Float32Array,
  outputs: number,
): Float64Array {
  const { kind, threshold } = parse(name);
  const n = labels.length;
  let sum = 0;
  switch (kind) {
    case 'auc':
      throw new DtrainError('E_INTERNAL', 'auc has no additive parts: gather predictions and labels', {
        category: 'internal',
      });
    case 'rmse':
      for (let i = 0; i < n; i++) sum += (predictions[i]! - labels[i]!) ** 2;
      break;
    case 'mae':
      for (let i = 0; i < n; i++) sum += Math.abs(predictions[i]! - labels[i]!);
      break;
    case 'logloss':
      for (let i = 0; i < n; i++) {
        const y = labels[i]!;
        const p = predictions[i]!;
        // XGBoost's branches: a clipped side costs -log(1e-16), the other side (float32 1 - eps = 1) 0.
        if (p < EPS) sum -= y * LOG_EPS;
        else if (1 - p < EPS) sum -= (1 - y) * LOG_EPS;
        // 0/1 labels: one log instead of two, the same value (the other term is exactly 0).
        else if (y === 1) sum -= Math.log(p);
        else if (y === 0) sum -= Math.log(1 - p);
        else sum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
      }
      break;
    case 'error':
      for (let i = 0; i < n; i++) sum += predictions[i]! > threshold ? 1 - labels[i]! : labels[i]!;
      break;
    case 'poisson-nloglik':
      for (let i = 0; i < n; i++) {
        const y = labels[i]!;
        const p = Math.max(predictions[i]!, EPS);
        sum += logGamma(y + 1) + p - Math.log(p) * y;
      }
      break;
    case 'mlogloss':
      for (let i = 0; i < n; i++) {
        const c = classOf(name, labels[i]!, i, outputs);
        sum -= Math.log(Math.max(predictions[i * outputs + c]!, EPS));
      }
      break;
    case 'merror':
      for (let i = 0; i < n; i++) {
        const c = classOf(name, labels[i]!, i, outputs);
        const base = i * outputs;
        let best = 0;
        for (let j = 1; j < outputs; j++) if (predictions[base + j]! > predictions[base + best]!) best = j;
        if (best !== c) sum += 1;
      }
      break;
  }
  return Float64Array.of(sum, n);
}

/** The metric's value from summed parts (see `metricParts`); NaN when there were no rows. */
export function metricFromParts(name: string, parts: Float64Array): number {
  const { kind } = parse(name);
  const sum = parts[0] ?? 0;
  const count = parts[1] ?? 0;
  if (count === 0) return Number.NaN;
  return kind === 'rmse' ? Math.sqrt(sum / count) : sum / count;
}

/**
 * Binary ROC AUC with ties handled like XGBoost 1.7 (and sklearn): rows with equal predictions form
 * one trapezoid. A label counts as `y` positive and `1 − y` negative. NaN when a class is absent.
 */
export function binaryAuc(predictions: Float32Array, labels: Float32Array): number {
  const n = labels.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => predictions[b]! - predictions[a]!);
  let tp = 0;
  let fp = 0;
  let area = 0;
  for (let i = 0; i < n; ) {
    const p = predictions[order[i]!]!;
    const tp0 = tp;
    const fp0 = fp;
    for (; i < n && predictions[order[i]!]! === p; i++) {
      const y = labels[order[i]!]!;
      tp += y;
      fp += 1 - y;
    }
    area += ((fp - fp0) * (tp + tp0)) / 2;
  }
  return tp > 0 && fp > 0 ? area / (tp * fp) : Number.NaN;
}

/** The metric `name` (XGBoost's eval_metric spelling). Throws DtrainError E_PARAM when unknown. */
export function metricFor(name: string): Metric {
  const { kind } = parse(name);
  if (kind === 'auc')
    return { name, higherIsBetter: true, evaluate: (predictions, labels) => binaryAuc(predictions, labels) };
  return {
    name,
    higherIsBetter: false,
    evaluate: (predictions, labels, outputs) =>
      metricFromParts(name, metricParts(name, predictions, labels, outputs)),
  };
}
