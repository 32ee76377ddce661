/**
 * XGBoost 1.7's objectives: gradients, hessians, base-score margins and output transforms, with the
 * same formulas (src/objective/regression_loss.h, regression_obj.cu, multiclass_obj.cu), so a model
 * trained here matches one trained by XGBoost on the same splits. Labels are checked on every call
 * to `gradients`; a label outside the objective's domain is a config error naming the row.
 */
import { didYouMean } from '../../../configs/params/index.js';
import { DtrainError } from '../../../configs/errors.js';
import { XGBOOST_OBJECTIVES } from '../../../configs/params/index.js';
import { expf } from './expf.js';
import type { Objective, ObjectiveName } from './types.js';

/** Every objective the engine implements, in the order the error message lists them (configs' list). */
export const OBJECTIVES: readonly ObjectiveName[] = XGBOOST_OBJECTIVES;

/** Objective parameters that live in XGBoost's objective block rather than the tree parameters. */
export interface ObjectiveOptions {
  /** Weight multiplier for rows with label 1 (reg:* and binary:*), default 1. */
  readonly scalePosWeight?: number;
  /** count:poisson's hessian offset, default 0.7 as XGBoost sets it for poisson. */
  readonly maxDeltaStep?: number;
}

// XGBoost's floor for hessians, the float32 literal `1e-16f` its losses compare against.
const HESS_EPS_F32 = Math.fround(1e-16);
const f32 = Math.fround;
// std::numeric_limits<float>::min(): the smallest normal float32.
const FLT_MIN = 2 ** -126;

function labelError(name: string, row: number, label: number, domain: string): DtrainError {
  return new DtrainError('E_LABEL', `${name}: label ${label} at row ${row} is outside ${domain}`, {
    category: 'config',
    detail: `check the label column, or choose an objective whose labels are ${domain}`,
  });
}

function paramError(message: string): DtrainError {
  return new DtrainError('E_PARAM', message, { category: 'config' });
}

/**
 * XGBoost's `common::Sigmoid` on float: `1.0f / (1.0f + expf(-x))`, every step rounded to float32 and
 * glibc's `expf` (expf.ts: not `Math.fround(Math.exp)`, which differs by an ulp now and then), so
 * gradients are bit-identical to XGBoost's (which decides ties between equal-gain splits).
 */
function sigmoid(x: number): number {
  return f32(1 / f32(1 + expf(-x)));
}

type Loss = 'squared' | 'logistic';

function regLoss(name: ObjectiveName, loss: Loss, scalePosWeight: number): Objective {
  const logistic = loss === 'logistic';
  const spw = f32(scalePosWeight);
  return {
    name,
    outputs: 1,
    defaultMetric: name === 'binary:logistic' ? 'logloss' : 'rmse',
    marginOf(baseScore) {
      if (!logistic) return baseScore;
      if (!(baseScore > 0 && baseScore < 1))
        throw paramError(`params.base_score: ${baseScore} must be in (0, 1) for ${name}`);
      return Math.log(baseScore / (1 - baseScore));
    },
    gradients(margins, labels, weights, grad, hess) {
      for (let i = 0; i < labels.length; i++) {
        const y = labels[i]!;
        if (logistic && !(y >= 0 && y <= 1)) throw labelError(name, i, y, '[0, 1]');
        // Float32 arithmetic throughout, as regression_loss.h does it.
        let w = weights === undefined ? 1 : weights[i]!;
        if (y === 1) w = f32(w * spw);
        const m = margins[i]!;
        if (logistic) {
          const p = sigmoid(m);
          grad[i] = f32(p - y) * w;
          hess[i] = Math.max(f32(p * f32(1 - p)), HESS_EPS_F32) * w;
        } else {
          grad[i] = f32(m - y) * w;
          hess[i] = w;
        }
      }
    },
    ...(logistic && {
      gradientsFromPreds(preds: Float32Array, labels: Float32Array, gh: Float32Array) {
        for (let i = 0; i < labels.length; i++) {
          const y = labels[i]!;
          if (!(y >= 0 && y <= 1)) throw labelError(name, i, y, '[0, 1]');
          // The same float32 steps as `gradients`, from p = sigmoid(margin) already computed.
          const w = y === 1 ? spw : 1;
          const p = preds[i]!;
          gh[2 * i] = f32(p - y) * w;
          gh[2 * i + 1] = Math.max(f32(p * f32(1 - p)), HESS_EPS_F32) * w;
        }
      },
    }),
    transform(margins) {
      if (logistic) for (let i = 0; i < margins.length; i++) margins[i] = sigmoid(margins[i]!);
      return margins;
    },
  };
}

