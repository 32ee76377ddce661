/**
 * Speed of the LightGBM flavour on the synthetic binary set (default 1M × 28, 2 threads): leaf-wise
 * num_leaves 255, GOSS, and the real XGBoost 1.7 hist depthwise max_depth 8, in the same run.
 *
 *   node dist/test/runtimes/gbdt/lightgbm/speed.js [rows] [iterations] [threads]
 */
import { generate } from '../../../../bench/gen-synthetic.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { binaryAuc } from '../../../../runtimes/gbdt/core/metrics.js';
import { predict } from '../../../../runtimes/gbdt/predict/predict.js';
import { runXgboost } from '../helpers.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const iterations = Number(process.argv[3] ?? 100);
const threads = Number(process.argv[4] ?? 2);
const train = generate('binary', rows, 28, 1, 0.02);
const holdout = generate('binary', 100_000, 28, 2, 0.02);
const base = { objective: 'binary', num_iterations: iterations, num_leaves: 255, num_threads: threads };
for (const extra of [{}, { data_sample_strategy: 'goss' }]) {
  const t0 = performance.now();
  const model = await trainLightgbm({ train, params: parseLgbParams({ ...base, ...extra }) });
  const sec = (performance.now() - t0) / 1000;
  const auc = binaryAuc(predict(model, holdout), holdout.labels);
  console.log(`dtrain lightgbm ${JSON.stringify(extra)}: ${sec.toFixed(1)} s, test AUC ${auc.toFixed(5)}`);
}
for (const [name, params] of [
  ['xgboost depthwise depth 8', { max_depth: 8 }],
  ['xgboost lossguide 255 leaves', { grow_policy: 'lossguide', max_leaves: 255, max_depth: 0 }],
] as const) {
  const x = runXgboost(
    train,
    { objective: 'binary:logistic', eta: 0.1, max_bin: 255, nthread: threads, ...params },
    iterations,
    { predictOn: holdout, trees: false },
  );
  const auc = binaryAuc(Float32Array.from(x.margins), holdout.labels);
  console.log(`${name}: ${x.seconds.toFixed(1)} s, test AUC ${auc.toFixed(5)}`);
}
