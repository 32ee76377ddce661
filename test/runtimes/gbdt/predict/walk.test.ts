import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../runtimes/random/rng.js';
import { predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import { addTreeMargins } from '../../../../runtimes/gbdt/predict/tree-margins.js';
import type { GbdtModel, Tree } from '../../../../runtimes/gbdt/core/types.js';
import { type NodeSpec, tree } from '../model-json-fixtures.js';

// Values where the rule's edges are: equality, signed zeros, infinities, NaN (as features and as
// thresholds), float32 neighbours.
const EDGES = [
  0,
  -0,
  1,
  Math.fround(1 + 2 ** -23),
  -1,
  0.1,
  Math.fround(0.1),
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  3.4028234e38,
  -1e-30,
];

/** The Tree's rule, written out: left iff x < threshold; NaN follows default_left. */
function leafOf(t: Tree, x: Float32Array, base: number): number {
  let node = 0;
  while (t.leftChildren[node] !== -1) {
    const v = x[base + t.splitIndices[node]!]!;
    const left = Number.isNaN(v) ? t.defaultLeft[node] === 1 : v < t.splitConditions[node]!;
    node = left ? t.leftChildren[node]! : t.rightChildren[node]!;
  }
  return t.splitConditions[node]!;
}

/**
 * A tree of `leaves` leaves grown by splitting random leaves (so some paths run deep, others stop
 * early), node ids in growth order; `chain` always splits the newest right child instead.
 */
function randomTree(rng: Rng, leaves: number, cols: number, chain = false): Tree {
  const nodes: NodeSpec[] = [{ leaf: 0 }];
  const open = [0];
  while (open.length < leaves) {
    const k = chain ? open.length - 1 : Math.floor(rng.next() * open.length);
    const id = open[k]!;
    const l = nodes.length;
    nodes.push({ leaf: 0 }, { leaf: 0 });
    const pick = rng.next();
    const t = pick < 0.5 ? EDGES[Math.floor(rng.next() * EDGES.length)]! : Math.fround(rng.next() * 4 - 2);
    nodes[id] = { f: Math.floor(rng.next() * cols), t, dl: rng.next() < 0.5 ? 1 : 0, l, r: l + 1 };
    open.splice(k, 1, l, l + 1);
  }
  for (const id of open) nodes[id] = { leaf: Math.fround(rng.next() - 0.5) };
  return tree(nodes);
}

function randomFeatures(rng: Rng, rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, () =>
    rng.next() < 0.4 ? EDGES[Math.floor(rng.next() * EDGES.length)]! : rng.next() * 4 - 2,
  );
}

function trees(rng: Rng, cols: number): Tree[] {
  return [
    randomTree(rng, 1, cols),
    randomTree(rng, 2, cols),
    randomTree(rng, 3, cols),
    randomTree(rng, 40, cols, true),
    ...Array.from({ length: 12 }, (_, i) => randomTree(rng, 2 + i * 21, cols)),
  ];
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

test('addTreeMargins adds the leaf the rule picks, bit for bit, for all rows and row lists', () => {
  const rng = new Rng(11);
  const cols = 5;
  const outputs = 3;
  for (const rows of [0, 1, 3, 4, 5, 7, 8, 301]) {
    const x = randomFeatures(rng, rows, cols);
    const list = Uint32Array.from({ length: rows }, (_, i) => i).filter(() => rng.next() < 0.7);
    const want = new Float32Array(rows * outputs).fill(0.25);
    const wantListed = want.slice();
    const got = want.slice();
    const gotListed = want.slice();
    trees(rng, cols).forEach((t, i) => {
      const k = i % outputs;
      for (let r = 0; r < rows; r++)
        want[r * outputs + k] = Math.fround(want[r * outputs + k]! + leafOf(t, x, r * cols));
      for (const r of list)
        wantListed[r * outputs + k] = Math.fround(wantListed[r * outputs + k]! + leafOf(t, x, r * cols));
      addTreeMargins(t, x, cols, got, outputs, k, rows);
      addTreeMargins(t, x, cols, gotListed, outputs, k, rows, list);
    });
    assert.deepEqual(bits(got), bits(want), `${rows} rows`);
    assert.deepEqual(bits(gotListed), bits(wantListed), `${rows} rows, listed`);
  }
});

test('predictMargins adds each tree in order from the base margin, bit for bit, past block edges', () => {
  const rng = new Rng(12);
  const cols = 6;
  const ts = trees(rng, cols);
  const model: GbdtModel = {
    objective: 'multi:softprob',
    numFeature: cols,
    numClass: 2,
    baseScore: 0.5,
    trees: ts,
    treeInfo: ts.map((_, i) => (i * 7) % 2),
    featureNames: undefined,
    params: {},
    bestIteration: undefined,
  };
  const rows = 600;
  const x = randomFeatures(rng, rows, cols);
  const want = new Float32Array(rows * 2).fill(0.5);
  ts.forEach((t, i) => {
    const k = model.treeInfo[i]!;
    for (let r = 0; r < rows; r++) want[r * 2 + k] = Math.fround(want[r * 2 + k]! + leafOf(t, x, r * cols));
  });
  assert.deepEqual(bits(predictMargins(model, x, rows, cols)), bits(want));
});
