/**
 * Scoring with a GbdtModel, bit-for-bit in XGBoost 1.7's order: margins start at the base margin,
 * each tree's leaf is added in float32 in tree order, a row goes left iff x < threshold (float32),
 * and NaN follows the node's default direction.
 */
import { DtrainError } from '../../../configs/errors.js';
import { hasCategorical, lgbLeaf } from './lightgbm-decision.js';
import { type GbdtModel, objectiveFor } from '../core/index.js';
import { flatTree } from './layout.js';
import { walkRows } from './tree-walk.js';

/** What `predict` reads from a table (a Dataset fits). */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols, row-major; NaN = missing. */
  readonly features: Float32Array;
}

export interface PredictOptions {
  /** Boosting rounds [begin, end) to use, like XGBoost's `iteration_range`; default all. */
  readonly iterationRange?: readonly [number, number];
}

// Rows scored together against every tree: their features stay in cache while the trees stream by.
const BLOCK = 256;

/** Outputs per row: the class count for multi:*, else 1. */
export function outputsOf(model: GbdtModel): number {
  return model.objective.startsWith('multi:') ? model.numClass : 1;
}

function treeRange(
  model: GbdtModel,
  outputs: number,
  range: PredictOptions['iterationRange'],
): [number, number] {
  const rounds = Math.ceil(model.trees.length / outputs);
  if (range === undefined || (range[0] === 0 && range[1] === 0)) return [0, model.trees.length];
  const [begin, end] = range;
  if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && begin <= end && end <= rounds))
    throw new DtrainError(
      'E_PARAM',
      `iteration range [${begin}, ${end}) is outside the model's ${rounds} rounds`,
      {
        category: 'config',
      },
    );
  return [begin * outputs, Math.min(end * outputs, model.trees.length)];
}

function checkColumns(model: GbdtModel, cols: number, first: number, last: number): void {
  for (let t = first; t < last; t++) {
    const tree = model.trees[t]!;
    for (let i = 0; i < tree.leftChildren.length; i++) {
      const f = tree.splitIndices[i]!;
      if (tree.leftChildren[i] !== -1 && f >= cols)
        throw new DtrainError(
          'E_FEATURES',
          `the model splits on feature ${f} but the data has ${cols} columns`,
          {
            category: 'config',
            detail: `the model was trained on ${model.numFeature} features`,
          },
        );
    }
  }
}

/**
 * The trees [first, last) that `options` select for scoring `rows` × `cols` features. Throws
 * E_FEATURES when a split uses a column the data lacks, E_PARAM for a bad iteration range.
 */
export function treesToScore(
  model: GbdtModel,
  features: Float32Array,
  rows: number,
  cols: number,
  options: PredictOptions = {},
): [number, number] {
  const [first, last] = treeRange(model, outputsOf(model), options.iterationRange);
  checkColumns(model, cols, first, last);
  if (features.length < rows * cols)
    throw new DtrainError('E_INTERNAL', `${features.length} feature values for ${rows} × ${cols}`, {
      category: 'internal',
    });
  return [first, last];
}

/**
 * Sets the margins of rows [from, to) of `out` (rows × outputs) to the base margin plus trees
 * [first, last) (see `treesToScore`), each tree's leaf added in float32 in tree order. A row's
 * margins do not depend on which other rows are scored with it.
 */
export function scoreRows(
  model: GbdtModel,
  first: number,
  last: number,
  features: Float32Array,
  cols: number,
  out: Float32Array,
  from: number,
  to: number,
): void {
  const outputs = outputsOf(model);
  out.fill(
    objectiveFor(model.objective, model.numClass).marginOf(model.baseScore),
    from * outputs,
    to * outputs,
  );
  const flats = model.trees
    .slice(first, last)
    .map((tree) => (hasCategorical(tree) ? undefined : flatTree(tree)));
  for (let start = from; start < to; start += BLOCK) {
    const stop = Math.min(start + BLOCK, to);
    for (let t = first; t < last; t++) {
      const group = model.treeInfo[t]!;
      const flat = flats[t - first];
      if (flat !== undefined) {
        walkRows(flat, features, cols, out, outputs, group, start, stop, undefined);
        continue;
      }
      // LightGBM-flavoured trees with categorical splits take the general walk.
      const tree = model.trees[t]!;
      const cond = tree.splitConditions;
      for (let r = start; r < stop; r++) {
        const o = r * outputs + group;
        out[o] = out[o]! + cond[lgbLeaf(tree, features, r * cols)]!;
      }
    }
  }
}

/**
 * Raw margins, rows × outputs (row-major, float32), before the objective's transform.
 * Throws E_FEATURES when a split uses a column the data lacks, E_PARAM for a bad iteration range.
 */
export function predictMargins(
  model: GbdtModel,
  features: Float32Array,
  rows: number,
  cols: number,
  options: PredictOptions = {},
): Float32Array {
  const [first, last] = treesToScore(model, features, rows, cols, options);
  const out = new Float32Array(rows * outputsOf(model));
  scoreRows(model, first, last, features, cols, out, 0, rows);
  return out;
}

/** Margins → predictions in place (see `predict`); returns `margins`. */
export function transformMargins(model: GbdtModel, margins: Float32Array, rows: number): Float32Array {
  if (model.lightgbm?.objective.startsWith('multiclassova')) {
    // LightGBM's one-vs-all: an independent sigmoid per class.
    for (let i = 0; i < margins.length; i++) margins[i] = 1 / (1 + Math.exp(-margins[i]!));
    return margins;
  }
  return objectiveFor(model.objective, model.numClass).transform(margins, rows);
}

/**
 * Predictions, rows × outputs: probabilities for logistic objectives, per-class probabilities for
 * multi:softprob and multi:softmax (see `argmaxRows` for classes), means for count:poisson.
 */
export function predict(model: GbdtModel, data: FeatureMatrix, options: PredictOptions = {}): Float32Array {
  return transformMargins(
    model,
    predictMargins(model, data.features, data.rows, data.cols, options),
    data.rows,
  );
}

/** The index of each row's largest value (first on ties, like XGBoost's multi:softmax). */
export function argmaxRows(values: Float32Array, rows: number, outputs: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * outputs;
    let best = 0;
    for (let j = 1; j < outputs; j++) if (values[base + j]! > values[base + best]!) best = j;
    out[r] = best;
  }
  return out;
}
