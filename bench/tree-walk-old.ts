/**
 * The tree walks that runtimes/gbdt/predict/tree-walk.ts replaced (as of commit 665709b), kept as
 * bench:tree-walk's baseline: addTreeMargins walked one row at a time with branches, and
 * predictMargins walked 256-row blocks level by level, every row taking the tree's full depth.
 * Numeric trees only (the bench trains no categorical splits).
 */
import { Worker } from 'node:worker_threads';
import { type GbdtModel, objectiveFor, outputsOf, type Tree } from '../runtimes/gbdt/index.js';

/** The previous addTreeMargins (numeric trees). */
export function oldAddTreeMargins(
  tree: Tree,
  features: Float32Array,
  cols: number,
  margins: Float32Array,
  outputs: number,
  output: number,
  rowCount: number,
  rows?: Uint32Array,
): void {
  const { leftChildren: left, rightChildren: right, splitIndices, splitConditions, defaultLeft } = tree;
  const n = rows ? rows.length : rowCount;
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i]! : i;
    const base = r * cols;
    let node = 0;
    for (let l = left[0]!; l !== -1; l = left[node]!) {
      const x = features[base + splitIndices[node]!]!;
      node = Number.isNaN(x)
        ? defaultLeft[node]
          ? l
          : right[node]!
        : x < splitConditions[node]!
          ? l
          : right[node]!;
    }
    const j = r * outputs + output;
    margins[j] = margins[j]! + splitConditions[node]!;
  }
}

interface OldFlatTree {
  readonly record: Int32Array;
  readonly recordF: Float32Array;
  readonly leaf: Float32Array;
  readonly depth: number;
}

/** The previous predict/layout.ts build: breadth-first pairs, leaves step right onto themselves. */
function oldFlatTree(tree: Tree): OldFlatTree {
  const n = tree.leftChildren.length;
  const child = new Int32Array(n);
  const feature = new Int32Array(n);
  const threshold = new Float32Array(n);
  const nanRight = new Uint8Array(n);
  const leaf = new Float32Array(n);
  const order = new Int32Array(n);
  const level = new Int32Array(n);
  let next = 1;
  let depth = 0;
  for (let slot = 0; slot < next; slot++) {
    const node = order[slot]!;
    const l = tree.leftChildren[node]!;
    if (l === -1) {
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
  return { record, recordF, leaf, depth };
}

const BLOCK = 256;
const oldCache = new WeakMap<Tree, OldFlatTree>();

/** The previous predictMargins (numeric trees, all of them). */
export function oldPredictMargins(
  model: GbdtModel,
  features: Float32Array,
  rows: number,
  cols: number,
): Float32Array {
  const outputs = outputsOf(model);
  const out = new Float32Array(rows * outputs);
  out.fill(objectiveFor(model.objective, model.numClass).marginOf(model.baseScore));
  const slots = new Int32Array(BLOCK);
  for (let start = 0; start < rows; start += BLOCK) {
    const stop = Math.min(start + BLOCK, rows);
    for (let t = 0; t < model.trees.length; t++) {
      const tree = model.trees[t]!;
      const group = model.treeInfo[t]!;
      let flat = oldCache.get(tree);
      if (flat === undefined) {
        flat = oldFlatTree(tree);
        oldCache.set(tree, flat);
      }
      const record = flat.record;
      const recordF = flat.recordF;
      const leaf = flat.leaf;
      const count = stop - start;
      slots.fill(0, 0, count);
      for (let d = 0; d < flat.depth; d++) {
        for (let i = 0, base = start * cols; i < count; i++, base += cols) {
          const k = slots[i]!;
          const x = features[base + record[k + 1]!]!;
          const c = recordF[k + 3]!;
          slots[i] = record[k]! + ((+!(x < c) & (+(x >= c) | record[k + 2]!)) << 2);
        }
      }
      for (let i = 0; i < count; i++) {
        const o = (start + i) * outputs + group;
        out[o] = out[o]! + leaf[slots[i]! >> 2]!;
      }
    }
  }
  return out;
}

/** predict/parallel.ts's predictMarginsParallel with the previous walk in each thread. */
export async function oldPredictMarginsParallel(
  model: GbdtModel,
  data: { readonly rows: number; readonly cols: number; readonly features: Float32Array },
  threads: number,
): Promise<Float32Array> {
  const { rows, cols } = data;
  const outputs = outputsOf(model);
  const features = new SharedArrayBuffer(rows * cols * 4);
  new Float32Array(features).set(data.features.subarray(0, rows * cols));
  const margins = new SharedArrayBuffer(rows * outputs * 4);
  const parts = Array.from({ length: threads }, (_, i) => [
    Math.floor((i * rows) / threads),
    Math.floor(((i + 1) * rows) / threads),
  ]);
  await Promise.all(
    parts.map(
      ([from, to]) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(new URL('./tree-walk-old-worker.js', import.meta.url), {
            workerData: { model, features, margins, cols, outputs, from, to },
          });
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`prediction thread exited ${code}`)),
          );
        }),
    ),
  );
  return new Float32Array(margins).slice();
}
