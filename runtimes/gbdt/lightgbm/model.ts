/**
 * LightGBM v4's text model format (what `Booster.save_model` / `GBDT::SaveModelToString` write):
 * `toLightgbmText` turns a GbdtModel into that text, field by field in the writer's order, so
 * LightGBM's loader (`GBDT::LoadModelFromString`, `Tree::Tree(const char*, size_t*)`) reads it and
 * predicts as our predictor does; `fromLightgbmText` (lightgbm/model-read.ts) reads it back, and
 * reads models LightGBM itself wrote.
 *
 * Mapping from our XGBoost-layout trees:
 * - node numbering: internal nodes 0..n−2 in preorder (root 0), leaves 0..n−1 left to right; a child
 *   c < 0 is leaf ~c.
 * - trees of the LightGBM flavour carry LightGBM's own thresholds, decision types, row counts and
 *   categorical bitsets (`tree.lgb`), written as they are; the model's `lightgbm` facts give the
 *   objective line, feature infos and trees per iteration.
 * - other trees: `x < t` (float32) becomes `x <= lightgbmThresholdOf(t)` (see lightgbm/model-numbers.ts
 *   for why that is exact); missing values: missing type NaN with our default direction;
 *   leaf_count / internal_count: such trees carry no row counts, so the cover (sum of hessians) is
 *   written, rounded; LightGBM uses counts only as weights in SHAP contributions.
 * - the base margin (LightGBM has no base score) is added to the leaves and internal values of the
 *   first tree of each output, whose shrinkage then reads 1, as LightGBM's `Tree::AddBias` does.
 * LightGBM's own predictor also reads inputs with |x| ≤ 1e-35 as 0 before the trees, so thresholds
 * within 1e-35 of zero can split such tiny inputs differently there; no other input differs.
 */
import { DtrainError } from '../../../configs/errors.js';
import { g6, g17, lightgbmThresholdOf } from './model-numbers.js';
import { type GbdtModel, objectiveFor, type ObjectiveName, type Tree } from '../core/index.js';

export { fromLightgbmText } from './model-read.js';

/** What the model does not carry but a LightGBM model file states (the trainer knows them). */
export interface LightgbmTextInfo {
  /**
   * Per feature: `[min:max]` for numerical, `a:b:c` for categorical, `none` for unused. Default
   * `model.lightgbm`'s, else `none` or the range of the feature's thresholds (the data's is unknown).
   */
  readonly featureInfos?: readonly string[];
  /** The `objective=` value, e.g. `binary sigmoid:1`; default `model.lightgbm`'s, else mapped from ours. */
  readonly objectiveLine?: string;
}

const DECISION_DEFAULT_LEFT = 2;
const MISSING_NAN = 2 << 2;

function modelError(message: string, detail?: string): DtrainError {
  return new DtrainError('E_MODEL_EXPORT', `LightGBM export: ${message}`, {
    category: 'internal',
    ...(detail === undefined ? {} : { detail }),
  });
}

function objectiveLineOf(objective: ObjectiveName | string, numClass: number): string {
  switch (objective) {
    case 'binary:logistic':
    case 'reg:logistic':
      return 'binary sigmoid:1';
    case 'reg:squarederror':
      return 'regression';
    case 'count:poisson':
      return 'poisson';
    case 'multi:softprob':
    case 'multi:softmax':
      return `multiclass num_class:${numClass}`;
    default:
      throw modelError(`objective "${objective}" has no LightGBM equivalent`);
  }
}

/** The shrinkage LightGBM would record: the learning rate from the training parameters, else 1. */
function learningRateOf(params: GbdtModel['params']): number {
  const v = Number(params['learning_rate'] ?? params['eta'] ?? params['shrinkage_rate'] ?? '1');
  return Number.isFinite(v) && v > 0 ? v : 1;
}

interface LgbTree {
  /** The text of the block without the `Tree=i` line: what `Tree::ToString` returns. */
  readonly text: string;
  /** Features split on with a positive gain (LightGBM's "split" importance). */
  readonly gainSplits: readonly number[];
}

/** What the first tree of an output carries of the initial score (LightGBM's `Tree::AddBias`). */
interface Fold {
  /** Added to the leaves: the base margin, when the model keeps it apart from the trees. */
  readonly leaves: number;
  /** Added to the internal values: base margin plus an init score already in the leaves. */
  readonly internal: number;
}

