import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DtrainError } from '../../../../configs/errors.js';
import { formatFloat32 } from '../../../../runtimes/gbdt/xgboost/model-float32.js';
import { fromXgboostJson, toXgboostJson } from '../../../../runtimes/gbdt/xgboost/model-json.js';
import { argmaxRows, predict, predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import type { GbdtModel } from '../../../../runtimes/gbdt/core/types.js';
import { floatsFrom, jsonFloats, needXgboost, runPython } from '../../../helpers/xgboost-py.js';
import { awkwardData, handModel } from '../model-json-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dtrain-model-json-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HAND: Record<string, GbdtModel> = {
  binary: handModel('binary:logistic', 0, 0.3, 3),
  regression: handModel('reg:squarederror', 0, 2.75, 2),
  softprob: handModel('multi:softprob', 3, 0.5, 2),
  softmax: handModel('multi:softmax', 4, 0.5, 1),
  poisson: handModel('count:poisson', 0, 1.5, 3),
};

function assertClose(ours: Float32Array, theirs: Float32Array, what: string): void {
  assert.equal(ours.length, theirs.length, `${what}: length`);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    if (!(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b))))
      assert.fail(`${what}[${i}]: ours ${a}, xgboost ${b}`);
  }
}

test('floats print as the shortest float32 decimal, always with a point or exponent', () => {
  const cases: [number, string][] = [
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [100, '100.0'],
    [0.1, '0.1'],
    [1e-8, '1e-8'],
    [3.4028234e38, '3.4028235e+38'],
    [1 / 3, '0.33333334'],
    [2 ** 24 + 2, '16777218.0'],
    [7.006492e-45, '7e-45'],
  ];
  for (const [x, s] of cases) assert.equal(formatFloat32(x), s, String(x));
  const rand = new Float32Array(
    new Uint32Array(Array.from({ length: 5000 }, (_, i) => Math.imul(i + 1, 2654435761))).buffer,
  );
  for (const f of rand)
    if (Number.isFinite(f)) assert.ok(Object.is(Math.fround(Number(formatFloat32(f))), f), String(f));
  assert.throws(() => formatFloat32(Number.NaN), RangeError);
});

test('written JSON types every float lexically and carries the XGBoost 1.7 fields', () => {
  const text = toXgboostJson(HAND['regression']!);
  assert.doesNotMatch(text, /NaN|Infinity/);
  const doc = JSON.parse(text);
  const learner = doc.learner;
  assert.deepEqual(doc.version, [1, 7, 4]);
  assert.deepEqual(learner.attributes, {
    eta: '0.3',
    max_depth: '3',
    best_iteration: '0',
    best_ntree_limit: '1',
  });
  assert.deepEqual(learner.learner_model_param.base_score, '2.75');
  assert.deepEqual(learner.feature_names, ['age', 'height cm', 'x"q', 'w']);
  assert.deepEqual(learner.objective, {
    name: 'reg:squarederror',
    reg_loss_param: { scale_pos_weight: '1' },
  });
  assert.equal(learner.gradient_booster.model.gbtree_model_param.num_trees, '2');
  const floats = text.match(/"(split_conditions|base_weights|loss_changes|sum_hessian)":\[[^\]]*\]/g) ?? [];
  assert.equal(floats.length, 8);
  for (const f of floats)
    for (const v of f.split('[')[1]!.slice(0, -1).split(',')) assert.match(v, /[.e]/, f);
  assert.match(toXgboostJson(HAND['softprob']!), /"softmax_multiclass_param":\{"num_class":"3"\}/);
  assert.match(toXgboostJson(HAND['poisson']!), /"poisson_regression_param":\{"max_delta_step":"0.7"\}/);
});

test('fromXgboostJson(toXgboostJson(m)) deep-equals m', () => {
  for (const [name, model] of Object.entries(HAND))
    assert.deepStrictEqual(fromXgboostJson(toXgboostJson(model)), model, name);
});

test('hand-built models load in XGBoost 1.7 and predict like ours (NaN, ties, awkward thresholds)', (t) => {
  if (!needXgboost(t)) return;
  const rows = 400;
  const x = awkwardData(rows, 5);
  const files: Record<string, string> = {};
  for (const [name, model] of Object.entries(HAND)) {
    files[name] = join(dir, `${name}.json`);
    writeFileSync(files[name], toXgboostJson(model));
  }
  const ref = runPython<
    Record<string, { margin: (number | null)[]; pred: (number | null)[]; range: (number | null)[] }>
  >(
    `import xgboost as xgb
X = np.array(inp['x'], dtype=np.float64).astype(np.float32).reshape(-1, 4)
out = {}
for name, path in inp['files'].items():
    b = xgb.Booster(model_file=path)
    d = xgb.DMatrix(X, missing=np.nan, feature_names=b.feature_names)
    out[name] = {'margin': b.predict(d, output_margin=True).ravel(), 'pred': b.predict(d).ravel(),
        'range': b.predict(d, output_margin=True, iteration_range=(1, 2)).ravel() if b.num_boosted_rounds() > 1 else []}
emit(out)`,
    { x: jsonFloats(x), files },
  );
  for (const [name, model] of Object.entries(HAND)) {
    const r = ref[name]!;
    assertClose(predictMargins(model, x, rows, 4), floatsFrom(r.margin), `${name} margins`);
    const probs = predict(model, { features: x, rows, cols: 4 });
    if (model.objective === 'multi:softmax')
      assert.deepEqual(
        Array.from(argmaxRows(probs, rows, 4)),
        Array.from(floatsFrom(r.pred)),
        `${name} classes`,
      );
    else assertClose(probs, floatsFrom(r.pred), `${name} predictions`);
    if (model.trees.length > model.numClass && model.objective !== 'multi:softmax')
      assertClose(
        predictMargins(model, x, rows, 4, { iterationRange: [1, 2] }),
        floatsFrom(r.range),
        `${name} range`,
      );
  }
});

