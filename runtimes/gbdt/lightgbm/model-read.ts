/**
 * Reads LightGBM text models (first line `tree`): ours (lightgbm/model.ts) and those LightGBM wrote
 * (`save_model`, the CLI's `output_model`), into our XGBoost-layout GbdtModel, so that our predictor
 * scores float32 inputs exactly as LightGBM's trees decide them:
 * - `x <= threshold` becomes `x < t` with t the smallest float32 above the threshold;
 * - missing type NaN keeps its default direction; None (NaN read as 0) goes where 0 goes; Zero
 *   (NaN and zero to the default side) is accepted where zero and the default agree;
 * - LightGBM's own fields (double thresholds, decision types, counts, categorical bitsets) are kept
 *   in `tree.lgb`, and the objective line and feature infos in `model.lightgbm`, so categorical
 *   splits predict as LightGBM's and a re-export writes the same thresholds.
 * Leaf values are stored as float32, so margins may differ from LightGBM's double sums in the 7th
 * digit. `sigmoid:` ≠ 1 and `average_output` are folded into the leaves. Linear trees and objectives
 * without an equivalent are rejected with E_MODEL (config), naming the line of the offending field.
 */
import { DtrainError } from '../../../configs/errors.js';
import { float32ThresholdOf } from './model-numbers.js';
import type { GbdtModel, LgbModelInfo, ObjectiveName, Tree } from '../core/index.js';

// LightGBM's kZeroThreshold (1e-35f): |x| at most this is "zero" for missing type Zero.
const ZERO = Math.fround(1e-35);

interface Field {
  readonly value: string;
  readonly line: number;
}

type Block = Map<string, Field>;

function fail(line: number, what: string): never {
  throw new DtrainError('E_MODEL', `LightGBM model: line ${line}: ${what}`, {
    category: 'config',
    detail: 'expected a LightGBM text model (Booster.save_model("m.txt") or dtrain train)',
  });
}

function need(block: Block, key: string, where: number): Field {
  const f = block.get(key);
  if (f === undefined) fail(where, `missing ${key}=`);
  return f;
}

function integer(f: Field, key: string): number {
  const n = Number(f.value);
  if (f.value.trim() === '' || !Number.isInteger(n))
    fail(f.line, `${key}: expected an integer, got "${f.value}"`);
  return n;
}

// LightGBM's parser also reads the C spellings of infinities and NaN.
const SPECIAL: Record<string, number> = {
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  nan: Number.NaN,
};

function numbers(f: Field | undefined, key: string, count: number, ints = false): number[] {
  if (f === undefined) return new Array<number>(count).fill(0);
  const parts = f.value.trim() === '' ? [] : f.value.trim().split(/\s+/);
  if (parts.length !== count) fail(f.line, `${key}: expected ${count} values, got ${parts.length}`);
  return parts.map((p, i) => {
    const x = SPECIAL[p.toLowerCase()] ?? Number(p);
    if (Number.isNaN(x) || (ints && !Number.isInteger(x))) fail(f.line, `${key}[${i}]: bad number "${p}"`);
    return x;
  });
}

/** Header, tree blocks and parameters, each field with its line number. */
function split(source: string): {
  header: Block;
  trees: { at: number; block: Block }[];
  params: Record<string, string>;
} {
  const lines = source.split(/\r?\n/);
  if (lines[0]?.replace(/^\uFEFF/, '').trim() !== 'tree') fail(1, 'the first line must be "tree"');
  const header: Block = new Map();
  const trees: { at: number; block: Block }[] = [];
  const params: Record<string, string> = {};
  let current = header;
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === 'end of trees') break;
    if (line.startsWith('Tree=')) {
      const id = Number(line.slice(5));
      if (id !== trees.length) fail(i + 1, `expected Tree=${trees.length}, got ${line}`);
      current = new Map();
      trees.push({ at: i + 1, block: current });
      continue;
    }
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    // A key alone (LightGBM's `average_output`) counts as present with an empty value.
    current.set(eq < 0 ? line.trim() : line.slice(0, eq), {
      value: eq < 0 ? '' : line.slice(eq + 1),
      line: i + 1,
    });
  }
  let inParams = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === 'parameters:') inParams = true;
    else if (line === 'end of parameters') inParams = false;
    else if (inParams) {
      const m = /^\[([^:\]]+): ?(.*)\]$/.exec(line);
      if (m) params[m[1]!] = m[2]!;
    }
  }
  return { header, trees, params };
}

