import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXgbParams, trainGbdt } from '../../../../runtimes/gbdt/index.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { predict } from '../../../../runtimes/gbdt/predict/predict.js';
import { predictParallel } from '../../../../runtimes/gbdt/predict/parallel.js';
import { generate } from '../../../../bench/gen-synthetic.js';

test('predictions on 2 and 3 threads equal the single-threaded ones exactly', async () => {
  const train = generate('binary', 3000, 10, 3, 0.05);
  const model = await trainGbdt({
    train,
    params: parseXgbParams({ objective: 'binary:logistic', max_depth: 5, num_boost_round: 15, nthread: 1 }),
  });
  const data = generate('binary', 61_000, 10, 4, 0.05);
  const one = predict(model, data);
  for (const nthread of [2, 3]) assert.deepEqual(await predictParallel(model, data, { nthread }), one);
});

test('LightGBM models on 2 threads: categorical splits, iteration ranges and one-vs-all as predict gives them', async () => {
  const train = generate('binary', 4000, 8, 5, 0.05);
  // Column 5 as a categorical of 12 levels (with NaN), so some trees take the categorical walk.
  for (let r = 0; r < train.rows; r++)
    if (!Number.isNaN(train.features[r * 8 + 5]!))
      train.features[r * 8 + 5] = train.labels[r] === 1 ? r % 7 : (r % 7) + 5;
  const labels = train.labels.map((y, r) => y + (train.features[r * 8 + 2]! > 1 ? 1 : 0));
  const data = generate('binary', 45_000, 8, 6, 0.05);
  for (let r = 0; r < data.rows; r++)
    if (!Number.isNaN(data.features[r * 8 + 5]!)) data.features[r * 8 + 5] = r % 13;
  const common = { num_iterations: 6, num_leaves: 31, categorical_feature: [5], num_threads: 1 };
  const binary = await trainLightgbm({ train, params: parseLgbParams({ ...common, objective: 'binary' }) });
  assert.ok(
    binary.trees.some((t) => (t.lgb?.catThreshold.length ?? 0) > 0),
    'a categorical split',
  );
  const ova = await trainLightgbm({
    train: { ...train, labels },
    params: parseLgbParams({ ...common, objective: 'multiclassova', num_class: 3 }),
  });
  for (const model of [binary, ova])
    for (const range of [undefined, [2, 5] as const]) {
      const options = range ? { iterationRange: range } : {};
      assert.deepEqual(
        await predictParallel(model, data, { ...options, nthread: 2 }),
        predict(model, data, options),
      );
    }
});
