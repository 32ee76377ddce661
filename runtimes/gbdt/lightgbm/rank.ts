/**
 * LightGBM's ranking pieces: query boundaries from per-row group ids, the lambdarank objective
 * (src/objective/rank_objective.hpp `LambdarankNDCG::GetGradientsForOneQuery`) and NDCG@k
 * (src/metric/dcg_calculator.cpp, rank_metric.hpp). A query is a run of consecutive rows with the
 * same group id (LightGBM's query boundaries); labels are integer relevance grades that index
 * `label_gain`. Sigmoids are computed exactly where LightGBM reads a 1M-entry table, so gradients
 * agree with LightGBM's to about 1e-5 relative.
 */
import { DtrainError } from '../../../configs/errors.js';
import type { Collective } from '../core/index.js';

/** LightGBM's default label_gain: 2^i − 1 for grades 0..30 (with the parameter tables, in configs/). */
export { defaultLabelGain } from '../../../configs/params/index.js';

/** Row offsets where each query starts, plus the row count at the end (length = queries + 1). */
export function queryBoundaries(groups: Int32Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < groups.length; i++) if (i === 0 || groups[i] !== groups[i - 1]) n++;
  const out = new Uint32Array(n + 1);
  n = 0;
  for (let i = 0; i < groups.length; i++) if (i === 0 || groups[i] !== groups[i - 1]) out[n++] = i;
  out[n] = groups.length;
  return out;
}

/** 1 / log2(2 + position): DCG's discount at 0-based `position`. */
export function discount(position: number): number {
  return 1 / Math.log2(2 + position);
}

/** The best possible DCG@k of a query's labels (labels sorted by grade, descending). */
export function maxDcgAtK(
  labels: ArrayLike<number>,
  from: number,
  to: number,
  k: number,
  gain: readonly number[],
): number {
  const sorted = Array.from({ length: to - from }, (_, i) => labels[from + i]!).sort((a, b) => b - a);
  let dcg = 0;
  for (let i = 0; i < Math.min(k, sorted.length); i++) dcg += gain[sorted[i]!]! * discount(i);
  return dcg;
}

/** Indices from..to−1 ordered by score descending, ties kept in row order (std::stable_sort). */
function byScore(score: ArrayLike<number>, from: number, to: number): number[] {
  const idx = Array.from({ length: to - from }, (_, i) => from + i);
  return idx.sort((a, b) => score[b]! - score[a]! || a - b);
}

function rankLabelError(row: number, label: number, grades: number): DtrainError {
  return new DtrainError(
    'E_LABEL',
    `lambdarank: label ${label} at row ${row} is not a grade in [0, ${grades})`,
    {
      category: 'config',
      detail: 'ranking labels are integer relevance grades; give label_gain one entry per grade for more',
    },
  );
}

/** What lambdarank reads besides the scores: the queries and the objective's parameters. */
export interface LambdarankSetup {
  readonly bounds: Uint32Array;
  readonly labels: Float32Array;
  readonly labelGain: readonly number[];
  readonly sigmoid: number;
  readonly truncationLevel: number;
  readonly norm: boolean;
}

/** The lambdarank objective over fixed queries; `gradients` may be called once per iteration. */
export class Lambdarank {
  private readonly inverseMaxDcg: Float64Array;

  constructor(private readonly s: LambdarankSetup) {
    const grades = s.labelGain.length;
    for (let i = 0; i < s.labels.length; i++) {
      const y = s.labels[i]!;
      if (!(Number.isInteger(y) && y >= 0 && y < grades)) throw rankLabelError(i, y, grades);
    }
    const q = s.bounds.length - 1;
    this.inverseMaxDcg = new Float64Array(q);
    for (let i = 0; i < q; i++) {
      const m = maxDcgAtK(s.labels, s.bounds[i]!, s.bounds[i + 1]!, s.truncationLevel, s.labelGain);
      this.inverseMaxDcg[i] = m > 0 ? 1 / m : 0;
    }
  }

