/**
 * regression_l1's leaf refit (runtimes/gbdt/lightgbm/renew.ts): LightGBM's PercentileFun on hand
 * cases, and a trained tree whose every leaf is the learning rate times its rows' median residual.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { lgbPercentile } from '../../../../runtimes/gbdt/lightgbm/renew.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import { synthBinary } from '../helpers.js';

test("LightGBM's percentile: the upper middle for even counts, the mean of the two around the middle for odd", () => {
  const at = (xs: number[], alpha = 0.5) => lgbPercentile(Float64Array.from(xs), alpha);
  assert.equal(at([7]), 7);
  assert.equal(at([1, 4, 2, 3]), 3); // descending 4 3 2 1, position 2: d[1]
  assert.equal(at([5, 1, 3, 2, 4]), 3.5); // position 2.5: d[1] − (d[1] − d[2]) · 0.5
  assert.equal(at([1, 2, 3, 4], 0.9), 4); // position 0.4 < 1: the maximum
  // Position 3.6: d[2] − (d[2] − d[3]) · 0.6.
  assert.ok(Math.abs(at([1, 2, 3, 4], 0.1) - 1.4) < 1e-12);
});

test('regression_l1 leaves are learning_rate × the median residual of their rows (RenewTreeOutput)', async () => {
  const base = synthBinary(600, 4, 3);
  // A heavy-tailed target: sign gradients alone would give leaves of ±learning_rate.
  const labels = Float32Array.from(base.labels, (y, i) => 3 * y + ((i * 7919) % 13) ** 2 / 20);
  const train = { ...base, labels };
  const lr = 0.1;
  const model = await trainLightgbm({
    train,
    params: parseLgbParams({
      objective: 'regression_l1',
      num_iterations: 1,
      num_leaves: 4,
      learning_rate: lr,
      num_threads: 1,
    }),
  });
  const init = lgbPercentile(Float64Array.from(labels), 0.5);
  const pred = predictMargins(model, train.features, train.rows, train.cols);
  const byLeaf = new Map<number, number[]>();
  pred.forEach((p, i) => {
    byLeaf.set(p, [...(byLeaf.get(p) ?? []), labels[i]! - init]);
  });
  assert.ok(byLeaf.size >= 3, `${byLeaf.size} leaves`);
  for (const [p, residuals] of byLeaf) {
    const want = lr * lgbPercentile(Float64Array.from(residuals), 0.5);
    assert.ok(Math.abs(p - init - want) < 1e-5, `leaf ${p - init} vs ${want} (${residuals.length} rows)`);
  }
});
