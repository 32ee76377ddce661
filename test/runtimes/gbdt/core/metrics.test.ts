import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DtrainError } from '../../../../configs/errors.js';
import { logGamma, metricFor, metricFromParts, metricParts } from '../../../../runtimes/gbdt/core/metrics.js';
import { jsonFloats, needXgboost, runPython } from '../../../helpers/xgboost-py.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

// Binary data with many tied predictions (rounded to 0.05), plus a few at exactly 0 and 1.
function binary(n: number, seed: number) {
  const rand = rng(seed);
  const labels = Float32Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0));
  const preds = Float32Array.from(
    labels,
    (y) => Math.round(Math.min(1, Math.max(0, 0.3 * y + 0.7 * rand())) * 20) / 20,
  );
  return { labels, preds };
}

function multi(n: number, k: number, seed: number) {
  const rand = rng(seed);
  const labels = Float32Array.from({ length: n }, () => Math.floor(rand() * k));
  const preds = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += preds[i * k + j] = rand() + (j === labels[i] ? 0.5 : 0);
    for (let j = 0; j < k; j++) preds[i * k + j]! /= sum;
  }
  return { labels, preds };
}

test('metrics match sklearn (auc with ties, logloss, error, mlogloss, merror, rmse, mae)', (t) => {
  if (!needXgboost(t)) return;
  const b = binary(500, 3);
  const m = multi(300, 4, 5);
  const rand = rng(9);
  const yr = Float32Array.from({ length: 400 }, () => rand() * 10);
  const pr = Float32Array.from(yr, (y) => y + rand() * 2 - 1);
  const ref = runPython<Record<string, number>>(
    `from sklearn import metrics as M
yb, pb = np.array(inp['yb']), np.array(inp['pb'], dtype=np.float64)
ym, pm = np.array(inp['ym']), np.array(inp['pm'], dtype=np.float64).reshape(-1, 4)
yr, pr = np.array(inp['yr']), np.array(inp['pr'], dtype=np.float64)
emit({'auc': M.roc_auc_score(yb, pb), 'logloss': M.log_loss(yb, np.clip(pb, 1e-16, 1 - 1e-16), eps=1e-16),
  'error': 1 - M.accuracy_score(yb, pb > 0.5), 'error@0.3': 1 - M.accuracy_score(yb, pb > 0.3),
  'mlogloss': M.log_loss(ym, pm, eps=1e-16, labels=[0, 1, 2, 3]),
  'merror': 1 - M.accuracy_score(ym, pm.argmax(axis=1)),
  'rmse': math.sqrt(M.mean_squared_error(yr, pr)), 'mae': M.mean_absolute_error(yr, pr)})`,
    {
      yb: jsonFloats(b.labels),
      pb: jsonFloats(b.preds),
      ym: jsonFloats(m.labels),
      pm: jsonFloats(m.preds),
      yr: jsonFloats(yr),
      pr: jsonFloats(pr),
    },
  );
  const ours: Record<string, number> = {
    auc: metricFor('auc').evaluate(b.preds, b.labels, 1),
    logloss: metricFor('logloss').evaluate(b.preds, b.labels, 1),
    error: metricFor('error').evaluate(b.preds, b.labels, 1),
    'error@0.3': metricFor('error@0.3').evaluate(b.preds, b.labels, 1),
    mlogloss: metricFor('mlogloss').evaluate(m.preds, m.labels, 4),
    merror: metricFor('merror').evaluate(m.preds, m.labels, 4),
    rmse: metricFor('rmse').evaluate(pr, yr, 1),
    mae: metricFor('mae').evaluate(pr, yr, 1),
  };
  for (const [name, value] of Object.entries(ref)) close(ours[name]!, value, 1e-9, name);
});