/** One tree as `Tree::ToString` writes it, with LightGBM's own fields (`tree.lgb`) where present. */
function treeText(
  tree: Tree,
  id: number,
  numFeature: number,
  shrinkage: number,
  fold: Fold | undefined,
): LgbTree {
  const n = tree.leftChildren.length;
  const lgb = tree.lgb;
  const numCat = lgb === undefined ? 0 : Math.max(0, lgb.catBoundaries.length - 1);
  const categorical = (i: number) => lgb !== undefined && (lgb.decisionType[i]! & 1) === 1;
  for (let i = 0; i < n; i++) {
    const l = tree.leftChildren[i]!;
    if (l === -1) continue;
    const r = tree.rightChildren[i]!;
    if (!(l > 0 && l < n && r > 0 && r < n))
      throw modelError(`tree ${id}: node ${i} has children ${l}, ${r} outside [1, ${n})`);
    const t = lgb === undefined ? tree.splitConditions[i]! : lgb.threshold[i]!;
    // A numerical threshold may be ±∞: LightGBM writes `inf` for a split of NaN against every value.
    if (categorical(i) ? !(Number.isInteger(t) && t >= 0 && t < numCat) : Number.isNaN(t))
      throw modelError(`tree ${id}: node ${i} has threshold ${t}`);
    const f = tree.splitIndices[i]!;
    if (!(f >= 0 && f < numFeature)) throw modelError(`tree ${id}: node ${i} splits on feature ${f}`);
  }
  // Preorder walk: internal nodes numbered as met, leaves left to right.
  const internal: number[] = [];
  const leaves: number[] = [];
  const ref = new Int32Array(n); // our node → LightGBM child reference (i or ~leaf)
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (tree.leftChildren[node] === -1) {
      ref[node] = ~leaves.length;
      leaves.push(node);
    } else {
      ref[node] = internal.length;
      internal.push(node);
      stack.push(tree.rightChildren[node]!, tree.leftChildren[node]!);
    }
    if (internal.length + leaves.length > n) throw modelError(`tree ${id}: nodes form a cycle`);
  }
  const threshold = (i: number) =>
    lgb === undefined ? lightgbmThresholdOf(tree.splitConditions[i]!) : lgb.threshold[i]!;
  const decision = (i: number) =>
    lgb === undefined
      ? MISSING_NAN | (tree.defaultLeft[i] === 1 ? DECISION_DEFAULT_LEFT : 0)
      : lgb.decisionType[i]!;
  const cover = (node: number) => tree.sumHessian[node]!;
  const count = (node: number) => (lgb === undefined ? Math.round(cover(node)) : lgb.counts[node]!);
  const value = (node: number) =>
    (lgb?.leafValue === undefined ? tree.splitConditions[node]! : lgb.leafValue[node]!) + (fold?.leaves ?? 0);
  const at = (nodes: number[], f: (node: number) => number | string) => nodes.map(f).join(' ');
  const lines = [
    `num_leaves=${leaves.length}`,
    `num_cat=${numCat}`,
    `split_feature=${at(internal, (i) => tree.splitIndices[i]!)}`,
    `split_gain=${at(internal, (i) => g6(tree.lossChanges[i]!))}`,
    `threshold=${at(internal, (i) => g17(threshold(i)))}`,
    `decision_type=${at(internal, decision)}`,
    `left_child=${at(internal, (i) => ref[tree.leftChildren[i]!]!)}`,
    `right_child=${at(internal, (i) => ref[tree.rightChildren[i]!]!)}`,
    `leaf_value=${at(leaves, (i) => g17(value(i)))}`,
    `leaf_weight=${at(leaves, (i) => g17(cover(i)))}`,
    `leaf_count=${at(leaves, count)}`,
    `internal_value=${at(internal, (i) => g6(tree.baseWeights[i]! * shrinkage + (fold?.internal ?? 0)))}`,
    `internal_weight=${at(internal, (i) => g6(cover(i)))}`,
    `internal_count=${at(internal, count)}`,
    ...(numCat > 0 && lgb !== undefined
      ? [`cat_boundaries=${lgb.catBoundaries.join(' ')}`, `cat_threshold=${lgb.catThreshold.join(' ')}`]
      : []),
    'is_linear=0',
    // LightGBM shrinks only trees that split (a one-leaf tree keeps Tree's initial 1).
    `shrinkage=${g6(fold === undefined && leaves.length > 1 ? shrinkage : 1)}`,
  ];
  for (const i of leaves)
    if (!Number.isFinite(value(i))) throw modelError(`tree ${id}: leaf ${i} has value ${value(i)}`);
  const gainSplits = internal.filter((i) => tree.lossChanges[i]! > 0).map((i) => tree.splitIndices[i]!);
  return { text: `${lines.join('\n')}\n\n`, gainSplits };
}

/** A one-leaf tree: carries the base margin of an output that has no tree of its own. */
function constantTree(): Tree {
  return {
    leftChildren: Int32Array.of(-1),
    rightChildren: Int32Array.of(-1),
    parents: Int32Array.of(2147483647),
    splitIndices: Int32Array.of(0),
    splitConditions: Float32Array.of(0),
    defaultLeft: Uint8Array.of(0),
    baseWeights: Float32Array.of(0),
    lossChanges: Float32Array.of(0),
    sumHessian: Float32Array.of(0),
  };
}

