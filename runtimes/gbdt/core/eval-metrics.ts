/**
 * Evaluation of eval_metrics over a (possibly sharded) set. One rank: the metric itself. Data
 * parallel: every sum-based metric (rmse, mae, logloss, error, error@t, mlogloss, merror,
 * poisson-nloglik) all-reduces its additive parts [Σ loss, rows], which gives the global value up to
 * summation order; auc is rank-based, so predictions and labels are all-gathered and every rank
 * computes it exactly over all rows.
 */
import { metricFor, metricFromParts, metricParts } from './metrics.js';
import type { Collective, Metric } from './types.js';

/** Metric values, in `names` order, for predictions (rows × outputs) of this rank's rows. */
export async function evalMetrics(
  names: readonly string[],
  predictions: Float32Array,
  labels: Float32Array,
  outputs: number,
  collective: Collective,
): Promise<number[]> {
  const values: number[] = [];
  for (const name of names) {
    const metric: Metric = metricFor(name);
    if (collective.worldSize === 1) {
      values.push(metric.evaluate(predictions, labels, outputs));
    } else if (name === 'auc') {
      const [p, l] = await gatherRows(predictions, labels, collective);
      values.push(metric.evaluate(p, l, outputs));
    } else {
      const parts = metricParts(name, predictions, labels, outputs);
      await collective.allReduceSum(parts);
      values.push(metricFromParts(name, parts));
    }
  }
  return values;
}

async function gatherRows(
  predictions: Float32Array,
  labels: Float32Array,
  collective: Collective,
): Promise<[Float32Array, Float32Array]> {
  const mine = new Float32Array(predictions.length + labels.length);
  mine.set(predictions);
  mine.set(labels, predictions.length);
  const all = await collective.allGather(new Uint8Array(mine.buffer));
  const parts = all.map((b) => new Float32Array(b.slice().buffer));
  const total = parts.reduce((s, p) => s + p.length, 0) / 2;
  const p = new Float32Array(total);
  const l = new Float32Array(total);
  let at = 0;
  for (const part of parts) {
    const n = part.length / 2;
    p.set(part.subarray(0, n), at);
    l.set(part.subarray(n), at);
    at += n;
  }
  return [p, l];
}