test('logloss and poisson-nloglik agree with XGBoost 1.7 itself, extremes included', (t) => {
  if (!needXgboost(t)) return;
  const b = binary(200, 4);
  const rand = rng(12);
  const yp = Float32Array.from({ length: 200 }, () => Math.floor(rand() * 7));
  const pp = Float32Array.from(yp, (y) => Math.max(0.01, y + rand() * 3 - 1.5));
  // Predictions are fed as base margins to a booster whose single tree adds 0 (eta 0).
  const ref = runPython<Record<string, number>>(
    `import xgboost as xgb
def ev(obj, metric, y, p, margin):
    X = np.zeros((len(y), 1), dtype=np.float32)
    b = xgb.train({'objective': obj, 'eta': 0.0, 'max_depth': 1, 'eval_metric': metric}, xgb.DMatrix(X, y), 1)
    return float(b.eval(xgb.DMatrix(X, y, base_margin=margin)).split(':')[1])
pb = np.array(inp['pb'], dtype=np.float64)
with np.errstate(divide='ignore'):
    lb = np.log(pb) - np.log1p(-pb)
pp = np.array(inp['pp'], dtype=np.float64)
emit({'logloss': ev('binary:logistic', 'logloss', np.array(inp['yb']), pb, lb),
  'poisson-nloglik': ev('count:poisson', 'poisson-nloglik', np.array(inp['yp']), pp, np.log(pp))})`,
    { yb: jsonFloats(b.labels), pb: jsonFloats(b.preds), yp: jsonFloats(yp), pp: jsonFloats(pp) },
  );
  close(metricFor('logloss').evaluate(b.preds, b.labels, 1), ref['logloss']!, 1e-6, 'logloss');
  close(metricFor('poisson-nloglik').evaluate(pp, yp, 1), ref['poisson-nloglik']!, 1e-6, 'poisson-nloglik');
});

test('hand values: auc ties, single-class auc, logloss clipping', () => {
  const auc = metricFor('auc');
  assert.equal(auc.higherIsBetter, true);
  assert.equal(auc.evaluate(Float32Array.of(0.5, 0.5), Float32Array.of(1, 0), 1), 0.5);
  assert.equal(auc.evaluate(Float32Array.of(0.1, 0.4, 0.35, 0.8), Float32Array.of(0, 0, 1, 1), 1), 0.75);
  assert.ok(Number.isNaN(auc.evaluate(Float32Array.of(0.1, 0.2), Float32Array.of(1, 1), 1)));
  close(
    metricFor('logloss').evaluate(Float32Array.of(0, 1), Float32Array.of(1, 0), 1),
    -Math.log(1e-16),
    1e-12,
    'clip',
  );
  assert.equal(metricFor('logloss').evaluate(Float32Array.of(0, 1), Float32Array.of(0, 1), 1), 0);
  close(logGamma(10), Math.log(362880), 1e-13, 'lgamma(10)');
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13, 'lgamma(0.5)');
  assert.ok(Number.isNaN(metricFor('rmse').evaluate(new Float32Array(0), new Float32Array(0), 1)));
});

test('parts from row shards combine to the whole-data value', () => {
  const b = binary(301, 8);
  const m = multi(301, 3, 9);
  const cases: [string, Float32Array, Float32Array, number][] = [
    ['rmse', b.preds, b.labels, 1],
    ['mae', b.preds, b.labels, 1],
    ['logloss', b.preds, b.labels, 1],
    ['error@0.7', b.preds, b.labels, 1],
    ['poisson-nloglik', b.preds, b.labels, 1],
    ['mlogloss', m.preds, m.labels, 3],
    ['merror', m.preds, m.labels, 3],
  ];
  for (const [name, preds, labels, k] of cases) {
    const total = new Float64Array(2);
    for (const [a, z] of [
      [0, 100],
      [100, 101],
      [101, 301],
    ] as const) {
      const part = metricParts(name, preds.subarray(a * k, z * k), labels.subarray(a, z), k);
      total[0]! += part[0]!;
      total[1]! += part[1]!;
    }
    close(metricFromParts(name, total), metricFor(name).evaluate(preds, labels, k), 1e-12, name);
  }
  assert.throws(() => metricParts('auc', b.preds, b.labels, 1), /auc has no additive parts/);
});

test('unknown metrics and bad multiclass labels are config errors', () => {
  assert.throws(
    () => metricFor('aucc'),
    (e: unknown) =>
      e instanceof DtrainError &&
      e.code === 'E_PARAM' &&
      e.message ===
        'params.eval_metric: unknown metric "aucc" (did you mean "auc"? supported: rmse, mae, logloss, ' +
          'error, error@t, auc, mlogloss, merror, poisson-nloglik)',
  );
  assert.throws(() => metricFor('error@x'), /needs a number after @/);
  assert.throws(
    () => metricFor('merror').evaluate(Float32Array.of(0.5, 0.5), Float32Array.of(2), 2),
    (e: unknown) => e instanceof DtrainError && e.code === 'E_LABEL' && /label 2 at row 0/.test(e.message),
  );
});
