/**
 * Tree-for-tree comparison of our models with the real libraries', reporting the first difference (tree,
 * node, field, both values) so a failing test says where two trainings part.
 *
 * Tolerances:
 * - structure (children, split features, default directions, decision types, leaf counts): exact;
 * - XGBoost split thresholds: exact float32 (both take them from the same cut values);
 * - XGBoost leaf values: 1e-6 relative, 1e-8 absolute below 0.01 (float32 storage; a leaf is
 *   −η·G/(H+λ), and where gradients cancel what remains of G is rounding of a sum of float32s);
 *   node weights and hessian sums (statistics, unused by prediction) 1e-6 and 1e-5, absolute below 1
 *   for the same reason; gains 1e-5 of the tree's largest gain (each is a difference of node scores as
 *   large as the root's, so float32 rounding of those sets the error, not the gain's own size);
 * - LightGBM numerical thresholds: exact double (bin upper bounds computed from identical inputs);
 * - LightGBM leaf values: 1e-9 relative (doubles from double histogram sums of float32 gradients;
 *   only the summation order may differ).
 */
import type { Tree } from '../../../runtimes/gbdt/core/types.js';
import type { TextModel, TextTree } from '../../helpers/lightgbm-text-reader.js';
import type { XgbTree } from './helpers.js';

const near = (a: number, b: number, rel: number): boolean =>
  a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;

function firstOf(
  label: string,
  what: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  same: (x: number, y: number) => boolean,
): string | undefined {
  if (a.length !== b.length) return `${label}: ${what} has ${a.length} entries, theirs ${b.length}`;
  for (let i = 0; i < a.length; i++)
    if (!same(a[i]!, b[i]!)) return `${label}: ${what}[${i}] ours ${a[i]} theirs ${b[i]}`;
  return undefined;
}

/**
 * The first difference between our XGBoost-flavour tree and XGBoost's, or undefined. XGBoost's JSON
 * prints float32 values in their shortest form, so its numbers are rounded to float32 first.
 */
export function xgbTreeDiff(ours: Tree, theirs: XgbTree, label: string): string | undefined {
  const exact = (x: number, y: number) => x === Math.fround(y);
  // Statistics: hessian sums and gains are differences of sums, so their error scales with the
  // parent's size, not their own: absolute below 1, relative above (as xgboost-parity.test.ts).
  const stat = (tol: number) => (x: number, y: number) => Math.abs(x - y) <= tol * Math.max(1, Math.abs(y));
  const gainScale = Math.max(1, ...theirs.loss_changes.map(Math.abs));
  return (
    firstOf(label, 'left_children', ours.leftChildren, theirs.left_children, exact) ??
    firstOf(label, 'right_children', ours.rightChildren, theirs.right_children, exact) ??
    firstOf(label, 'split_indices', ours.splitIndices, theirs.split_indices, exact) ??
    firstOf(label, 'default_left', ours.defaultLeft, theirs.default_left, exact) ??
    ((): string | undefined => {
      for (let i = 0; i < theirs.split_conditions.length; i++) {
        const leaf = theirs.left_children[i] === -1;
        const [a, b] = [ours.splitConditions[i]!, Math.fround(theirs.split_conditions[i]!)];
        if (leaf ? !(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(b), 0.01)) : a !== b)
          return `${label}: split_conditions[${i}] (${leaf ? 'leaf' : 'threshold'}) ours ${a} theirs ${b}`;
      }
      return undefined;
    })() ??
    firstOf(label, 'base_weights', ours.baseWeights, theirs.base_weights, stat(1e-6)) ??
    firstOf(label, 'sum_hessian', ours.sumHessian, theirs.sum_hessian, stat(1e-5)) ??
    firstOf(
      label,
      'loss_changes',
      ours.lossChanges,
      theirs.loss_changes,
      (x, y) => Math.abs(x - y) <= 1e-5 * gainScale,
    )
  );
}

const field = (t: TextTree, key: string): number[] => {
  const v = t.fields.find(([k]) => k === key)?.[1] ?? '';
  return v.trim() === '' ? [] : v.trim().split(' ').map(Number);
};

