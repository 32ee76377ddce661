import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DtrainError } from '../../configs/errors.js';
import { parseLgbParams, readLgbParams } from '../../configs/params/index.js';
import { parseLgbParams as engineParse } from '../../runtimes/gbdt/lightgbm/params.js';

test('LightGBM defaults', () => {
  const p = parseLgbParams({});
  assert.equal(p.objective, 'regression');
  assert.equal(p.numLeaves, 31);
  assert.equal(p.minDataInLeaf, 20);
  assert.equal(p.minSumHessianInLeaf, 1e-3);
  assert.equal(p.lambdaL1, 0);
  assert.equal(p.lambdaL2, 0);
  assert.equal(p.minGainToSplit, 0);
  assert.equal(p.maxDepth, -1);
  assert.equal(p.learningRate, 0.1);
  assert.equal(p.numIterations, 100);
  assert.equal(p.featureFraction, 1);
  assert.equal(p.baggingFraction, 1);
  assert.equal(p.baggingFreq, 0);
  assert.equal(p.maxBin, 255);
  assert.equal(p.boostFromAverage, true);
  assert.equal(p.sampleStrategy, 'bagging');
  assert.equal(p.topRate, 0.2);
  assert.equal(p.otherRate, 0.1);
  assert.equal(p.binConstructSampleCnt, 200000);
  assert.equal(p.maxCatToOnehot, 4);
  assert.equal(p.maxCatThreshold, 32);
  assert.equal(p.catSmooth, 10);
  assert.equal(p.catL2, 10);
  assert.equal(p.minDataPerGroup, 100);
  assert.equal(p.enableBundle, true);
  assert.equal(p.maxConflictRate, 0);
  assert.deepEqual(p.metric, ['l2']);
  assert.equal(p.earlyStoppingRound, undefined);
});

test('every alias of num_iterations, and the other aliases', () => {
  for (const name of [
    'num_iteration',
    'n_iter',
    'num_tree',
    'num_trees',
    'num_round',
    'num_rounds',
    'num_boost_round',
    'n_estimators',
  ])
    assert.equal(parseLgbParams({ [name]: 7 }).numIterations, 7, name);
  const p = parseLgbParams({
    num_leaf: 63,
    min_child_samples: 5,
    min_child_weight: 0.5,
    reg_alpha: 0.1,
    reg_lambda: '2',
    min_split_gain: 0.01,
    shrinkage_rate: 0.05,
    sub_feature: 0.8,
    subsample: 0.7,
    subsample_freq: 1,
    max_bins: 63,
    early_stopping_rounds: 5,
    random_state: 3,
    n_jobs: 2,
    cat_feature: '0,2',
    boost_from_average: 'false',
  });
  assert.equal(p.numLeaves, 63);
  assert.equal(p.minDataInLeaf, 5);
  assert.equal(p.minSumHessianInLeaf, 0.5);
  assert.equal(p.lambdaL1, 0.1);
  assert.equal(p.lambdaL2, 2);
  assert.equal(p.minGainToSplit, 0.01);
  assert.equal(p.learningRate, 0.05);
  assert.equal(p.featureFraction, 0.8);
  assert.equal(p.baggingFraction, 0.7);
  assert.equal(p.baggingFreq, 1);
  assert.equal(p.maxBin, 63);
  assert.equal(p.earlyStoppingRound, 5);
  assert.equal(p.seed, 3);
  assert.equal(p.numThreads, 2);
  assert.deepEqual(p.categoricalFeature, [0, 2]);
  assert.equal(p.boostFromAverage, false);
});

test('objectives, metrics and GOSS by their LightGBM names', () => {
  assert.equal(parseLgbParams({ objective: 'l2' }).objective, 'regression');
  assert.equal(parseLgbParams({ objective: 'mae' }).objective, 'regression_l1');
  assert.equal(parseLgbParams({ objective: 'huber' }).alpha, 0.9);
  const b = parseLgbParams({ objective: 'binary', metric: 'auc,binary_logloss' });
  assert.deepEqual(b.metric, ['auc', 'binary_logloss']);
  assert.deepEqual(parseLgbParams({ objective: 'binary' }).metric, ['binary_logloss']);
  const m = parseLgbParams({ objective: 'softmax', num_class: 3, metric: ['multi_error', 'multiclass'] });
  assert.equal(m.objective, 'multiclass');
  assert.deepEqual(m.metric, ['multi_error', 'multi_logloss']);
  assert.equal(parseLgbParams({ objective: 'ova', num_class: 3 }).objective, 'multiclassova');
  assert.equal(parseLgbParams({ boosting: 'goss' }).sampleStrategy, 'goss');
  assert.equal(parseLgbParams({ data_sample_strategy: 'goss' }).sampleStrategy, 'goss');
  assert.deepEqual(parseLgbParams({ metric: 'None' }).metric, []);
  assert.deepEqual(parseLgbParams({ categorical_feature: 'name:color,size' }).categoricalFeature, [
    'color',
    'size',
  ]);
});

test('bad values are one E_PARAM config error listing every problem', () => {
  try {
    parseLgbParams({
      num_leaves: 1,
      learning_rate: -1,
      objective: 'multiclass',
      boosting: 'dart',
      metric: 'nope',
    });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof DtrainError);
    assert.equal(e.code, 'E_PARAM');
    assert.equal(e.category, 'config');
    const all = `${e.message}\n${e.detail ?? ''}`;
    for (const part of ['num_class', 'num_leaves', 'learning_rate', 'dart', 'nope'])
      assert.match(all, new RegExp(part), all);
  }
  assert.throws(() => parseLgbParams({ objective: 'rank_xendcg' }), /not implemented/);
  assert.throws(
    () => parseLgbParams({ data_sample_strategy: 'goss', top_rate: 0.8, other_rate: 0.5 }),
    /top_rate/,
  );
});

test('problems name the key as written, with a did-you-mean for objectives and metrics', () => {
  const { problems } = readLgbParams({
    application: 'binray',
    metric: ['auc', 'aucc'],
    num_leaf: -3,
    sub_feature: 1.7,
  });
  assert.deepEqual(problems, [
    { name: 'application', message: 'unknown objective; did you mean `binary`?' },
    { name: 'metric', index: 1, message: 'unknown metric; did you mean `auc`?' },
    { name: 'num_leaf', message: 'must be an integer >= 2' },
    { name: 'sub_feature', message: 'must be in (0, 1]' },
  ]);
  // A comma string names the bad entry in the message.
  assert.deepEqual(readLgbParams({ metric: 'l2,aucc' }).problems, [
    { name: 'metric', message: '"aucc": unknown metric; did you mean `auc`?' },
  ]);
});

test('the engine reads params with this very parser (runtimes/gbdt re-exports it)', () => {
  assert.equal(engineParse, parseLgbParams);
});