/** How a LightGBM objective maps onto ours: the name, and a factor applied to every leaf. */
interface ObjectiveMap {
  readonly objective: ObjectiveName;
  readonly numClass: number;
  /** The base_score whose margin is 0 (LightGBM folds its initial score into the trees). */
  readonly baseScore: number;
  readonly leafScale: number;
  /** The objective line once leafScale is applied (`sigmoid:` then reads 1). */
  readonly line: string;
}

// Objectives whose prediction is the raw score, and those whose prediction is exp(raw).
const IDENTITY = [
  'regression',
  'regression_l1',
  'huber',
  'fair',
  'quantile',
  'mape',
  'lambdarank',
  'rank_xendcg',
  'custom',
];
const EXP = ['poisson', 'gamma', 'tweedie'];

function objectiveOf(f: Field | undefined, numClass: number, perIteration: number): ObjectiveMap {
  const text = (f?.value ?? 'regression').trim();
  const tokens = text.split(/\s+/);
  const name = tokens[0]!;
  const args = new Map(tokens.slice(1).map((t) => t.split(':') as [string, string]));
  const line = f?.line ?? 1;
  const sigmoid = Number(args.get('sigmoid') ?? '1');
  if (!(sigmoid > 0)) fail(line, `bad sigmoid "${args.get('sigmoid')}"`);
  // p = 1/(1+exp(−sigmoid·raw)): leaves scaled by sigmoid make it the plain logistic.
  const unitSigmoid = text.replace(/(^|\s)sigmoid:\S+/, '$1sigmoid:1');
  const single = (objective: ObjectiveName, baseScore: number, leafScale = 1): ObjectiveMap => {
    if (numClass !== 1 || perIteration !== 1)
      fail(line, `objective ${name} with num_class ${numClass} and num_tree_per_iteration ${perIteration}`);
    return { objective, numClass: 0, baseScore, leafScale, line: leafScale === 1 ? text : unitSigmoid };
  };
  if (IDENTITY.includes(name)) {
    if (args.has('sqrt')) fail(line, 'objective "regression sqrt" is not supported');
    return single('reg:squarederror', 0);
  }
  if (EXP.includes(name)) return single('count:poisson', 1);
  if (name === 'binary' || name === 'cross_entropy') return single('binary:logistic', 0.5, sigmoid);
  if (name === 'multiclass' || name === 'multiclassova') {
    if (!(numClass >= 2 && perIteration === numClass))
      fail(line, `${name} needs num_class ≥ 2 trees per iteration, got ${numClass} and ${perIteration}`);
    // One-vs-all keeps multi:softprob's shape; predict applies its per-class sigmoid (model.lightgbm).
    const ova = name === 'multiclassova';
    return {
      objective: 'multi:softprob',
      numClass,
      baseScore: 0,
      leafScale: ova ? sigmoid : 1,
      line: ova ? unitSigmoid : text,
    };
  }
  return fail(line, `objective "${name}" is not supported (binary, multiclass, regression and their kin)`);
}

