/**
 * Where multiclass training starts, against LightGBM 4.6 (MulticlassSoftmax/MulticlassOVA
 * `BoostFromScore`, `ClassNeedTrain`; GBDT `TrainOneIter`): softmax classes start at log(prior), ova
 * classes at their log-odds, both folded into the first trees; with boost_from_average off a class
 * whose first tree cannot split starts there anyway; a class no row has is a constant tree, never
 * grown. The real CLI trains on the same imbalanced rows and scores both models (raw scores).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { toLightgbmText } from '../../../../runtimes/gbdt/lightgbm/model.js';
import { lgbObjective } from '../../../../runtimes/gbdt/lightgbm/objectives.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import { Rng } from '../../../../runtimes/random/rng.js';
import { SINGLE } from '../../../../runtimes/gbdt/core/types.js';
import { lightgbmRawScores, needLightgbm, runLightgbm } from '../../../helpers/lightgbm-cli.js';

/** 5 features; classes cut from a nonlinear score at the given cumulative shares (imbalanced). */
function imbalanced(rows: number, seed: number, cuts: readonly number[]): { data: Dataset; csv: string } {
  const rng = new Rng(seed);
  const cols = 5;
  const x = Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => Number((rng.next() * 4 - 2).toFixed(4))),
  );
  const score = x.map((v) => v[0]! + 0.5 * v[1]! * v[1]! - v[2]! * v[3]! + 0.6 * (rng.next() - 0.5));
  const sorted = [...score].sort((a, b) => a - b);
  const bounds = cuts.map((c) => sorted[Math.floor(c * rows)]!);
  const labels = score.map((s) => bounds.filter((b) => s >= b).length);
  const data: Dataset = {
    rows,
    cols,
    features: Float32Array.from(x.flat()),
    labels: Float32Array.from(labels),
    featureNames: Array.from({ length: cols }, (_, i) => `Column_${i}`),
  };
  return { data, csv: `${x.map((v, r) => [labels[r], ...v].join(',')).join('\n')}\n` };
}

test('start scores: log(prior) for multiclass, log-odds for multiclassova; absent classes not trained', async () => {
  // 10 rows: 6 of class 0, 3 of class 1, none of class 2, 1 of class 3.
  const labels = Float32Array.from([0, 1, 0, 3, 0, 1, 0, 0, 1, 0]);
  const soft = await lgbObjective(parseLgbParams({ objective: 'multiclass', num_class: 4 })).start(
    labels,
    SINGLE,
  );
  // LightGBM's kEpsilon is the float 1e-15f (meta.h).
  const eps = Math.fround(1e-15);
  assert.deepEqual(soft.scores, [Math.log(0.6), Math.log(0.3), Math.log(eps), Math.log(0.1)]);
  assert.deepEqual(soft.train, [true, true, false, true]);
  const ova = await lgbObjective(parseLgbParams({ objective: 'multiclassova', num_class: 4 })).start(
    labels,
    SINGLE,
  );
  const logit = (p: number) => Math.log(p / (1 - p));
  assert.deepEqual(ova.scores, [logit(0.6), logit(0.3), logit(eps), logit(0.1)]);
  assert.deepEqual(ova.train, [true, true, false, true]);
});

// In a first iteration every row's gradient for a class is one of two values, so many candidate
// splits tie in exact arithmetic and the winner is decided by rounding, whose order the engine does
// not reproduce bit for bit (other seeds or leaf limits showed single such splits going another
// way). These cases were checked to be free of such ties; without the initial scores they are off
// by 0.3 to 3.5 (the mutation check).
const MAIN = [0.7, 0.9, 0.97];
const ABSENT = [0.7, 0.95, 0.95];
const CASES: [string, Record<string, unknown>, readonly number[]][] = [
  ['multiclass, 1 iteration', { objective: 'multiclass', num_iterations: 1 }, MAIN],
  ['multiclass, 5 iterations', { objective: 'multiclass', num_iterations: 5 }, MAIN],
  ['multiclassova, 3 iterations', { objective: 'multiclassova', num_iterations: 3 }, MAIN],
  [
    'multiclass, boost_from_average false',
    { objective: 'multiclass', num_iterations: 3, boost_from_average: false, num_leaves: 7 },
    MAIN,
  ],
  // Class 2 has no row: LightGBM's first tree for it is log(1e-15), later ones 0.
  ['multiclass, an absent class', { objective: 'multiclass', num_iterations: 3 }, ABSENT],
  ['multiclassova, an absent class', { objective: 'multiclassova', num_iterations: 3 }, ABSENT],
  [
    'multiclass, an absent class, boost_from_average false',
    { objective: 'multiclass', num_iterations: 3, boost_from_average: false },
    ABSENT,
  ],
];

for (const [name, params, cuts] of CASES) {
  test(`the real LightGBM's raw scores: ${name}`, async (t) => {
    if (!needLightgbm(t)) return;
    const { data, csv } = imbalanced(3000, 11, cuts);
    const all = { num_class: 4, ...params };
    const dir = mkdtempSync(join(tmpdir(), 'lgb-init-'));
    try {
      writeFileSync(join(dir, 'train.csv'), csv);
      runLightgbm(dir, { task: 'train', data: 'train.csv', output_model: 'theirs.txt', ...all });
      const model = await trainLightgbm({ train: data, params: parseLgbParams({ ...all, num_threads: 1 }) });
      writeFileSync(join(dir, 'ours.txt'), toLightgbmText(model));
      const theirs = lightgbmRawScores(dir, 'theirs.txt', 'train.csv');
      const ours = lightgbmRawScores(dir, 'ours.txt', 'train.csv');
      const mine = predictMargins(model, data.features, data.rows, data.cols);
      assert.equal(theirs.length, data.rows * 4);
      let worst = 0;
      for (let i = 0; i < theirs.length; i++) {
        worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!), Math.abs(mine[i]! - theirs[i]!));
      }
      t.diagnostic(`${name}: max |raw score − LightGBM's| ${worst.toExponential(2)}`);
      assert.ok(worst <= 2e-5, `${name}: ${worst}`);
      if (name.includes('absent')) {
        const leaf = (k: number) => model.trees[k]!;
        const absent = params['objective'] === 'multiclass' ? Math.log(1e-15) : Math.log(1e-15 / (1 - 1e-15));
        assert.equal(leaf(2).leftChildren.length, 1);
        assert.equal(leaf(2).splitConditions[0], Math.fround(absent));
        assert.equal(leaf(6).leftChildren.length, 1);
        assert.equal(leaf(6).splitConditions[0], 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
