/**
 * The GBDT engine's shared types. One engine, two flavours (xgboost/, lightgbm/): the model is
 * stored in XGBoost's array layout, which both exporters and the predictor read.
 */
import type { XgbObjective } from '../../../configs/params/index.js';

/** One regression tree in XGBoost's layout (doc/model.schema). Node 0 is the root. */
export interface Tree {
  /** -1 for leaves. */
  readonly leftChildren: Int32Array;
  readonly rightChildren: Int32Array;
  /** Root's parent is 2147483647 (what XGBoost 1.7 writes). */
  readonly parents: Int32Array;
  /** Feature index of a split (0 for leaves). */
  readonly splitIndices: Int32Array;
  /** Internal node: threshold, go left iff x < threshold. Leaf: the leaf value, already × eta. */
  readonly splitConditions: Float32Array;
  /** 1 when missing values go left. */
  readonly defaultLeft: Uint8Array;
  /** Internal: unshrunk weight −G/(H+λ); leaf: the eta-scaled weight (= its splitCondition). */
  readonly baseWeights: Float32Array;
  /** Gain of the split, 0 for leaves. */
  readonly lossChanges: Float32Array;
  /** Sum of hessians of the node (cover). */
  readonly sumHessian: Float32Array;
  /** LightGBM flavour only (absent on XGBoost trees): see LgbTreeFields. */
  readonly lgb?: LgbTreeFields;
}

/**
 * What a LightGBM-flavoured tree adds, in LightGBM's own encoding (include/LightGBM/tree.h), for the
 * LightGBM text exporter and for categorical prediction. Per node arrays are indexed like the Tree's.
 * The Tree's numeric `splitConditions` still work with the XGBoost rule: the LightGBM rule
 * `x <= threshold` is stored as the next float32 above the largest float32 ≤ threshold, so for
 * float32 inputs `x < splitCondition` ⟺ `x <= threshold`; and for features without NaN in training
 * (LightGBM missing type None, NaN predicted as 0.0) `defaultLeft` is where 0.0 goes.
 */
export interface LgbTreeFields {
  /** Numerical node: LightGBM's double threshold (a bin upper bound). Categorical: the set index k. */
  readonly threshold: Float64Array;
  /** decision_type bits: 1 categorical, 2 default left, bits 2–3 missing type (0 None, 1 Zero, 2 NaN). */
  readonly decisionType: Uint8Array;
  /** Rows (global, of the tree's sample) per node. */
  readonly counts: Int32Array;
  /** Categorical sets: set k is the uint32 bitset of categories cat_threshold[b[k] .. b[k+1]). */
  readonly catBoundaries: Int32Array;
  readonly catThreshold: Uint32Array;
  /**
   * Leaves: LightGBM's leaf value in double (it keeps leaf outputs and scores in double; the Tree's
   * splitConditions hold its float32). Absent on trees that only had float32 values.
   */
  readonly leafValue?: Float64Array;
}

/** A model's objective, by XGBoost's name (configs/params-gbdt.ts XGBOOST_OBJECTIVES: the one list). */
export type ObjectiveName = XgbObjective;

export interface GbdtModel {
  readonly objective: ObjectiveName;
  readonly numFeature: number;
  /** 0 for single-output objectives, else the class count. */
  readonly numClass: number;
  /** In output (probability / mean) space, as XGBoost 1.7 stores it. */
  readonly baseScore: number;
  readonly trees: readonly Tree[];
  /** Output group of each tree (class id for multiclass; 0 otherwise). Iteration-major. */
  readonly treeInfo: readonly number[];
  readonly featureNames: readonly string[] | undefined;
  /** Training parameters as strings (exported into the model's attributes). */
  readonly params: Readonly<Record<string, string>>;
  /** Set by early stopping: the best round (0-based). */
  readonly bestIteration: number | undefined;
  /** Present on models trained by the LightGBM flavour (runtimes/gbdt/lightgbm/). */
  readonly lightgbm?: LgbModelInfo;
}