/** One LightGBM tree in our layout (breadth first from the root, like XGBoost), `lgb` filled. */
function readTree(block: Block, at: number, numFeature: number, leafScale: number): Tree {
  const leavesCount = integer(need(block, 'num_leaves', at), 'num_leaves');
  if (leavesCount < 1) fail(need(block, 'num_leaves', at).line, 'num_leaves must be ≥ 1');
  const numCat = integer(need(block, 'num_cat', at), 'num_cat');
  const linear = block.get('is_linear');
  if (linear !== undefined && linear.value.trim() !== '0')
    fail(linear.line, 'linear trees are not supported');
  const m = leavesCount - 1;
  const leafValue = numbers(need(block, 'leaf_value', at), 'leaf_value', leavesCount);
  const leafWeight = numbers(block.get('leaf_weight'), 'leaf_weight', leavesCount);
  const leafCount = numbers(block.get('leaf_count'), 'leaf_count', leavesCount, true);
  const get = (key: string, ints = false) =>
    numbers(m > 0 ? need(block, key, at) : block.get(key), key, m, ints);
  const feature = get('split_feature', true);
  const threshold = get('threshold');
  const left = get('left_child', true);
  const right = get('right_child', true);
  const decision = numbers(block.get('decision_type'), 'decision_type', m, true);
  const gain = numbers(block.get('split_gain'), 'split_gain', m);
  const internalValue = numbers(block.get('internal_value'), 'internal_value', m);
  const internalWeight = numbers(block.get('internal_weight'), 'internal_weight', m);
  const internalCount = numbers(block.get('internal_count'), 'internal_count', m, true);
  const shrinkage = Number(block.get('shrinkage')?.value ?? '1');
  const catBoundaries =
    numCat > 0 ? numbers(need(block, 'cat_boundaries', at), 'cat_boundaries', numCat + 1, true) : [0];
  const catThreshold =
    numCat > 0
      ? numbers(need(block, 'cat_threshold', at), 'cat_threshold', catBoundaries[numCat]!, true)
      : [];
  const line = (key: string) => block.get(key)?.line ?? at;
  catBoundaries.forEach((b, i) => {
    if (!(b >= (catBoundaries[i - 1] ?? 0) && b <= catThreshold.length))
      fail(line('cat_boundaries'), `bad boundary ${b}`);
  });

  const n = 2 * leavesCount - 1;
  const tree = {
    leftChildren: new Int32Array(n).fill(-1),
    rightChildren: new Int32Array(n).fill(-1),
    parents: new Int32Array(n).fill(2147483647),
    splitIndices: new Int32Array(n),
    splitConditions: new Float32Array(n),
    defaultLeft: new Uint8Array(n),
    baseWeights: new Float32Array(n),
    lossChanges: new Float32Array(n),
    sumHessian: new Float32Array(n),
  };
  const lgb = {
    threshold: new Float64Array(n),
    decisionType: new Uint8Array(n),
    counts: new Int32Array(n),
    catBoundaries: Int32Array.from(catBoundaries),
    catThreshold: Uint32Array.from(catThreshold),
    leafValue: new Float64Array(n),
  };
  const seen = new Uint8Array(n);
  const queue: number[] = [m > 0 ? 0 : ~0]; // LightGBM references: i ≥ 0 internal, ~leaf
  for (let ours = 0; ours < queue.length; ours++) {
    const r = queue[ours]!;
    const key = r >= 0 ? r : m + ~r; // internal nodes first, then leaves
    if (r >= m || ~r >= leavesCount || seen[key] === 1)
      fail(line('left_child'), `child ${r} is out of range or reached twice`);
    seen[key] = 1;
    if (r < 0) {
      lgb.leafValue[ours] = leafValue[~r]! * leafScale;
      tree.splitConditions[ours] = lgb.leafValue[ours]!;
      tree.baseWeights[ours] = tree.splitConditions[ours]!;
      tree.sumHessian[ours] = leafWeight[~r]!;
      lgb.counts[ours] = leafCount[~r]!;
      continue;
    }
    const f = feature[r]!;
    if (!(f >= 0 && f < numFeature)) fail(line('split_feature'), `feature ${f} is outside max_feature_idx`);
    const type = decision[r]!;
    const thr = threshold[r]!;
    if (!(type >= 0 && type < 16)) fail(line('decision_type'), `node ${r}: decision type ${type}`);
    tree.splitIndices[ours] = f;
    if (type & 1) {
      if (!(Number.isInteger(thr) && thr >= 0 && thr < numCat))
        fail(line('threshold'), `node ${r}: categorical set ${thr} is outside num_cat ${numCat}`);
      // Categorical nodes are walked by predict/lightgbm-decision.ts; no numeric rule applies.
      tree.splitConditions[ours] = Number.NaN;
    } else {
      const defaultLeft = (type & 2) !== 0;
      const missing = (type >> 2) & 3;
      // Where NaN goes: NaN type by the default; None reads NaN as 0; Zero sends 0 and NaN by default.
      let nanLeft = defaultLeft;
      if (missing === 0) nanLeft = 0 <= thr;
      else if (missing === 1 && (defaultLeft !== 0 <= thr || (thr >= -ZERO && thr < ZERO)))
        fail(line('decision_type'), `node ${r}: missing type Zero sends zero apart from its neighbours`);
      tree.splitConditions[ours] = float32ThresholdOf(thr);
      tree.defaultLeft[ours] = nanLeft ? 1 : 0;
    }
    lgb.threshold[ours] = thr;
    lgb.decisionType[ours] = type;
    lgb.counts[ours] = internalCount[r]!;
    tree.lossChanges[ours] = gain[r]!;
    tree.baseWeights[ours] = shrinkage > 0 ? internalValue[r]! / shrinkage : internalValue[r]!;
    tree.sumHessian[ours] = internalWeight[r]!;
    tree.leftChildren[ours] = queue.length;
    tree.parents[queue.length] = ours;
    queue.push(left[r]!);
    tree.rightChildren[ours] = queue.length;
    tree.parents[queue.length] = ours;
    queue.push(right[r]!);
    if (queue.length > n) fail(line('left_child'), 'the children do not form a tree');
  }
  if (queue.length !== n) fail(line('left_child'), `${n - queue.length} nodes are unreachable from the root`);
  return { ...tree, lgb };
}

