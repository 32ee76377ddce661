/**
 * A tree re-laid out for level-wise scoring: breadth-first, with each split's two children in
 * adjacent slots, so a step is `child[n] + (0 | 1)`. A leaf's left child is the slot before it, its
 * threshold -Infinity and NaN goes right, so every x steps right back onto the leaf; so walking past a leaf stays on it; that lets every row take
 * exactly `depth` steps per tree.
 */
import type { Tree } from './types.js';

export interface FlatTree {
  /** The tree this was built from (checked on reuse). */
  readonly source: Int32Array;
  /** Per slot, 4 words: left child's word offset (4 · its slot), feature, NaN-goes-right (0/1), threshold's float bits. */
  readonly record: Int32Array;
  /** `record` viewed as float32 (thresholds at 4·slot + 3). */
  readonly recordF: Float32Array;
  /** Leaf values by slot (0 on splits). */
  readonly leaf: Float32Array;
  /** Splits on the longest root-to-leaf path. */
  readonly depth: number;
}

const cache = new WeakMap<Tree, FlatTree>();

/** The flat form of a numeric (non-categorical) tree, built once per tree. */
export function flatTree(tree: Tree): FlatTree {
  const hit = cache.get(tree);
  if (hit !== undefined && hit.source === tree.leftChildren) return hit;
  const flat = build(tree);
  cache.set(tree, flat);
  return flat;
}

function build(tree: Tree): FlatTree {
  const n = tree.leftChildren.length;
  const child = new Int32Array(n);
  const feature = new Int32Array(n);
  const threshold = new Float32Array(n);
  const nanRight = new Uint8Array(n);
  const leaf = new Float32Array(n);
  const order = new Int32Array(n); // slot → original node
  const level = new Int32Array(n);
  let next = 1;
  let depth = 0;
  for (let slot = 0; slot < next; slot++) {
    const node = order[slot]!;
    const l = tree.leftChildren[node]!;
    if (l === -1) {
      // Every x (NaN too) steps right of -Infinity, back onto this slot.
      child[slot] = slot - 1;
      threshold[slot] = Number.NEGATIVE_INFINITY;
      nanRight[slot] = 1;
      leaf[slot] = tree.splitConditions[node]!;
      continue;
    }
    if (next + 2 > n) throw new Error('malformed tree: more children than nodes');
    child[slot] = next;
    feature[slot] = tree.splitIndices[node]!;
    threshold[slot] = tree.splitConditions[node]!;
    nanRight[slot] = tree.defaultLeft[node] === 1 ? 0 : 1;
    order[next] = l;
    order[next + 1] = tree.rightChildren[node]!;
    level[next] = level[next + 1] = level[slot]! + 1;
    if (level[slot]! + 1 > depth) depth = level[slot]! + 1;
    next += 2;
  }
  const record = new Int32Array(4 * n);
  const recordF = new Float32Array(record.buffer);
  for (let i = 0; i < n; i++) {
    record[4 * i] = 4 * child[i]!;
    record[4 * i + 1] = feature[i]!;
    record[4 * i + 2] = nanRight[i]!;
    recordF[4 * i + 3] = threshold[i]!;
  }
  return { source: tree.leftChildren, record, recordF, leaf, depth };
}
