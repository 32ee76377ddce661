import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainGbdt } from '../../../../runtimes/gbdt/xgboost/train.js';
import type { Tree } from '../../../../runtimes/gbdt/core/types.js';
import { parseXgbParams } from '../../../../runtimes/gbdt/xgboost/params.js';
import { runXgboost, synthBinary, type XgbTree } from '../helpers.js';

function assertSameTree(ours: Tree, theirs: XgbTree, label: string): void {
  assert.deepEqual(Array.from(ours.leftChildren), theirs.left_children, `${label}: left_children`);
  assert.deepEqual(Array.from(ours.rightChildren), theirs.right_children, `${label}: right_children`);
  assert.deepEqual(Array.from(ours.splitIndices), theirs.split_indices, `${label}: split_indices`);
  assert.deepEqual(Array.from(ours.defaultLeft), theirs.default_left, `${label}: default_left`);
  const close = (a: ArrayLike<number>, b: number[], what: string, tol: number): void => {
    for (let i = 0; i < b.length; i++) {
      const d = Math.abs(a[i]! - b[i]!);
      assert.ok(d <= tol * Math.max(1, Math.abs(b[i]!)), `${label}: ${what}[${i}] ${a[i]} vs ${b[i]}`);
    }
  };
  close(ours.splitConditions, theirs.split_conditions, 'split_conditions', 1e-5);
  close(ours.baseWeights, theirs.base_weights, 'base_weights', 1e-5);
  close(ours.sumHessian, theirs.sum_hessian, 'sum_hessian', 1e-5);
  close(ours.lossChanges, theirs.loss_changes, 'loss_changes', 1e-4);
}

const cases: [string, Record<string, unknown>, number][] = [
  ['depthwise logistic', { objective: 'binary:logistic', max_depth: 4, eta: 0.3 }, 0],
  ['depthwise with missing values', { objective: 'binary:logistic', max_depth: 3, eta: 0.5 }, 0.2],
  [
    'squared error, L1/L2, gamma',
    { objective: 'reg:squarederror', max_depth: 3, alpha: 0.5, lambda: 2, gamma: 0.1 },
    0.1,
  ],
  [
    'lossguide max_leaves 6',
    { objective: 'binary:logistic', grow_policy: 'lossguide', max_leaves: 6, max_depth: 0 },
    0.1,
  ],
  [
    'max_delta_step, min_child_weight',
    { objective: 'binary:logistic', max_delta_step: 0.3, min_child_weight: 5 },
    0,
  ],
];

for (const [name, params, missing] of cases) {
  test(`tree equals real XGBoost 1.7 hist: ${name}`, async () => {
    // Two decimals: ≤ 201 distinct values per feature, so every value is a cut on both sides.
    const data = synthBinary(400, 4, 11, missing, 2);
    const all = { max_bin: 256, nthread: 1, ...params };
    const theirs = runXgboost(data, all, 3);
    const model = await trainGbdt({ train: data, params: parseXgbParams({ ...all, num_boost_round: 3 }) });
    assert.equal(model.trees.length, theirs.trees.length);
    for (const [i, t] of model.trees.entries()) assertSameTree(t, theirs.trees[i]!, `${name} tree ${i}`);
  });
}