/** LightGBM's default feature infos: `none` for unused features, else the range of its thresholds. */
function defaultFeatureInfos(trees: readonly Tree[], numFeature: number): string[] {
  const lo = new Float64Array(numFeature).fill(Infinity);
  const hi = new Float64Array(numFeature).fill(-Infinity);
  for (const t of trees)
    for (let i = 0; i < t.leftChildren.length; i++) {
      if (t.leftChildren[i] === -1 || ((t.lgb?.decisionType[i] ?? 0) & 1) === 1) continue;
      const f = t.splitIndices[i]!;
      lo[f] = Math.min(lo[f]!, t.splitConditions[i]!);
      hi[f] = Math.max(hi[f]!, t.splitConditions[i]!);
    }
  return Array.from(lo, (l, f) => (l === Infinity ? 'none' : `[${g6(l)}:${g6(hi[f]!)}]`));
}

/**
 * The model as LightGBM v4 text, byte for byte in `SaveModelToString`'s layout (with the
 * `pandas_categorical` line the Python package appends). Throws E_MODEL (internal) for a tree with
 * non-finite values, bad children or a tree order LightGBM cannot express.
 */
export function toLightgbmText(model: GbdtModel, info: LightgbmTextInfo = {}): string {
  const lgb = model.lightgbm;
  const k = lgb?.treesPerIteration ?? (model.objective.startsWith('multi:') ? model.numClass : 1);
  const objectiveLine =
    info.objectiveLine ?? lgb?.objective ?? objectiveLineOf(model.objective, model.numClass);
  if (model.trees.length % k !== 0)
    throw modelError(`${model.trees.length} trees is not a whole number of rounds of ${k}`);
  model.treeInfo.forEach((g, i) => {
    if (g !== i % k)
      throw modelError(`tree ${i} belongs to output ${g}; LightGBM needs output ${i % k} (i mod ${k})`);
  });
  // The LightGBM flavour folds its init scores itself (baseScore is then neutral: margin 0).
  const bias = Math.fround(objectiveFor(model.objective, model.numClass).marginOf(model.baseScore));
  if (!Number.isFinite(bias)) throw modelError(`base margin is ${bias}`);
  const trees = model.trees.length > 0 ? model.trees : Array.from({ length: k }, constantTree);
  const shrinkage = learningRateOf(model.params);
  const foldOf = (i: number): Fold | undefined => {
    const init = i < k ? (lgb?.initScores[i] ?? 0) : 0;
    return i < k && (bias !== 0 || init !== 0) ? { leaves: bias, internal: bias + init } : undefined;
  };
  const blocks = trees.map((t, i) => treeText(t, i, model.numFeature, shrinkage, foldOf(i)));

  const names = Array.from({ length: model.numFeature }, (_, f) =>
    // LightGBM splits the line on spaces; its Python package replaces whitespace the same way.
    (model.featureNames?.[f] ?? `Column_${f}`).replace(/\s/g, '_'),
  );
  const infos = info.featureInfos ?? lgb?.featureInfos ?? defaultFeatureInfos(trees, model.numFeature);
  if (infos.length !== model.numFeature)
    throw modelError(`${infos.length} feature infos for ${model.numFeature} features`);
  const treeStrings = blocks.map((b, i) => `Tree=${i}\n${b.text}\n`);
  const header = [
    'tree',
    'version=v4',
    `num_class=${k}`,
    `num_tree_per_iteration=${k}`,
    'label_index=0',
    `max_feature_idx=${model.numFeature - 1}`,
    `objective=${objectiveLine}`,
    `feature_names=${names.join(' ')}`,
    `feature_infos=${infos.join(' ')}`,
    // All text is ASCII except feature names, which live in the header: string length = bytes.
    `tree_sizes=${treeStrings.map((s) => Buffer.byteLength(s)).join(' ')}`,
  ];

  const splits = new Array<number>(model.numFeature).fill(0);
  for (const b of blocks) for (const f of b.gainSplits) splits[f] = splits[f]! + 1;
  const importances = splits
    .map((count, f) => [count, f] as const)
    .filter(([count]) => count > 0)
    .sort((a, b) => b[0] - a[0]) // stable, as std::stable_sort
    .map(([count, f]) => `${names[f]}=${count}\n`)
    .join('');
  const params = Object.entries(model.params)
    .filter(([, v]) => v !== '')
    .map(([key, v]) => `[${key}: ${v.replace(/[\r\n]/g, ' ')}]\n`)
    .join('');
  return (
    `${header.join('\n')}\n\n${treeStrings.join('')}end of trees\n` +
    `\nfeature_importances:\n${importances}` +
    `\nparameters:\n${params}\nend of parameters\n` +
    '\npandas_categorical:null\n'
  );
}
