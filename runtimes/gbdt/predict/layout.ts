/**
 * A numeric tree re-laid out for branch-free walking (tree-walk.ts). Slots are 4-word records in
 * breadth-first order: the root in slot 0, slot 1 unused, and each split's two children in a pair of
 * slots (2m, 2m + 1). A step is then `child | right << 2` on word offsets: no branch, no add.
 *
 * Record of slot s, at word 4s:
 * - word 0: the left child's word offset (8m) | 2 if s is a leaf | 1 if NaN goes right;
 * - word 1: the split's feature (0 on leaves);
 * - word 2: the leaf value's float32 bits (0 on splits);
 * - word 3: the threshold's float32 bits; x goes right iff !(x < threshold) and (x is not NaN or
 *   NaN goes right) — exactly the Tree's rule (left iff x < threshold, NaN by default_left).
 *
 * A leaf steps back onto itself, so a walker may step a finished row along with unfinished ones: its
 * word 0 points at its own pair, and its threshold is -Infinity with NaN going right (odd slot: every
 * x goes right) or NaN with NaN going left (even slot: every x goes left, as x < NaN never holds).
 */
import type { Tree } from '../core/index.js';

export interface FlatTree {
  /** The arrays this was built from (checked on reuse). */
  readonly source: readonly [Int32Array, Float32Array];
  /** 4 words per slot, as above. */
  readonly record: Int32Array;
  /** `record` viewed as float32 (leaf values at 4·slot + 2, thresholds at 4·slot + 3). */
  readonly recordF: Float32Array;
}

/** Word-0 flag: the slot is a leaf. */
const LEAF = 2;
/** Word-0 flag: NaN goes right. */
const NAN_RIGHT = 1;

const cache = new WeakMap<Tree, FlatTree>();

/** The flat form of a numeric (non-categorical) tree, built once per tree. */
export function flatTree(tree: Tree): FlatTree {
  const hit = cache.get(tree);
  if (hit !== undefined && hit.source[0] === tree.leftChildren && hit.source[1] === tree.splitConditions)
    return hit;
  const flat = build(tree);
  cache.set(tree, flat);
  return flat;
}

function build(tree: Tree): FlatTree {
  const { leftChildren: left, rightChildren: right, splitIndices, splitConditions, defaultLeft } = tree;
  const n = left.length;
  // n nodes fill slot 0 and n − 1 child slots from 2 on.
  const slots = n + 1;
  const order = new Int32Array(slots); // slot → node
  const record = new Int32Array(4 * slots);
  const recordF = new Float32Array(record.buffer);
  let next = 2;
  for (let slot = 0; slot < next; slot = slot === 0 ? 2 : slot + 1) {
    const node = order[slot]!;
    const w = 4 * slot;
    const l = left[node]!;
    if (l === -1) {
      const odd = slot & 1;
      record[w] = (4 * (slot - odd)) | LEAF | odd;
      recordF[w + 2] = splitConditions[node]!;
      recordF[w + 3] = odd === 1 ? Number.NEGATIVE_INFINITY : Number.NaN;
      continue;
    }
    if (next + 2 > slots) throw new Error('malformed tree: more children than nodes');
    record[w] = (4 * next) | (defaultLeft[node] === 1 ? 0 : NAN_RIGHT);
    record[w + 1] = splitIndices[node]!;
    const c = splitConditions[node]!;
    // x < NaN never holds, so every number goes right, as x >= -Infinity says.
    recordF[w + 3] = Number.isNaN(c) ? Number.NEGATIVE_INFINITY : c;
    order[next] = l;
    order[next + 1] = right[node]!;
    next += 2;
  }
  return { source: [left, splitConditions], record, recordF };
}
