/** Hand-built GbdtModels with awkward float32 thresholds and both default directions, for interop tests. */
import type { GbdtModel, ObjectiveName, Tree } from '../../../runtimes/gbdt/core/types.js';

/** A split node: feature, threshold, default-left, children; or a leaf value. */
export type NodeSpec = { f: number; t: number; dl: 0 | 1; l: number; r: number } | { leaf: number };

/** A Tree from its nodes (index = node id); statistics are filled with plausible values. */
export function tree(nodes: readonly NodeSpec[]): Tree {
  const n = nodes.length;
  const t = {
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
  nodes.forEach((node, i) => {
    t.sumHessian[i] = 10 / (i + 1);
    if ('leaf' in node) {
      t.splitConditions[i] = node.leaf;
      t.baseWeights[i] = node.leaf;
      return;
    }
    t.leftChildren[i] = node.l;
    t.rightChildren[i] = node.r;
    t.parents[node.l] = i;
    t.parents[node.r] = i;
    t.splitIndices[i] = node.f;
    t.splitConditions[i] = node.t;
    t.defaultLeft[i] = node.dl;
    t.baseWeights[i] = -0.25 * i;
    t.lossChanges[i] = 1.5 + i;
  });
  return t;
}

// Thresholds that do not print exactly as decimals, the largest float32, tiny and negative ones.
const AWKWARD = [0.1, 1e-8, 3.4028234e38, -2.5, 0.3333333, 1, -1e-30, 7.006492e-45];

/** A depth-3 tree over `cols` features whose thresholds and leaves vary with `seed`. */
export function awkwardTree(seed: number, cols: number): Tree {
  const th = (i: number) => AWKWARD[(seed + i) % AWKWARD.length]!;
  const leaf = (i: number) => Math.fround(((seed * 7 + i * 3) % 11) / 10 - 0.5 + 1e-3 * i);
  return tree([
    { f: seed % cols, t: th(0), dl: 1, l: 1, r: 2 },
    { f: (seed + 1) % cols, t: th(1), dl: 0, l: 3, r: 4 },
    { f: (seed + 2) % cols, t: th(2), dl: 1, l: 5, r: 6 },
    { leaf: leaf(0) },
    { f: (seed + 3) % cols, t: th(3), dl: 1, l: 7, r: 8 },
    { leaf: leaf(1) },
    { leaf: leaf(2) },
    { leaf: leaf(3) },
    { leaf: leaf(4) },
  ]);
}

/** A model of `rounds` rounds of awkward trees (numClass trees per round for multi:*). */
export function handModel(
  objective: ObjectiveName,
  numClass: number,
  baseScore: number,
  rounds: number,
): GbdtModel {
  const outputs = numClass > 0 ? numClass : 1;
  const trees: Tree[] = [];
  const treeInfo: number[] = [];
  for (let i = 0; i < rounds * outputs; i++) {
    trees.push(awkwardTree(i, 4));
    treeInfo.push(i % outputs);
  }
  return {
    objective,
    numFeature: 4,
    numClass,
    baseScore,
    trees,
    treeInfo,
    featureNames: objective === 'reg:squarederror' ? ['age', 'height cm', 'x"q', 'w'] : undefined,
    params: { eta: '0.3', max_depth: '3' },
    bestIteration: rounds > 1 ? rounds - 2 : undefined,
  };
}

/** rows × 4 features drawn mostly from the thresholds themselves (ties), their neighbours and NaN. */
export function awkwardData(rows: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const x = new Float32Array(rows * 4);
  for (let i = 0; i < x.length; i++) {
    const u = rand();
    const a = AWKWARD[Math.floor(rand() * AWKWARD.length)]!;
    // Neighbours of the largest float32 would overflow to ∞, which XGBoost rejects as input.
    const near = Math.fround(a * (1 + (rand() - 0.5) * 1e-6));
    x[i] =
      u < 0.15 ? Number.NaN : u < 0.45 ? a : u < 0.6 && Number.isFinite(near) ? near : (rand() - 0.5) * 6;
  }
  return x;
}
