/**
 * LightGBM's objectives (src/objective/*.hpp): gradients and hessians (computed in double, stored as
 * float32 like LightGBM's score_t), the boost_from_average initial scores, and the map onto the
 * predictor's objectives. regression_l1 uses sign gradients with unit hessians and then, as LightGBM,
 * renews each leaf to the median residual of its rows (lightgbm/renew.ts); huber does not (nor does
 * LightGBM 4.x).
 * lambdarank (lightgbm/rank.ts) reads the training set's query groups, given to `lgbObjective`.
 */
import { DtrainError } from '../../../configs/errors.js';
import { exactLog } from './exact-log.js';
import type { LgbParams } from './params.js';
import { Lambdarank, queryBoundaries } from './rank.js';
import { lgbPercentile, renewL1Leaves } from './renew.js';
import { type PointObjective, pointGradients } from './point-gradients.js';
import type { Collective, GrownTree, ObjectiveName } from '../core/index.js';

export interface LgbObjectiveImpl {
  /** Outputs (trees) per iteration. */
  readonly outputs: number;
  /** The predictor's objective and the base score that makes its base margin 0. */
  readonly xgbName: ObjectiveName;
  readonly neutralBase: number;
  /** LightGBM's `objective=` line. */
  readonly line: string;
  gradients(
    margins: Float32Array | Float64Array,
    labels: Float32Array,
    grad: Float32Array,
    hess: Float32Array,
  ): void;
  /**
   * For objectives whose gradients are per row (all but lambdarank): the kind row-tasks.ts computes,
   * so the training threads can share the pass, and the label check `gradients` makes (run it once
   * before handing the pass to the threads).
   */
  readonly pointwise?: { readonly objective: PointObjective; checkLabels(labels: Float32Array): void };
  /** Margins → predictions in place. */
  transform(margins: Float32Array): Float32Array;
  /**
   * LightGBM's starting point per output over all ranks' labels (see LgbStart). `scores` false (a
   * resumed model, which starts from its trees): the scores may be left 0 where they cost a pass
   * over every rank's labels (regression_l1's median).
   */
  start(labels: Float32Array, collective: Collective, scores?: boolean): Promise<LgbStart>;
  /** LightGBM's RenewTreeOutput: refits a grown tree's leaves from the rows' scores before it. */
  renewLeaves?(
    t: GrownTree,
    rows: Uint32Array,
    margins: Float32Array | Float64Array,
    labels: Float32Array,
    collective: Collective,
  ): Promise<void>;
}

/**
 * Where LightGBM starts each output (src/boosting/gbdt.cpp `BoostFromAverage`, `ClassNeedTrain`).
 * The trainer adds `scores` to the margins before the first iteration when boost_from_average is on
 * (and |score| > 1e-15); with it off, an output whose first tree cannot split starts from its score
 * anyway (LightGBM's `ObtainAutomaticInitialScore` in `TrainOneIter`).
 */
export interface LgbStart {
  /** `BoostFromScore` per output, over every rank's labels, whatever boost_from_average says. */
  readonly scores: readonly number[];
  /** Per output: whether its trees are grown (multiclass*: not for a class no row or every row has). */
  readonly train: readonly boolean[];
}

export const K_EPSILON = Math.fround(1e-15);

function labelError(objective: string, row: number, label: number, domain: string): DtrainError {
  return new DtrainError('E_LABEL', `${objective}: label ${label} at row ${row} is outside ${domain}`, {
    category: 'config',
    detail: `check the label column, or choose an objective whose labels are ${domain}`,
  });
}

function checkBinary(labels: Float32Array): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y !== 0 && y !== 1) throw labelError('binary', i, y, '{0, 1}');
  }
}

function sigmoidInPlace(m: Float32Array): Float32Array {
  for (let i = 0; i < m.length; i++) m[i] = 1 / (1 + Math.exp(-m[i]!));
  return m;
}

function softmaxInPlace(m: Float32Array, k: number): Float32Array {
  for (let b = 0; b < m.length; b += k) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, m[b + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(m[b + j]! - max);
    for (let j = 0; j < k; j++) m[b + j] = Math.exp(m[b + j]! - max) / sum;
  }
  return m;
}

/** Σ over all ranks of [Σ label, rows] (per class k for `perClass`). */
async function labelSums(labels: Float32Array, k: number, collective: Collective): Promise<Float64Array> {
  const s = new Float64Array(k + 1);
  for (let i = 0; i < labels.length; i++) {
    if (k === 1) s[0]! += labels[i]!;
    else s[labels[i]!]! += 1;
  }
  s[k] = labels.length;
  await collective.allReduceSum(s);
  return s;
}

function logOdds(p: number): number {
  const q = Math.min(Math.max(p, K_EPSILON), 1 - K_EPSILON);
  return exactLog(q / (1 - q));
}

