import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { fromLightgbmText, toLightgbmText } from '../../../../runtimes/gbdt/lightgbm/model.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { outputsOf, predict, predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import { Rng } from '../../../../runtimes/random/rng.js';
import { predictRow, readLightgbmText } from '../../../helpers/lightgbm-text-reader.js';

/**
 * f0 uniform with NaNs (missing type NaN), f1 a category 0..11 with NaNs, f2 uniform without NaN in
 * training (missing type None: NaN scores as 0), f3 small integers with many zeros.
 */
function data(rows: number, seed: number, nanInF2: boolean): Dataset & { y: (k: number) => Float32Array } {
  const rng = new Rng(seed);
  const cols = 4;
  const features = new Float32Array(rows * cols);
  const score = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const f0 = rng.next() < 0.1 ? Number.NaN : rng.next() * 4 - 2;
    const f1 = rng.next() < 0.05 ? Number.NaN : Math.floor(rng.next() * 12);
    const f2 = nanInF2 && rng.next() < 0.1 ? Number.NaN : rng.next() * 2 - 1;
    const f3 = rng.next() < 0.4 ? 0 : Math.floor(rng.next() * 5);
    features.set([f0, f1, f2, f3], r * cols);
    score[r] =
      (Number.isNaN(f0) ? 0.7 : Math.sin(2 * f0)) +
      ([1, 4, 7, 9].includes(f1) ? 0.8 : -0.3) +
      f2 * f3 * 0.3 +
      rng.next() -
      0.5;
  }
  const y = (k: number) =>
    Float32Array.from(score, (s) =>
      k === 0 ? s : k === 2 ? (s > 0 ? 1 : 0) : Math.min(k - 1, Math.max(0, Math.floor(s + 1))),
    );
  return { rows, cols, features, labels: y(2), featureNames: ['f0', 'f1', 'f2', 'f3'], y };
}

const CASES: [string, Record<string, unknown>, number][] = [
  ['binary', { objective: 'binary' }, 2],
  ['regression', { objective: 'regression' }, 0],
  ['multiclass', { objective: 'multiclass', num_class: 3 }, 3],
  ['multiclassova', { objective: 'multiclassova', num_class: 3 }, 3],
];

test('LightGBM-flavour models (categorical, NaN, None): export = our predictor, read back bit for bit', async () => {
  const train = data(3000, 1, false);
  const probe = data(2000, 2, true);
  for (const [name, params, k] of CASES) {
    const model = await trainLightgbm({
      train: { ...train, labels: train.y(k) },
      params: parseLgbParams({
        ...params,
        num_iterations: 6,
        num_leaves: 15,
        min_data_in_leaf: 10,
        categorical_feature: [1],
        max_cat_to_onehot: 2,
        min_data_per_group: 10,
        num_threads: 1,
      }),
    });
    assert.ok(
      model.trees.some((t) => t.lgb !== undefined && t.lgb.catBoundaries.length > 1),
      `${name}: a categorical split`,
    );
    const text = toLightgbmText(model);
    const ref = readLightgbmText(text);
    // A non-zero init score sits in the first trees, whose shrinkage then reads 1 (Tree::AddBias).
    const folded = model.lightgbm?.initScores.map((v) => v !== 0) ?? [];
    const shrinkages = ref.trees.map((t) => t.fields.find(([key]) => key === 'shrinkage')?.[1]);
    folded.forEach((f, c) => {
      assert.equal(shrinkages[c] === '1', f, `${name}: tree ${c} shrinkage ${shrinkages[c]}`);
    });
    const ours = predict(model, probe);
    const outs = outputsOf(model);
    for (let r = 0; r < probe.rows; r++) {
      const theirs = predictRow(ref, probe.features.subarray(r * 4, r * 4 + 4));
      for (let c = 0; c < outs; c++) {
        const a = ours[r * outs + c]!;
        if (!(Math.abs(a - theirs[c]!) <= 1e-6 * Math.max(1, Math.abs(a))))
          assert.fail(`${name} row ${r} output ${c}: ours ${a}, reader ${theirs[c]}`);
      }
    }
    const back = fromLightgbmText(text);
    assert.deepEqual(
      predictMargins(back, probe.features, probe.rows, 4),
      predictMargins(model, probe.features, probe.rows, 4),
      name,
    );
    assert.deepEqual(back.lightgbm?.featureInfos, model.lightgbm?.featureInfos, name);
  }
});