/**
 * LightGBM-specific model facts for the text exporter. The initial score (boost_from_average) is
 * already folded into the first iteration's leaf values, as LightGBM's own files do, and `baseScore`
 * is then neutral (margin 0); `objective` maps the LightGBM objective onto the predictor's nearest one.
 */
export interface LgbModelInfo {
  /** LightGBM's `objective=` line value, e.g. `binary sigmoid:1`, `multiclass num_class:3`. */
  readonly objective: string;
  /** Per feature: `[min:max]` for numerical, `a:b:c` categories for categorical, `none` if unused. */
  readonly featureInfos: readonly string[];
  /** Trees per iteration (num_class for multiclass*, else 1). */
  readonly treesPerIteration: number;
  /** Categorical feature indices. */
  readonly categorical: readonly number[];
  /** The per-class initial scores folded into the first trees (0 when boost_from_average is off). */
  readonly initScores: readonly number[];
}

/** Gradients and hessians of a loss, and the map from margin to prediction. */
export interface Objective {
  readonly name: ObjectiveName;
  /** Outputs per row: numClass for multiclass, else 1. */
  readonly outputs: number;
  /** The margin that corresponds to base_score (e.g. logit for logistic). */
  marginOf(baseScore: number): number;
  /**
   * Fills grad/hess (rows × outputs, row-major, float32) from margins (same layout) and labels.
   * `weights` (per row) may be undefined.
   */
  gradients(
    margins: Float32Array,
    labels: Float32Array,
    weights: Float32Array | undefined,
    grad: Float32Array,
    hess: Float32Array,
  ): void;
  /** Margins → predictions in place (sigmoid, softmax, exp...). For multi:softmax, probabilities. */
  transform(margins: Float32Array, rows: number): Float32Array;
  /** The metric XGBoost uses when eval_metric is not given. */
  readonly defaultMetric: string;
}

/** A metric over transformed predictions (rows × outputs) and labels. */
export interface Metric {
  readonly name: string;
  readonly higherIsBetter: boolean;
  evaluate(predictions: Float32Array, labels: Float32Array, outputs: number): number;
}

/**
 * What the engine needs from the gang for data-parallel training. With one rank every call is the
 * identity. All ranks make the same calls in the same order.
 */
export interface Collective {
  readonly rank: number;
  readonly worldSize: number;
  /** In place, sum in a fixed order so every rank gets bit-identical results. */
  allReduceSum(buf: Float64Array): Promise<void>;
  allReduceMax(buf: Float64Array): Promise<void>;
  /**
   * In place: `buf` is cut into contiguous blocks in rank order, block r `counts[r]` elements long;
   * rank r ends with its block summed over all ranks (in a fixed order, the same bits on every run).
   * Everything outside the caller's own block is left unspecified.
   */
  reduceScatterSum(buf: Float64Array, counts: readonly number[]): Promise<void>;
  /** Every rank's bytes, in rank order. */
  allGather(bytes: Uint8Array): Promise<Uint8Array[]>;
  /** Root's bytes to every rank. */
  broadcast(bytes: Uint8Array, root: number): Promise<Uint8Array>;
}

/** A Collective for one process: every call is the identity. */
export const SINGLE: Collective = {
  rank: 0,
  worldSize: 1,
  allReduceSum: async () => {},
  allReduceMax: async () => {},
  reduceScatterSum: async () => {},
  allGather: async (bytes) => [bytes],
  broadcast: async (bytes) => bytes,
};

/** Per-round report from the trainer. */
export interface RoundReport {
  readonly round: number;
  readonly totalRounds: number;
  /** e.g. { 'train-logloss': 0.3, 'valid-auc': 0.9 } */
  readonly metrics: Readonly<Record<string, number>>;
  readonly rowsPerSec: number;
}
