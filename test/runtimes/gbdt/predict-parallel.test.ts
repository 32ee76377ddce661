import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXgbParams, trainGbdt } from '../../../runtimes/gbdt/index.js';
import { predict } from '../../../runtimes/gbdt/predict.js';
import { predictParallel } from '../../../runtimes/gbdt/predict-parallel.js';
import { generate } from '../../../bench/gen-synthetic.js';

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