async function globalMedian(labels: Float32Array, collective: Collective): Promise<number> {
  const all = await collective.allGather(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  const joined = new Float32Array(all.reduce((n, b) => n + b.byteLength / 4, 0));
  let at = 0;
  for (const b of all) {
    const v = new Float32Array(b.slice().buffer);
    joined.set(v, at);
    at += v.length;
  }
  if (joined.length === 0) return 0;
  // LightGBM's BoostFromScore for l1 is its PercentileFun at 0.5 (the upper middle for even counts).
  return lgbPercentile(Float64Array.from(joined), 0.5);
}

/** Query groups are required by lambdarank (and ndcg): this says how to give them. */
export function missingGroupsError(what: string): DtrainError {
  return new DtrainError('E_DATA', `${what} needs query groups, but the data has none`, {
    category: 'config',
    detail:
      'name the query column with params.group_column (csv), or write qid:N on every line (libsvm); rows of one query must be consecutive',
  });
}

/** The objective of `p`; `groups` are the training rows' query ids (lambdarank only). */
export function lgbObjective(p: LgbParams, groups?: Int32Array): LgbObjectiveImpl {
  const K = p.numClass;
  switch (p.objective) {
    case 'lambdarank': {
      if (!groups) throw missingGroupsError('objective lambdarank');
      const bounds = queryBoundaries(groups);
      let rank: Lambdarank | undefined;
      return {
        outputs: 1,
        xgbName: 'reg:squarederror',
        neutralBase: 0,
        line: 'lambdarank',
        gradients(margins, labels, grad, hess) {
          rank ??= new Lambdarank({
            bounds,
            labels,
            labelGain: p.labelGain,
            sigmoid: p.sigmoid,
            truncationLevel: p.truncationLevel,
            norm: p.lambdarankNorm,
          });
          rank.gradients(margins, grad, hess);
        },
        transform: (m) => m,
        // LightGBM does not boost ranking objectives from an average.
        start: async () => ({ scores: [0], train: [true] }),
      };
    }
    case 'regression':
    case 'regression_l1':
    case 'huber': {
      const kind = p.objective;
      return {
        outputs: 1,
        xgbName: 'reg:squarederror',
        neutralBase: 0,
        line: kind,
        gradients(margins, labels, grad, hess) {
          pointGradients(
            { objective: kind, alpha: p.alpha, K: 1, margins, labels, grad, hess },
            0,
            labels.length,
          );
        },
        pointwise: { objective: kind, checkLabels: () => {} },
        transform: (m) => m,
        ...(kind === 'regression_l1'
          ? {
              renewLeaves: (
                t: GrownTree,
                rows: Uint32Array,
                margins: Float32Array | Float64Array,
                labels: Float32Array,
                c: Collective,
              ) => renewL1Leaves(t, rows, margins, labels, p.learningRate, c),
            }
          : {}),
        async start(labels, collective, scores = true) {
          if (kind === 'regression_l1')
            return { scores: [scores ? await globalMedian(labels, collective) : 0], train: [true] };
          const s = await labelSums(labels, 1, collective);
          return { scores: [s[1]! > 0 ? s[0]! / s[1]! : 0], train: [true] };
        },
      };
    }
    case 'binary':
      return {
        outputs: 1,
        xgbName: 'binary:logistic',
        neutralBase: 0.5,
        line: 'binary sigmoid:1',
        gradients(margins, labels, grad, hess) {
          checkBinary(labels);
          pointGradients(
            { objective: 'binary', alpha: 0, K: 1, margins, labels, grad, hess },
            0,
            labels.length,
          );
        },
        pointwise: { objective: 'binary', checkLabels: checkBinary },
        transform: sigmoidInPlace,
        async start(labels, collective) {
          const s = await labelSums(labels, 1, collective);
          return { scores: [s[1]! > 0 ? logOdds(s[0]! / s[1]!) : 0], train: [true] };
        },
      };
    default: {
      const ova = p.objective === 'multiclassova';
      const kind = ova ? 'multiclassova' : 'multiclass';
      const checkClasses = (labels: Float32Array) => {
        for (let i = 0; i < labels.length; i++) {
          const y = labels[i]!;
          if (!(Number.isInteger(y) && y >= 0 && y < K))
            throw labelError(p.objective, i, y, `the integers [0, ${K}) (num_class ${K})`);
        }
      };
      return {
        outputs: K,
        xgbName: 'multi:softprob',
        neutralBase: 0,
        line: ova ? `multiclassova num_class:${K} sigmoid:1` : `multiclass num_class:${K}`,
        gradients(margins, labels, grad, hess) {
          checkClasses(labels);
          pointGradients({ objective: kind, alpha: 0, K, margins, labels, grad, hess }, 0, labels.length);
        },
        pointwise: { objective: kind, checkLabels: checkClasses },
        transform: (m) => (ova ? sigmoidInPlace(m) : softmaxInPlace(m, K)),
        async start(labels, collective) {
          const s = await labelSums(labels, K, collective);
          const n = s[K]!;
          // MulticlassSoftmax: log of the class prior; MulticlassOVA: each class's binary log-odds.
          // Both skip a class that no row, or every row, has (its tree is then the constant score).
          const prior = (k: number) => (n > 0 ? s[k]! / n : 0);
          return {
            scores: Array.from({ length: K }, (_, k) =>
              ova ? logOdds(prior(k)) : exactLog(Math.max(K_EPSILON, prior(k))),
            ),
            train: Array.from({ length: K }, (_, k) => s[k]! > 0 && s[k]! < n),
          };
        },
      };
    }
  }
}
