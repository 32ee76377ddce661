/**
 * LightGBM's leaf refit for regression_l1 (`RenewTreeOutput` in src/objective/regression_objective.hpp,
 * called from GBDT::TrainOneIter before shrinkage): once a tree is grown on sign gradients, each leaf's
 * output becomes the median of its rows' residuals (label − current score), times the learning rate.
 * The rows are the tree's sample (bagging, GOSS). Data parallel, like LightGBM, each rank takes the
 * median of its own rows and the leaf gets the mean over the ranks that have rows in it.
 */
import type { Collective, GrownTree } from '../core/index.js';

/**
 * LightGBM's `PercentileFun` (unweighted): with the n values in descending order d, position
 * p = (1 − alpha)·n; the result interpolates d[⌊p⌋−1] towards d[⌊p⌋] by p − ⌊p⌋ (so for alpha 0.5 and
 * odd n it is the mean of the two values around the middle, not the middle one).
 */
export function lgbPercentile(values: Float64Array, alpha: number): number {
  const n = values.length;
  if (n <= 1) return values[0] ?? 0;
  const d = values.slice().sort((a, b) => b - a);
  const floatPos = (1 - alpha) * n;
  const pos = Math.floor(floatPos);
  if (pos < 1) return d[0]!;
  if (pos >= n) return d[n - 1]!;
  const bias = floatPos - pos;
  const v1 = d[pos - 1]!;
  const v2 = d[pos]!;
  return v1 - (v1 - v2) * bias;
}

/** Sets every leaf of `t` to eta × the median residual of its rows (`rows[begin..end)` are row ids). */
export async function renewL1Leaves(
  t: GrownTree,
  rows: Uint32Array,
  margins: Float32Array | Float64Array,
  labels: Float32Array,
  eta: number,
  collective: Collective,
): Promise<void> {
  const leaves: number[] = [];
  for (let nid = 0; nid < t.left.length; nid++) if (t.left[nid] === -1) leaves.push(nid);
  // [sum of per-rank medians, ranks with rows] per leaf, summed over ranks.
  const parts = new Float64Array(2 * leaves.length);
  leaves.forEach((nid, j) => {
    const begin = t.begin[nid]!;
    const n = t.end[nid]! - begin;
    if (n === 0) return;
    const residuals = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = rows[begin + i]!;
      residuals[i] = labels[r]! - margins[r]!;
    }
    parts[2 * j] = lgbPercentile(residuals, 0.5);
    parts[2 * j + 1] = 1;
  });
  if (collective.worldSize > 1) await collective.allReduceSum(parts);
  leaves.forEach((nid, j) => {
    const ranks = parts[2 * j + 1]!;
    if (ranks > 0) t.value[nid] = (eta * parts[2 * j]!) / ranks;
  });
}
