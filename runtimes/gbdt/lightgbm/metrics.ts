/**
 * LightGBM's metrics by their canonical names (src/metric/*.hpp), over transformed predictions, on
 * one rank or data parallel: l2 (mean squared error), rmse, l1, huber, binary_logloss, binary_error,
 * auc, multi_logloss, multi_error. All but huber are the engine's XGBoost metrics under another name
 * (l2 is rmse squared); huber's parts are all-reduced here. `ndcg@k` (lightgbm/rank.ts) needs the
 * set's queries.
 */
import { type Collective, evalMetrics } from '../core/index.js';
import { missingGroupsError } from './objectives.js';
import { ndcgAt, queryBoundaries } from './rank.js';

/** What ndcg@k reads besides scores and labels: the set's query boundaries and the grade gains. */
export interface RankEval {
  readonly bounds: Uint32Array;
  readonly labelGain: readonly number[];
}

const AS_XGB: Readonly<Record<string, string>> = {
  l2: 'rmse',
  rmse: 'rmse',
  l1: 'mae',
  binary_logloss: 'logloss',
  binary_error: 'error',
  auc: 'auc',
  multi_logloss: 'mlogloss',
  multi_error: 'merror',
};

const rankEvals = new WeakMap<Int32Array, RankEval>();

/** The RankEval of a set with query groups (computed once per set), else undefined. */
export function rankEval(
  data: { readonly groups?: Int32Array },
  labelGain: readonly number[],
): RankEval | undefined {
  if (!data.groups) return undefined;
  let r = rankEvals.get(data.groups);
  if (!r || r.labelGain !== labelGain) {
    r = { bounds: queryBoundaries(data.groups), labelGain };
    rankEvals.set(data.groups, r);
  }
  return r;
}

/** Whether a larger value of `metric` is better (LightGBM: auc, ndcg, map). */
export function lgbHigherIsBetter(metric: string): boolean {
  return metric === 'auc' || metric.startsWith('ndcg@') || metric.startsWith('map@');
}

/** Values of `names` (canonical LightGBM names) for this rank's predictions, all ranks combined. */
export async function lgbEvalMetrics(
  names: readonly string[],
  predictions: Float32Array,
  labels: Float32Array,
  outputs: number,
  collective: Collective,
  huberAlpha: number,
  rank?: RankEval,
): Promise<number[]> {
  const out: number[] = [];
  for (const name of names) {
    if (name.startsWith('ndcg@')) {
      if (!rank) throw missingGroupsError(`metric ${name}`);
      const [v] = await ndcgAt(
        [Number(name.slice(5))],
        predictions,
        labels,
        rank.bounds,
        rank.labelGain,
        collective,
      );
      out.push(v!);
      continue;
    }
    if (name === 'huber') {
      const parts = new Float64Array(2);
      for (let i = 0; i < labels.length; i++) {
        const d = Math.abs(predictions[i]! - labels[i]!);
        parts[0]! += d <= huberAlpha ? 0.5 * d * d : huberAlpha * (d - 0.5 * huberAlpha);
      }
      parts[1] = labels.length;
      if (collective.worldSize > 1) await collective.allReduceSum(parts);
      out.push(parts[1]! > 0 ? parts[0]! / parts[1]! : Number.NaN);
      continue;
    }
    const [v] = await evalMetrics([AS_XGB[name]!], predictions, labels, outputs, collective);
    out.push(name === 'l2' ? v! * v! : v!);
  }
  return out;
}