test('models trained by XGBoost 1.7 (hist, 20 rounds, depth 4, NaN) predict identically here', (t) => {
  if (!needXgboost(t)) return;
  const ref = runPython<
    Record<string, { path: string; x: (number | null)[]; margin: (number | null)[]; pred: (number | null)[] }>
  >(
    `import xgboost as xgb
rng = np.random.default_rng(42)
X = rng.normal(size=(600, 6)).astype(np.float32)
X[rng.random(X.shape) < 0.2] = np.nan
s = np.nan_to_num(X[:, 0]) + 0.5 * np.nan_to_num(X[:, 1]) - np.isnan(X[:, 2])
labels = {'binary:logistic': (s + rng.normal(size=600) > 0).astype(float), 'reg:squarederror': s * 3 + 1,
  'multi:softprob': np.digitize(s, [-0.5, 0.5]).astype(float), 'count:poisson': rng.poisson(np.exp(s / 2)).astype(float)}
out = {}
for obj, y in labels.items():
    p = {'objective': obj, 'tree_method': 'hist', 'max_depth': 4, 'eta': 0.3, 'nthread': 1}
    if obj.startswith('multi'): p['num_class'] = 3
    b = xgb.train(p, xgb.DMatrix(X[:400], y[:400], missing=np.nan), 20)
    path = inp['dir'] + '/trained-' + obj.replace(':', '-') + '.json'
    b.save_model(path)
    d = xgb.DMatrix(X[400:], missing=np.nan)
    out[obj] = {'path': path, 'x': X[400:].ravel(), 'margin': b.predict(d, output_margin=True).ravel(), 'pred': b.predict(d).ravel()}
emit(out)`,
    { dir },
  );
  for (const [objective, r] of Object.entries(ref)) {
    const model = fromXgboostJson(readFileSync(r.path, 'utf8'));
    assert.equal(model.objective, objective);
    assert.equal(model.trees.length, objective.startsWith('multi') ? 60 : 20);
    const x = floatsFrom(r.x);
    assertClose(predictMargins(model, x, 200, 6), floatsFrom(r.margin), `${objective} margins`);
    assertClose(
      predict(model, { features: x, rows: 200, cols: 6 }),
      floatsFrom(r.pred),
      `${objective} predictions`,
    );
    assert.deepStrictEqual(fromXgboostJson(toXgboostJson(model)), model, `${objective} round trip`);
  }
});

test('unsupported or broken model files are E_MODEL errors naming the field', () => {
  const good = JSON.parse(toXgboostJson(HAND['binary']!));
  const broken = (edit: (doc: typeof good) => void): string => {
    const doc = structuredClone(good);
    edit(doc);
    try {
      fromXgboostJson(JSON.stringify(doc));
    } catch (error) {
      assert.ok(error instanceof DtrainError && error.code === 'E_MODEL', String(error));
      return error.message;
    }
    return assert.fail('expected E_MODEL');
  };
  const trees = (d: typeof good) => d.learner.gradient_booster.model.trees;
  assert.equal(
    broken((d) => {
      trees(d)[1].split_type = [1, 0, 0, 0, 0, 0, 0, 0, 0];
    }),
    'model JSON: learner.gradient_booster.model.trees[1].split_type: categorical splits are not supported',
  );
  assert.match(
    broken((d) => (d.learner.gradient_booster.name = 'dart')),
    /booster "dart" is not supported/,
  );
  assert.match(
    broken((d) => trees(d)[0].left_children.pop()),
    /trees\[0\]\.left_children: expected an array of 9 numbers/,
  );
  assert.match(
    broken((d) => (trees(d)[0].split_indices[0] = 9)),
    /feature 9 is outside num_feature 4/,
  );
  assert.match(
    broken((d) => (d.learner.objective.name = 'rank:pairwise')),
    /objective "rank:pairwise" is not supported/,
  );
  assert.match(
    broken((d) => delete d.learner.learner_model_param),
    /learner\.learner_model_param: expected an object/,
  );
  assert.throws(() => fromXgboostJson('{"learner": '), /model JSON: not valid JSON/);
});