function poisson(maxDeltaStep: number): Objective {
  return {
    name: 'count:poisson',
    outputs: 1,
    defaultMetric: 'poisson-nloglik',
    marginOf(baseScore) {
      if (!(baseScore > 0)) throw paramError(`params.base_score: ${baseScore} must be > 0 for count:poisson`);
      return Math.log(baseScore);
    },
    gradients(margins, labels, weights, grad, hess) {
      for (let i = 0; i < labels.length; i++) {
        const y = labels[i]!;
        if (!(y >= 0)) throw labelError('count:poisson', i, y, '[0, ∞)');
        const w = weights === undefined ? 1 : weights[i]!;
        const m = margins[i]!;
        grad[i] = (Math.exp(m) - y) * w;
        hess[i] = Math.exp(m + maxDeltaStep) * w;
      }
    },
    transform(margins) {
      for (let i = 0; i < margins.length; i++) margins[i] = Math.exp(margins[i]!);
      return margins;
    },
  };
}

/** Row-wise softmax in place over `rows × k` values (max-subtracted, like XGBoost). */
export function softmaxRows(values: Float32Array, k: number): Float32Array {
  for (let base = 0; base < values.length; base += k) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, values[base + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(values[base + j]! - max);
    for (let j = 0; j < k; j++) values[base + j] = Math.exp(values[base + j]! - max) / sum;
  }
  return values;
}

function softmax(name: ObjectiveName, k: number): Objective {
  const p = new Float64Array(k);
  return {
    name,
    outputs: k,
    defaultMetric: 'mlogloss',
    // XGBoost 1.7 does not map base_score for softmax: every class margin starts at base_score.
    marginOf: (baseScore) => baseScore,
    gradients(margins, labels, weights, grad, hess) {
      for (let i = 0; i < labels.length; i++) {
        const y = labels[i]!;
        if (!(Number.isInteger(y) && y >= 0 && y < k))
          throw labelError(name, i, y, `the integers [0, ${k}) (num_class ${k})`);
        const w = weights === undefined ? 1 : f32(weights[i]!);
        const base = i * k;
        // As XGBoost 1.7's SoftmaxMultiClassObj::GetGradient: float steps, expf, a double sum, and a
        // max that starts at FLT_MIN (so all-negative margins are shifted by ~0, not by their max).
        let max = FLT_MIN;
        for (let j = 0; j < k; j++) max = Math.max(f32(margins[base + j]!), max);
        let sum = 0;
        for (let j = 0; j < k; j++) {
          p[j] = expf(f32(margins[base + j]! - max));
          sum += p[j]!;
        }
        const sumF = f32(sum);
        for (let j = 0; j < k; j++) {
          const pj = f32(p[j]! / sumF);
          grad[base + j] = f32((j === y ? f32(pj - 1) : pj) * w);
          hess[base + j] = Math.max(f32(f32(f32(2 * pj) * f32(1 - pj)) * w), HESS_EPS_F32);
        }
      }
    },
    transform: (margins) => softmaxRows(margins, k),
  };
}

/**
 * An objective (binary:logistic / reg:logistic, one output, no weights) whose gradients can be taken
 * from the transformed predictions of the same margins, written interleaved `[g, h]` per row: the
 * same values as `gradients`, without a second sigmoid.
 */
export interface PredsGradients {
  gradientsFromPreds(preds: Float32Array, labels: Float32Array, gh: Float32Array): void;
}

export function hasPredsGradients(o: Objective): o is Objective & PredsGradients {
  return typeof (o as Partial<PredsGradients>).gradientsFromPreds === 'function';
}

/**
 * The objective `name` (an XGBoost objective string). `numClass` is used by multi:* only (≥ 2).
 * Throws DtrainError E_PARAM for an unknown name or a bad num_class.
 */
export function objectiveFor(name: string, numClass: number, options: ObjectiveOptions = {}): Objective {
  const scalePosWeight = options.scalePosWeight ?? 1;
  switch (name) {
    case 'reg:squarederror':
      return regLoss(name, 'squared', scalePosWeight);
    case 'reg:logistic':
    case 'binary:logistic':
      return regLoss(name, 'logistic', scalePosWeight);
    case 'count:poisson':
      return poisson(options.maxDeltaStep ?? 0.7);
    case 'multi:softprob':
    case 'multi:softmax':
      if (!(Number.isInteger(numClass) && numClass >= 2))
        throw paramError(`params.num_class: ${name} needs num_class ≥ 2 (got ${numClass})`);
      return softmax(name, numClass);
    default: {
      const guess = didYouMean(name, OBJECTIVES);
      const hint = guess === undefined ? '' : `did you mean "${guess}"? `;
      throw paramError(
        `params.objective: unknown objective "${name}" (${hint}supported: ${OBJECTIVES.join(', ')})`,
      );
    }
  }
}