/**
 * Parses a LightGBM text model. Throws DtrainError E_MODEL (category config) naming the line when
 * the text is not such a model or uses features dtrain does not implement.
 */
export function fromLightgbmText(source: string): GbdtModel {
  const { header, trees, params } = split(source);
  const numClass = integer(need(header, 'num_class', 1), 'num_class');
  const perIterationField = header.get('num_tree_per_iteration');
  const perIteration =
    perIterationField === undefined ? numClass : integer(perIterationField, 'num_tree_per_iteration');
  const maxFeature = integer(need(header, 'max_feature_idx', 1), 'max_feature_idx');
  const numFeature = maxFeature + 1;
  const namesField = need(header, 'feature_names', 1);
  const featureNames = namesField.value.trim() === '' ? [] : namesField.value.trim().split(' ');
  if (featureNames.length !== numFeature)
    fail(namesField.line, `${featureNames.length} feature names for max_feature_idx ${maxFeature}`);
  const map = objectiveOf(header.get('objective'), numClass, perIteration);
  if (trees.length % perIteration !== 0)
    fail(trees[trees.length - 1]?.at ?? 1, `${trees.length} trees is not a multiple of ${perIteration}`);
  // A random forest averages its iterations: scale the leaves instead.
  const rounds = trees.length / perIteration;
  const average = header.has('average_output') && rounds > 0 ? 1 / rounds : 1;
  const infosField = header.get('feature_infos');
  const featureInfos = infosField?.value.trim().split(' ') ?? featureNames.map(() => 'none');
  if (featureInfos.length !== numFeature)
    fail(infosField?.line ?? 1, `${featureInfos.length} feature infos for max_feature_idx ${maxFeature}`);
  const lightgbm: LgbModelInfo = {
    objective: map.line,
    featureInfos,
    treesPerIteration: perIteration,
    // Numerical infos read [min:max], unused ones none; categorical ones list the categories.
    categorical: featureInfos.flatMap((s, i) => (s === 'none' || s.startsWith('[') ? [] : [i])),
    // The file's init scores are already in its first trees' leaves.
    initScores: new Array<number>(perIteration).fill(0),
  };
  return {
    objective: map.objective,
    numFeature,
    numClass: map.numClass,
    baseScore: map.baseScore,
    trees: trees.map((t) => readTree(t.block, t.at, numFeature, map.leafScale * average)),
    treeInfo: trees.map((_, i) => i % perIteration),
    featureNames,
    params,
    bestIteration: undefined,
    lightgbm,
  };
}