/**
 * The first difference between two LightGBM text trees, walking both from the root (so the order in
 * which nodes are numbered does not matter), or undefined. Leaf values are compared to `leafRel`
 * relative; `worst` collects the largest relative leaf difference seen.
 */
export function lgbTreeDiff(
  ours: TextTree,
  theirs: TextTree,
  label: string,
  leafRel = 1e-9,
  worst: { rel: number } = { rel: 0 },
): string | undefined {
  if (ours.numLeaves !== theirs.numLeaves)
    return `${label}: num_leaves ours ${ours.numLeaves} theirs ${theirs.numLeaves}`;
  const oc = field(ours, 'leaf_count');
  const tc = field(theirs, 'leaf_count');
  const oi = field(ours, 'internal_count');
  const ti = field(theirs, 'internal_count');
  const catSet = (t: TextTree, node: number): string => {
    const k = t.threshold[node]!;
    return t.catThreshold.slice(t.catBoundaries[k]!, t.catBoundaries[k + 1]!).join(',');
  };
  const walk = (a: number, b: number, path: string): string | undefined => {
    if (a < 0 !== b < 0)
      return `${label} at ${path}: ours ${a < 0 ? 'a leaf' : 'a split'}, theirs ${b < 0 ? 'a leaf' : 'a split'}`;
    if (a < 0) {
      const [la, lb] = [~a, ~b];
      if (oc[la] !== tc[lb]) return `${label} at ${path}: leaf_count ours ${oc[la]} theirs ${tc[lb]}`;
      const va = ours.numLeaves === 1 ? ours.leafValue[0]! : ours.leafValue[la]!;
      const vb = theirs.numLeaves === 1 ? theirs.leafValue[0]! : theirs.leafValue[lb]!;
      const rel = Math.abs(va - vb) / Math.max(Math.abs(va), Math.abs(vb), 1e-300);
      if (va !== vb) worst.rel = Math.max(worst.rel, rel);
      return near(va, vb, leafRel) ? undefined : `${label} at ${path}: leaf_value ours ${va} theirs ${vb}`;
    }
    const what = (t: TextTree, n: number, counts: number[]) =>
      `f${t.splitFeature[n]} ${t.decisionType[n]! & 1 ? `in {${catSet(t, n)}}` : `<= ${t.threshold[n]}`} type ${t.decisionType[n]} rows ${counts[n]}`;
    const sa = what(ours, a, oi);
    const sb = what(theirs, b, ti);
    if (sa !== sb) return `${label} at ${path}: ours ${sa}, theirs ${sb}`;
    return (
      walk(ours.leftChild[a]!, theirs.leftChild[b]!, `${path}L`) ??
      walk(ours.rightChild[a]!, theirs.rightChild[b]!, `${path}R`)
    );
  };
  return ours.numLeaves === 1 ? walk(-1, -1, 'root') : walk(0, 0, 'root:');
}

/** The first difference between two LightGBM text models' trees (count first), or undefined. */
export function lgbModelDiff(
  ours: TextModel,
  theirs: TextModel,
  label: string,
  leafRel = 1e-9,
  worst: { rel: number } = { rel: 0 },
): string | undefined {
  const n = Math.min(ours.trees.length, theirs.trees.length);
  for (let i = 0; i < n; i++) {
    const d = lgbTreeDiff(ours.trees[i]!, theirs.trees[i]!, `${label} tree ${i}`, leafRel, worst);
    if (d) return d;
  }
  if (ours.trees.length !== theirs.trees.length)
    return `${label}: ${ours.trees.length} trees, theirs ${theirs.trees.length}`;
  return undefined;
}

/** The first difference between two lists of XGBoost trees (count first), or undefined. */
export function xgbModelDiff(
  ours: readonly Tree[],
  theirs: readonly XgbTree[],
  label: string,
): string | undefined {
  const n = Math.min(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const d = xgbTreeDiff(ours[i]!, theirs[i]!, `${label} tree ${i}`);
    if (d) return d;
  }
  if (ours.length !== theirs.length) return `${label}: ${ours.length} trees, theirs ${theirs.length}`;
  return undefined;
}