  /** Fills grad/hess for every query from the current scores (one output per row). */
  gradients(score: Float32Array | Float64Array, grad: Float32Array, hess: Float32Array): void {
    const { bounds } = this.s;
    for (let q = 0; q + 1 < bounds.length; q++)
      this.oneQuery(q, bounds[q]!, bounds[q + 1]!, score, grad, hess);
  }

  private oneQuery(
    q: number,
    from: number,
    to: number,
    score: Float32Array | Float64Array,
    grad: Float32Array,
    hess: Float32Array,
  ) {
    const { labels, labelGain: gain, sigmoid, truncationLevel, norm } = this.s;
    const cnt = to - from;
    const lambdas = new Float64Array(cnt);
    const hessians = new Float64Array(cnt);
    const order = byScore(score, from, to);
    const best = score[order[0]!]!;
    const worst = score[order[cnt - 1]!]!;
    const inverseMax = this.inverseMaxDcg[q]!;
    let sumLambdas = 0;
    // Pairs with at least one document above the truncation level; equal grades make no pair.
    for (let i = 0; i < cnt - 1 && i < truncationLevel; i++) {
      for (let j = i + 1; j < cnt; j++) {
        const a = order[i]!;
        const b = order[j]!;
        if (labels[a] === labels[b]) continue;
        const [highRank, lowRank] = labels[a]! > labels[b]! ? [i, j] : [j, i];
        const high = order[highRank]!;
        const low = order[lowRank]!;
        const deltaScore = score[high]! - score[low]!;
        let deltaNdcg =
          (gain[labels[high]!]! - gain[labels[low]!]!) *
          Math.abs(discount(highRank) - discount(lowRank)) *
          inverseMax;
        // LightGBM's lambdarank_norm: pairs already far apart in score pull less.
        if (norm && best !== worst) deltaNdcg /= 0.01 + Math.abs(deltaScore);
        const p = 1 / (1 + Math.exp(sigmoid * deltaScore));
        const lambda = -sigmoid * deltaNdcg * p;
        const h = sigmoid * sigmoid * deltaNdcg * p * (1 - p);
        lambdas[low - from]! -= lambda;
        hessians[low - from]! += h;
        lambdas[high - from]! += lambda;
        hessians[high - from]! += h;
        sumLambdas -= 2 * lambda;
      }
    }
    const factor = norm && sumLambdas > 0 ? Math.log2(1 + sumLambdas) / sumLambdas : 1;
    for (let i = 0; i < cnt; i++) {
      grad[from + i] = lambdas[i]! * factor;
      hess[from + i] = hessians[i]! * factor;
    }
  }
}

/** DCG@k of one query's rows ordered by score (ties in row order). */
function dcgAtK(
  score: ArrayLike<number>,
  labels: ArrayLike<number>,
  from: number,
  to: number,
  k: number,
  gain: readonly number[],
): number {
  const order = byScore(score, from, to);
  let dcg = 0;
  for (let i = 0; i < Math.min(k, order.length); i++) dcg += gain[labels[order[i]!]!]! * discount(i);
  return dcg;
}

/**
 * NDCG@k for each k, averaged over the queries of all ranks. A query whose best DCG@k is 0 (no
 * relevant document) counts as 1, as in LightGBM.
 */
export async function ndcgAt(
  ks: readonly number[],
  score: Float32Array,
  labels: Float32Array,
  bounds: Uint32Array,
  gain: readonly number[],
  collective: Collective,
): Promise<number[]> {
  const sums = new Float64Array(ks.length + 1);
  const q = bounds.length - 1;
  for (let i = 0; i < q; i++) {
    const from = bounds[i]!;
    const to = bounds[i + 1]!;
    ks.forEach((k, j) => {
      const max = maxDcgAtK(labels, from, to, k, gain);
      sums[j]! += max > 0 ? dcgAtK(score, labels, from, to, k, gain) / max : 1;
    });
  }
  sums[ks.length] = q;
  if (collective.worldSize > 1) await collective.allReduceSum(sums);
  const total = sums[ks.length]!;
  return ks.map((_, j) => (total > 0 ? sums[j]! / total : Number.NaN));
}
