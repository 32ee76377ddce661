import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DtrainError } from '../../configs/errors.js';
import { parseXgbParams, readXgbParams } from '../../configs/params/index.js';
import { parseXgbParams as engineParse } from '../../runtimes/gbdt/index.js';

test('defaults are XGBoost 1.7 defaults', () => {
  const p = parseXgbParams({});
  assert.equal(p.eta, 0.3);
  assert.equal(p.maxDepth, 6);
  assert.equal(p.minChildWeight, 1);
  assert.equal(p.lambda, 1);
  assert.equal(p.alpha, 0);
  assert.equal(p.maxBin, 256);
  assert.equal(p.numBoostRound, 10);
  assert.equal(p.objective, 'reg:squarederror');
  assert.equal(p.baseScore, 0.5);
  assert.equal(p.growPolicy, 'depthwise');
  assert.deepEqual(p.evalMetric, []);
  assert.equal(p.earlyStoppingRounds, undefined);
});

test('aliases and string numbers are accepted', () => {
  const p = parseXgbParams({
    learning_rate: '0.1',
    reg_lambda: 2,
    reg_alpha: 0.5,
    min_split_loss: 1,
    n_estimators: 5,
  });
  assert.deepEqual([p.eta, p.lambda, p.alpha, p.gamma, p.numBoostRound], [0.1, 2, 0.5, 1, 5]);
  assert.deepEqual(parseXgbParams({ eval_metric: 'auc' }).evalMetric, ['auc']);
});

test('bad values are E_PARAM config errors naming the parameter', () => {
  const bad = (params: Record<string, unknown>, message: RegExp): void => {
    assert.throws(
      () => parseXgbParams(params),
      (e: unknown) =>
        e instanceof DtrainError &&
        e.code === 'E_PARAM' &&
        e.category === 'config' &&
        message.test(e.message),
    );
  };
  bad({ max_depth: -1 }, /^params\.max_depth: must be an integer >= 0 \(got -1\)$/);
  bad({ subsample: 0 }, /^params\.subsample: must be in \(0, 1\]/);
  bad({ eta: 'fast' }, /^params\.eta: /);
  bad({ grow_policy: 'leafwise' }, /^params\.grow_policy: must be one of depthwise, lossguide/);
  bad({ objective: 'multi:softprob' }, /^params\.num_class: /);
  bad({ max_depth: 0 }, /^params\.max_depth: 0 \(unlimited\) needs grow_policy lossguide/);
});

const byName = (a: { name: string; index?: number }, b: { name: string; index?: number }): number =>
  a.name.localeCompare(b.name) || (a.index ?? 0) - (b.index ?? 0);

test('ranges, objectives and metrics, with a did-you-mean; the engine uses this parser', () => {
  assert.deepEqual(
    readXgbParams({
      objective: 'binary:logistc',
      eval_metric: ['auc', 'aucc', 'error@x', 'error@0.7'],
      num_boost_round: -5,
      max_depth: 2.5,
      subsample: 3,
    }).problems.sort(byName),
    [
      { name: 'objective', message: 'unknown objective; did you mean `binary:logistic`?' },
      { name: 'eval_metric', index: 1, message: 'unknown metric; did you mean `auc`?' },
      { name: 'eval_metric', index: 2, message: 'error@t needs a number t, e.g. error@0.7' },
      { name: 'max_depth', message: 'must be an integer >= 0' },
      { name: 'subsample', message: 'must be in (0, 1]' },
      { name: 'num_boost_round', message: 'must be an integer >= 0' },
    ].sort(byName),
  );
  assert.equal(engineParse, parseXgbParams);
});

test('booster: gbtree is what the engine does; anything else is refused', () => {
  assert.deepEqual(readXgbParams({ booster: 'gbtree' }).problems, []);
  assert.deepEqual(readXgbParams({ booster: 'gblinear' }).problems, [
    { name: 'booster', message: 'must be one of gbtree' },
  ]);
});
