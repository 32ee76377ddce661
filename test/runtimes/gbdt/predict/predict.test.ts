import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DtrainError } from '../../../../configs/errors.js';
import { fromXgboostJson } from '../../../../runtimes/gbdt/xgboost/model-json.js';
import { argmaxRows, outputsOf, predict, predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import { handModel, tree } from '../model-json-fixtures.js';

// The minimal document of notes/gbdt.md (a), whose margins were observed with XGBoost 1.7.4.
const NOTES_MODEL = `{"version":[1,7,4],"learner":{"attributes":{},
 "learner_model_param":{"base_score":"0.5","num_feature":"2","num_class":"0"},
 "objective":{"name":"binary:logistic","reg_loss_param":{"scale_pos_weight":"1"}},
 "gradient_booster":{"name":"gbtree","model":{"gbtree_model_param":{"num_trees":"1","size_leaf_vector":"0"},
 "tree_info":[0],"trees":[{"id":0,"tree_param":{"num_nodes":"5","num_feature":"2","size_leaf_vector":"0"},
 "split_indices":[0,1,0,0,0],"split_conditions":[2.5,0.5,-0.4,0.3,0.9],"default_left":[1,0,0,0,0],
 "left_children":[1,3,-1,-1,-1],"right_children":[2,4,-1,-1,-1],"parents":[2147483647,0,0,1,1],
 "base_weights":[0.0,0.0,-0.4,0.3,0.9],"loss_changes":[0.0,0.0,0.0,0.0,0.0],"sum_hessian":[0.0,0.0,0.0,0.0,0.0]}]}}}}`;

test('margins of the notes model match those observed in XGBoost 1.7.4', () => {
  const model = fromXgboostJson(NOTES_MODEL);
  const N = Number.NaN;
  const rows = [
    [1, 0, 0.3],
    [1, 1, 0.9],
    [3, 0, -0.4],
    [N, 0, 0.3],
    [N, N, 0.9],
    [1, N, 0.9],
    [2.5, 0.5, -0.4],
    [2.4999, 0.5, 0.9],
  ];
  const x = Float32Array.from(rows.flatMap((r) => [r[0]!, r[1]!]));
  const margins = predictMargins(model, x, rows.length, 2);
  assert.deepEqual(
    Array.from(margins),
    rows.map((r) => Math.fround(r[2]!)),
  );
  const probs = predict(model, { rows: rows.length, cols: 2, features: x });
  assert.deepEqual(
    Array.from(probs),
    Array.from(margins, (m) => Math.fround(1 / (1 + Math.exp(-m)))),
  );
});

test('thresholds compare in float32: a value that rounds onto the threshold goes right', () => {
  const model = {
    ...handModel('reg:squarederror', 0, 0, 1),
    trees: [tree([{ f: 0, t: 0.1, dl: 0, l: 1, r: 2 }, { leaf: -1 }, { leaf: 1 }])],
    treeInfo: [0],
  };
  // 0.1 as a float32 feature equals the float32 threshold exactly; the float64 0.1 would go left.
  assert.deepEqual(Array.from(predictMargins(model, Float32Array.of(0.1, 0.0999999), 2, 1)), [1, -1]);
});

test('multiclass: one output per class, trees by tree_info, argmax of softmax', () => {
  const model = handModel('multi:softprob', 3, 0.5, 2);
  assert.equal(outputsOf(model), 3);
  const x = Float32Array.of(0, 0, 0, 0, 5, -5, 1, Number.NaN);
  const margins = predictMargins(model, x, 2, 4);
  assert.equal(margins.length, 6);
  const probs = predict(model, { rows: 2, cols: 4, features: x });
  for (let r = 0; r < 2; r++) {
    const sum = probs[r * 3]! + probs[r * 3 + 1]! + probs[r * 3 + 2]!;
    assert.ok(Math.abs(sum - 1) < 1e-6);
  }
  assert.deepEqual(argmaxRows(probs, 2, 3), argmaxRows(margins, 2, 3));
  assert.deepEqual(Array.from(argmaxRows(Float32Array.of(1, 3, 3, 0, 0, 0), 2, 3)), [1, 0]);
});

test('iteration ranges select rounds; [0, 0) means all', () => {
  const model = handModel('binary:logistic', 0, 0.5, 3);
  const x = Float32Array.of(0.1, 1e-8, -2.5, 7);
  const all = predictMargins(model, x, 1, 4)[0]!;
  const parts = [0, 1, 2].map((i) => predictMargins(model, x, 1, 4, { iterationRange: [i, i + 1] })[0]!);
  assert.ok(Math.abs(parts.reduce((s, v) => s + v, 0) - all) < 1e-6);
  assert.equal(predictMargins(model, x, 1, 4, { iterationRange: [0, 0] })[0], all);
  assert.equal(predictMargins(model, x, 1, 4, { iterationRange: [1, 1] })[0], 0);
  assert.throws(
    () => predictMargins(model, x, 1, 4, { iterationRange: [0, 4] }),
    (e: unknown) =>
      e instanceof DtrainError && e.message === "iteration range [0, 4) is outside the model's 3 rounds",
  );
});

test('data with too few columns for the model is an E_FEATURES config error', () => {
  const model = handModel('binary:logistic', 0, 0.5, 1);
  assert.throws(
    () => predictMargins(model, new Float32Array(6), 2, 3),
    (e: unknown) =>
      e instanceof DtrainError &&
      e.code === 'E_FEATURES' &&
      e.category === 'config' &&
      e.message === 'the model splits on feature 3 but the data has 3 columns',
  );
});

test('throughput: 200k rows × 100 depth-3 trees', (t) => {
  const model = handModel('binary:logistic', 0, 0.5, 100);
  const rows = 200_000;
  const x = Float32Array.from({ length: rows * 4 }, (_, i) => Math.sin(i) * 3);
  const start = performance.now();
  predictMargins(model, x, rows, 4);
  const ms = performance.now() - start;
  // Generous bound for a shared 2-core machine; typically well under 1 s.
  assert.ok(ms < 10_000, `${ms} ms`);
  t.diagnostic(`predict: ${((rows * 100) / ms / 1000).toFixed(1)} M row-trees/s`);
});
