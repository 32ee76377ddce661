/**
 * A grown tree (GrownTree) in the engine's Tree layout plus LightGBM's own fields (LgbTreeFields):
 * double thresholds (bin upper bounds), decision_type bits, row counts and categorical bitsets. For
 * features without NaN in training (missing type None) LightGBM predicts NaN as 0.0, so the Tree's
 * default direction is set to where 0.0 goes. `foldInit` adds the initial score to every leaf, as
 * LightGBM stores it in its first trees.
 */
import { type LgbBins, MISSING_NAN } from './bins.js';
import type { GrownTree, Tree } from '../core/index.js';

export function toLgbTree(t: GrownTree, bins: LgbBins): Tree {
  const tree = t.toTree();
  const n = tree.leftChildren.length;
  const threshold = new Float64Array(n);
  const decisionType = new Uint8Array(n);
  const counts = new Int32Array(n);
  const leafValue = new Float64Array(n);
  const boundaries = [0];
  const words: number[] = [];
  const { cuts, upper, missingType, categories } = bins;
  for (let i = 0; i < n; i++) {
    counts[i] = Math.round(t.count[i] ?? 0);
    if (tree.leftChildren[i] === -1) {
      leafValue[i] = t.value[i]!;
      continue;
    }
    const s = t.best[i]!;
    const f = s.feature;
    const cats = categories[f];
    if (s.cats !== undefined && cats !== undefined) {
      const values = s.cats.map((b) => cats[b]!);
      const size = Math.floor(Math.max(...values) / 32) + 1;
      const start = words.length;
      for (let w = 0; w < size; w++) words.push(0);
      for (const v of values) words[start + (v >>> 5)] = (words[start + (v >>> 5)]! | (1 << (v & 31))) >>> 0;
      threshold[i] = boundaries.length - 1;
      boundaries.push(words.length);
      decisionType[i] = 1 | (missingType[f]! << 2);
      tree.splitConditions[i] = Number.NaN;
      tree.defaultLeft[i] = 0;
      continue;
    }
    const u = upper[cuts.ptrs[f]! + s.bin]!;
    threshold[i] = u;
    decisionType[i] = (s.defaultLeft ? 2 : 0) | (missingType[f]! << 2);
    if (missingType[f] !== MISSING_NAN) tree.defaultLeft[i] = 0 <= u ? 1 : 0;
  }
  return {
    ...tree,
    lgb: {
      threshold,
      decisionType,
      counts,
      catBoundaries: Int32Array.from(boundaries),
      catThreshold: Uint32Array.from(words),
      leafValue,
    },
  };
}

/** The tree with `init` added to every leaf value (LightGBM's first-tree bias). */
export function foldInit(tree: Tree, init: number): Tree {
  if (init === 0) return tree;
  const cond = tree.splitConditions.slice();
  const base = tree.baseWeights.slice();
  const leafValue = tree.lgb?.leafValue?.slice();
  for (let i = 0; i < cond.length; i++) {
    if (tree.leftChildren[i] !== -1) continue;
    // LightGBM's Tree::AddBias, in double; the float32 value rounds that.
    if (leafValue) leafValue[i] = leafValue[i]! + init;
    cond[i] = leafValue ? Math.fround(leafValue[i]!) : Math.fround(cond[i]! + init);
    base[i] = cond[i]!;
  }
  const lgb = tree.lgb && leafValue ? { ...tree.lgb, leafValue } : tree.lgb;
  return { ...tree, splitConditions: cond, baseWeights: base, ...(lgb ? { lgb } : {}) };
}

/** A one-leaf tree of `value` over `count` rows (LightGBM's `Tree::AsConstantTree`). */
export function constantTree(value: number, count: number): Tree {
  const v = Math.fround(value);
  return {
    leftChildren: Int32Array.of(-1),
    rightChildren: Int32Array.of(-1),
    parents: Int32Array.of(2147483647),
    splitIndices: Int32Array.of(0),
    splitConditions: Float32Array.of(v),
    defaultLeft: Uint8Array.of(0),
    baseWeights: Float32Array.of(v),
    lossChanges: Float32Array.of(0),
    sumHessian: Float32Array.of(0),
    lgb: {
      threshold: new Float64Array(1),
      decisionType: new Uint8Array(1),
      counts: Int32Array.of(count),
      catBoundaries: Int32Array.of(0),
      catThreshold: new Uint32Array(0),
      leafValue: Float64Array.of(value),
    },
  };
}
