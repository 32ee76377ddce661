/**
 * LightGBM v4's text model format (what `Booster.save_model` / `GBDT::SaveModelToString` write):
 * `toLightgbmText` turns a GbdtModel into that text, field by field in the writer's order, so
 * LightGBM's loader (`GBDT::LoadModelFromString`, `Tree::Tree(const char*, size_t*)`) reads it and
 * predicts as our predictor does; `fromLightgbmText` (lightgbm-model-read.ts) reads it back, and
 * reads models LightGBM itself wrote.
 *
 * Mapping from our XGBoost-layout trees:
 * - node numbering: internal nodes 0..n−2 in preorder (root 0), leaves 0..n−1 left to right; a child
 *   c < 0 is leaf ~c.
 * - thresholds: `x < t` (float32) becomes `x <= lightgbmThresholdOf(t)` (see lightgbm-model-numbers.ts
 *   for why that is exact); missing values: missing type NaN with our default direction.
 * - the base margin (LightGBM has no base score) is added to the leaves and internal values of the
 *   first tree of each output, whose shrinkage then reads 1, as LightGBM's `Tree::AddBias` does.
 * - leaf_count / internal_count: our trees carry no row counts, so the cover (sum of hessians) is
 *   written, rounded; LightGBM uses counts only as weights in SHAP contributions.
 * LightGBM's own predictor also reads inputs with |x| ≤ 1e-35 as 0 before the trees, so thresholds
 * within 1e-35 of zero can split such tiny inputs differently there; no other input differs.
 */
import { DtrainError } from '../../configs/errors.js';
import { g6, g17, lightgbmThresholdOf } from './lightgbm-model-numbers.js';
import { objectiveFor } from './objectives.js';
import type { GbdtModel, ObjectiveName, Tree } from './types.js';

export { fromLightgbmText } from './lightgbm-model-read.js';

/** What the model does not carry but a LightGBM model file states (the trainer knows them). */
export interface LightgbmTextInfo {
  /** Per feature: `[min:max]` for numerical, `a:b:c` for categorical, `none` for unused. */
  readonly featureInfos?: readonly string[];
  /** The `objective=` value, e.g. `binary sigmoid:1`; default from the model's objective. */
  readonly objectiveLine?: string;
}

/** Fields the LightGBM training flavour may add to a Tree (read when present). */
type LgbExtras = { readonly lgbThresholds?: Float64Array };

const DECISION_DEFAULT_LEFT = 2;
const MISSING_NAN = 2 << 2;

function modelError(message: string, detail?: string): DtrainError {
  return new DtrainError('E_MODEL', `LightGBM export: ${message}`, {
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

/** One tree as `Tree::ToString` writes it; `bias` is added to its leaves (0 for none). */
function treeText(tree: Tree, id: number, numFeature: number, shrinkage: number, bias: number): LgbTree {
  const n = tree.leftChildren.length;
  for (let i = 0; i < n; i++) {
    const l = tree.leftChildren[i]!;
    if (l === -1) continue;
    const r = tree.rightChildren[i]!;
    if (!(l > 0 && l < n && r > 0 && r < n))
      throw modelError(`tree ${id}: node ${i} has children ${l}, ${r} outside [1, ${n})`);
    if (!Number.isFinite(tree.splitConditions[i]!))
      throw modelError(`tree ${id}: node ${i} has threshold ${tree.splitConditions[i]}`);
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
  const exact = (tree as Tree & LgbExtras).lgbThresholds;
  const ints = (xs: number[]) => xs.join(' ');
  const at = (nodes: number[], f: (node: number) => string) => nodes.map(f).join(' ');
  const cover = (node: number) => tree.sumHessian[node]!;
  const value = (node: number) => tree.splitConditions[node]! + bias;
  const lines = [
    `num_leaves=${leaves.length}`,
    'num_cat=0',
    `split_feature=${at(internal, (i) => String(tree.splitIndices[i]))}`,
    `split_gain=${at(internal, (i) => g6(tree.lossChanges[i]!))}`,
    `threshold=${at(internal, (i) => g17(exact?.[i] ?? lightgbmThresholdOf(tree.splitConditions[i]!)))}`,
    `decision_type=${at(internal, (i) => String(MISSING_NAN | (tree.defaultLeft[i] === 1 ? DECISION_DEFAULT_LEFT : 0)))}`,
    `left_child=${ints(internal.map((i) => ref[tree.leftChildren[i]!]!))}`,
    `right_child=${ints(internal.map((i) => ref[tree.rightChildren[i]!]!))}`,
    `leaf_value=${at(leaves, (i) => g17(value(i)))}`,
    `leaf_weight=${at(leaves, (i) => g17(cover(i)))}`,
    `leaf_count=${at(leaves, (i) => String(Math.round(cover(i))))}`,
    `internal_value=${at(internal, (i) => g6(tree.baseWeights[i]! * shrinkage + bias))}`,
    `internal_weight=${at(internal, (i) => g6(cover(i)))}`,
    `internal_count=${at(internal, (i) => String(Math.round(cover(i))))}`,
    'is_linear=0',
    `shrinkage=${g6(bias === 0 ? shrinkage : 1)}`,
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
      if (t.leftChildren[i] === -1) continue;
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
  const multi = model.objective.startsWith('multi:');
  const k = multi ? model.numClass : 1;
  const objectiveLine = info.objectiveLine ?? objectiveLineOf(model.objective, model.numClass);
  if (model.trees.length % k !== 0)
    throw modelError(`${model.trees.length} trees is not a whole number of rounds of ${k}`);
  model.treeInfo.forEach((g, i) => {
    if (g !== i % k)
      throw modelError(`tree ${i} belongs to output ${g}; LightGBM needs output ${i % k} (i mod ${k})`);
  });
  const bias = Math.fround(objectiveFor(model.objective, model.numClass).marginOf(model.baseScore));
  if (!Number.isFinite(bias)) throw modelError(`base margin is ${bias}`);
  const trees = model.trees.length > 0 ? model.trees : Array.from({ length: k }, constantTree);
  const shrinkage = learningRateOf(model.params);
  const blocks = trees.map((t, i) => treeText(t, i, model.numFeature, shrinkage, i < k ? bias : 0));

  const names = Array.from({ length: model.numFeature }, (_, f) =>
    // LightGBM splits the line on spaces; its Python package replaces whitespace the same way.
    (model.featureNames?.[f] ?? `Column_${f}`).replace(/\s/g, '_'),
  );
  const infos = info.featureInfos ?? defaultFeatureInfos(trees, model.numFeature);
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
