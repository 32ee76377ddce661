import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DtrainError } from '../../../../configs/errors.js';
import { fromLightgbmText, toLightgbmText } from '../../../../runtimes/gbdt/lightgbm/model.js';
import { toXgboostJson } from '../../../../runtimes/gbdt/xgboost/model-json.js';
import { predict, predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import type { GbdtModel } from '../../../../runtimes/gbdt/core/types.js';
import { predictFile } from '../../../../runtimes/predict/predict-file.js';
import { predictRow, rawScore, readLightgbmText } from '../../../helpers/lightgbm-text-reader.js';
import { awkwardData, handModel } from '../model-json-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dtrain-lightgbm-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HAND: Record<string, GbdtModel> = {
  binary: handModel('binary:logistic', 0, 0.3, 3),
  regression: handModel('reg:squarederror', 0, 2.75, 2),
  softprob: handModel('multi:softprob', 3, 0.5, 2),
  poisson: handModel('count:poisson', 0, 1.5, 3),
};

/**
 * The minimal model of the research note (shared/notes/gbdt.md (b)), scored by the LightGBM 4.6.0
 * CLI there; tree 0's second split is categorical (f1 ∈ {1, 3} goes left).
 */
const NOTES_MODEL = `tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=1
objective=binary sigmoid:1
feature_names=f0 f1
feature_infos=[0:3] 0:1:2:3

Tree=0
num_leaves=3
num_cat=1
split_feature=0 1
threshold=1.5 0
decision_type=10 1
left_child=-1 -2
right_child=1 -3
leaf_value=-0.5 0.25 0.75
cat_boundaries=0 1
cat_threshold=10
shrinkage=1

Tree=1
num_leaves=1
num_cat=0
split_feature=
threshold=
decision_type=
left_child=
right_child=
leaf_value=0.125
shrinkage=1

end of trees
`;

/** The note's model with tree 0's categorical split made numerical (f1 <= 2.5, missing type None). */
const NOTES_NUMERICAL = NOTES_MODEL.replace('num_cat=1', 'num_cat=0')
  .replace('threshold=1.5 0', 'threshold=1.5 2.5')
  .replace('decision_type=10 1', 'decision_type=10 0')
  .replace('cat_boundaries=0 1\ncat_threshold=10\n', '');

/** The note's inputs (f0, f1) and the raw scores the LightGBM 4.6.0 CLI gave for them. */
const NOTE_CASES: [number, number, number][] = [
  [1.0, 0, -0.375],
  [1.5, 0, -0.375],
  [1.5000001, 1, 0.375],
  [2, 2, 0.875],
  [Number.NaN, 2, -0.375],
  [2, Number.NaN, 0.875],
  [2, -1, 0.875],
  [2, 3.7, 0.375],
];

/**
 * A model in the shape LightGBM 4.x writes after `lgb.train` (3 classes, one round): statistics,
 * `tree_sizes`, thresholds at bin midpoints and LightGBM's zero-bin bound 1.0000000180025095e-35,
 * missing types None (0), NaN default right (8) and NaN default left (10).
 */
function lightgbmStyleMulticlass(): string {
  const trees = [
    'num_leaves=3\nnum_cat=0\nsplit_feature=2 0\nsplit_gain=120.5 33.25\nthreshold=1.0000000180025095e-35 0.55000000000000004\ndecision_type=2 8\nleft_child=-1 -2\nright_child=1 -3\nleaf_value=-1.0986122886681098 -0.9 -1.3\nleaf_weight=40 30.5 29.5\nleaf_count=40 31 29\ninternal_value=-1.09861 -1.1\ninternal_weight=100 60\ninternal_count=100 60\nis_linear=0\nshrinkage=1\n',
    'num_leaves=2\nnum_cat=0\nsplit_feature=1\nsplit_gain=10\nthreshold=-0.25\ndecision_type=10\nleft_child=-1\nright_child=-2\nleaf_value=-1.2 -1.0\nleaf_weight=50 50\nleaf_count=50 50\ninternal_value=-1.09861\ninternal_weight=100\ninternal_count=100\nis_linear=0\nshrinkage=1\n',
    'num_leaves=2\nnum_cat=0\nsplit_feature=0\nsplit_gain=7\nthreshold=1.7500000000000002\ndecision_type=0\nleft_child=-1\nright_child=-2\nleaf_value=-0.95 -1.4\nleaf_weight=70 30\nleaf_count=70 30\ninternal_value=-1.09861\ninternal_weight=100\ninternal_count=100\nis_linear=0\nshrinkage=1\n',
  ].map((t, i) => `Tree=${i}\n${t}\n\n`);
  return (
    'tree\nversion=v4\nnum_class=3\nnum_tree_per_iteration=3\nlabel_index=0\nmax_feature_idx=2\n' +
    'objective=multiclass num_class:3\nfeature_names=Column_0 Column_1 Column_2\n' +
    'feature_infos=[-3:3] [-2:2] [0:1]\n' +
    `tree_sizes=${trees.map((t) => t.length).join(' ')}\n\n${trees.join('')}end of trees\n\n` +
    'feature_importances:\nColumn_0=2\nColumn_1=1\nColumn_2=1\n\nparameters:\n[boosting: gbdt]\n' +
    '[objective: multiclass]\n[learning_rate: 0.1]\n[num_class: 3]\n\nend of parameters\n\npandas_categorical:null\n'
  );
}

/** rows × cols of values near the given thresholds, zeros, tiny values and NaN. */
function probeRows(rows: number, cols: number, seed: number, near: readonly number[]): Float32Array {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) {
    const u = rand();
    const a = near[Math.floor(rand() * near.length)]!;
    x[i] =
      u < 0.1
        ? Number.NaN
        : u < 0.2
          ? 0
          : u < 0.5
            ? a
            : u < 0.7
              ? Math.fround(a * (1 + (rand() - 0.5) * 1e-6))
              : (rand() - 0.5) * 6;
  }
  return x;
}

test('the note model: the independent reader reproduces the LightGBM 4.6 CLI raw scores', () => {
  const m = readLightgbmText(NOTES_MODEL);
  for (const [f0, f1, raw] of NOTE_CASES) assert.equal(rawScore(m, [f0, f1])[0], raw, `f0=${f0} f1=${f1}`);
});

test('the note model: our predictor gives the LightGBM 4.6 CLI raw scores (categorical bitset, NaN)', () => {
  const model = fromLightgbmText(NOTES_MODEL);
  assert.deepEqual(model.lightgbm?.categorical, [1]);
  const x = Float32Array.from(NOTE_CASES.flatMap((c) => c.slice(0, 2)));
  const margins = predictMargins(model, x, NOTE_CASES.length, 2);
  NOTE_CASES.forEach(([f0, f1, raw], r) => {
    assert.equal(margins[r], raw, `f0=${f0} f1=${f1}`);
  });
});

test('a categorical model exports back with its bitsets, and still scores as the CLI did', () => {
  const text = toLightgbmText(fromLightgbmText(NOTES_MODEL));
  assert.match(
    text,
    /\nTree=0\nnum_leaves=3\nnum_cat=1\nsplit_feature=0 1\nsplit_gain=0 0\nthreshold=1.5 0\ndecision_type=10 1\nleft_child=-1 -2\nright_child=1 -3\n/,
  );
  assert.match(text, /\ninternal_count=0 0\ncat_boundaries=0 1\ncat_threshold=10\nis_linear=0\n/);
  assert.match(text, /\nobjective=binary sigmoid:1\nfeature_names=f0 f1\nfeature_infos=\[0:3\] 0:1:2:3\n/);
  const ref = readLightgbmText(text);
  for (const [f0, f1, raw] of NOTE_CASES) assert.equal(rawScore(ref, [f0, f1])[0], raw, `f0=${f0} f1=${f1}`);
});

test('LightGBM-written trees export with their own thresholds, decision types and counts', () => {
  const original = lightgbmStyleMulticlass();
  const text = toLightgbmText(fromLightgbmText(original));
  const fields = (t: string, key: string) => t.split('\n').filter((l) => l.startsWith(`${key}=`));
  for (const key of [
    'num_leaves',
    'num_cat',
    'split_feature',
    'threshold',
    'decision_type',
    'left_child',
    'right_child',
    'leaf_count',
    'internal_count',
    'objective',
    'feature_infos',
    'num_tree_per_iteration',
  ])
    assert.deepEqual(fields(text, key), fields(original, key), key);
  readLightgbmText(text);
});

test('multiclassova: per-class sigmoid (sigmoid:2 folded into the leaves), as the reader computes it', () => {
  const text = lightgbmStyleMulticlass().replace(
    'objective=multiclass num_class:3',
    'objective=multiclassova num_class:3 sigmoid:2',
  );
  const model = fromLightgbmText(text);
  assert.equal(model.lightgbm?.objective, 'multiclassova num_class:3 sigmoid:1');
  const ref = readLightgbmText(text);
  const rows = 500;
  const x = probeRows(rows, 3, 11, [0.55, -0.25, 1.75]);
  const ours = predict(model, { rows, cols: 3, features: x });
  for (let r = 0; r < rows; r++) {
    const theirs = predictRow(ref, x.subarray(r * 3, r * 3 + 3));
    for (let c = 0; c < 3; c++)
      assert.ok(Math.abs(ours[r * 3 + c]! - theirs[c]!) < 1e-6, `row ${r} class ${c}`);
  }
});

test('a numerical LightGBM model scores as LightGBM decides (<=, missing None, 1-leaf tree)', () => {
  const model = fromLightgbmText(NOTES_NUMERICAL);
  assert.equal(model.objective, 'binary:logistic');
  assert.equal(model.numFeature, 2);
  assert.deepEqual(model.featureNames, ['f0', 'f1']);
  const ref = readLightgbmText(NOTES_NUMERICAL);
  const rows: [number, number][] = [
    [1.5, 0],
    [Math.fround(1.5000001), 0],
    [2, 2.5],
    [2, Math.fround(2.5000002)],
    [Number.NaN, 9],
    [2, Number.NaN], // missing type None: NaN is read as 0 → left
    [-1, -1],
  ];
  const features = Float32Array.from(rows.flat());
  const margins = predictMargins(model, features, rows.length, 2);
  rows.forEach((row, r) => {
    assert.equal(margins[r], rawScore(ref, row)[0], `row ${row}`);
  });
});

test('LightGBM-written multiclass: our predictor equals the independent reader on 2000 probe rows', () => {
  const text = lightgbmStyleMulticlass();
  const model = fromLightgbmText(text);
  assert.equal(model.objective, 'multi:softprob');
  assert.equal(model.numClass, 3);
  assert.deepEqual(model.treeInfo, [0, 1, 2]);
  assert.equal(model.params['learning_rate'], '0.1');
  const ref = readLightgbmText(text);
  const rows = 2000;
  const x = probeRows(rows, 3, 5, [1.0000000180025095e-35, 0.55, -0.25, 1.75, 1]);
  const ours = predict(model, { rows, cols: 3, features: x });
  for (let r = 0; r < rows; r++) {
    const theirs = predictRow(ref, x.subarray(r * 3, r * 3 + 3));
    for (let c = 0; c < 3; c++)
      assert.ok(
        Math.abs(ours[r * 3 + c]! - theirs[c]!) < 1e-6,
        `row ${r} class ${c}: ${ours[r * 3 + c]} vs ${theirs[c]}`,
      );
  }
});

test('ours → LightGBM text → ours keeps every margin bit for bit', () => {
  const rows = 3000;
  const x = awkwardData(rows, 99);
  for (const [name, m] of Object.entries(HAND)) {
    const back = fromLightgbmText(toLightgbmText(m));
    assert.deepEqual(
      back.featureNames,
      m.featureNames?.map((s) => s.replace(/\s/g, '_')) ?? ['Column_0', 'Column_1', 'Column_2', 'Column_3'],
    );
    assert.deepEqual(back.params, m.params);
    assert.deepEqual(predictMargins(back, x, rows, 4), predictMargins(m, x, rows, 4), name);
    // And once more: the second export is the first, byte for byte, apart from base-score folding.
    assert.equal(toLightgbmText(fromLightgbmText(toLightgbmText(back))), toLightgbmText(back), name);
  }
});

test('sigmoid ≠ 1 and average_output fold into the leaves; unsupported objectives are refused', () => {
  const base = NOTES_NUMERICAL;
  const x = Float32Array.of(1, 0, 2, 3);
  const p1 = predict(fromLightgbmText(base), { rows: 2, cols: 2, features: x });
  const s2 = base.replace('sigmoid:1', 'sigmoid:2');
  const p2 = predict(fromLightgbmText(s2), { rows: 2, cols: 2, features: x });
  const ref = readLightgbmText(s2);
  for (let r = 0; r < 2; r++) {
    assert.ok(Math.abs(p2[r]! - predictRow(ref, x.subarray(r * 2, r * 2 + 2))[0]!) < 1e-7);
    assert.notEqual(p2[r], p1[r]);
  }
  const rf = fromLightgbmText(base.replace('feature_names=', 'average_output\nfeature_names='));
  const m = predictMargins(rf, x, 2, 2);
  const raw = predictMargins(fromLightgbmText(base), x, 2, 2);
  for (let r = 0; r < 2; r++) assert.ok(Math.abs(m[r]! - raw[r]! / 2) < 1e-7);
  assert.throws(
    () => fromLightgbmText(base.replace('binary sigmoid:1', 'lambdamart_x')),
    /line 7: objective "lambdamart_x"/,
  );
  assert.throws(() => fromLightgbmText(base.replace('binary sigmoid:1', 'regression sqrt')), /sqrt/);
});

test('malformed texts name the line', () => {
  const bad: [string, RegExp][] = [
    ['{"learner":{}}', /line 1: the first line must be "tree"/],
    [NOTES_NUMERICAL.replace('num_class=1\n', ''), /missing num_class=/],
    [NOTES_NUMERICAL.replace('feature_names=f0 f1', 'feature_names=f0'), /line 8: 1 feature names/],
    [NOTES_NUMERICAL.replace('left_child=-1 -2', 'left_child=-1 0'), /reached twice|do not form/],
    [NOTES_NUMERICAL.replace('split_feature=0 1', 'split_feature=0 7'), /feature 7 is outside/],
    [
      NOTES_NUMERICAL.replace('leaf_value=-0.5 0.25 0.75', 'leaf_value=-0.5 x 0.75'),
      /line 19: leaf_value\[1\]: bad number "x"/,
    ],
    [NOTES_NUMERICAL.replace('Tree=1', 'Tree=4'), /expected Tree=1, got Tree=4/],
    [NOTES_NUMERICAL.replace('decision_type=10 0', 'decision_type=10 4'), /missing type Zero/],
  ];
  for (const [text, re] of bad)
    assert.throws(
      () => fromLightgbmText(text),
      (e: unknown) => e instanceof DtrainError && re.test(e.message),
      String(re),
    );
});

test('dtrain predict reads LightGBM text and gives the XGBoost JSON predictions of the same model', async () => {
  const rows = 400;
  const x = awkwardData(rows, 7);
  const cell = (v: number) => (Number.isNaN(v) ? '' : String(v));
  const csv = [
    'a,b,c,d',
    ...Array.from({ length: rows }, (_, r) => Array.from(x.subarray(r * 4, r * 4 + 4), cell).join(',')),
  ];
  const data = join(dir, 'data.csv');
  writeFileSync(data, `${csv.join('\n')}\n`);
  for (const [name, m] of Object.entries(HAND)) {
    const json = join(dir, `${name}.json`);
    const txt = join(dir, `${name}.txt`);
    writeFileSync(json, toXgboostJson(m));
    writeFileSync(txt, toLightgbmText(m));
    const a = await predictFile(json, data, { label: null });
    const b = await predictFile(txt, data, { label: null });
    assert.deepEqual(b.header, a.header, name);
    for (let r = 0; r < rows; r++) assert.equal(b.line(r), a.line(r), `${name} row ${r}`);
  }
  writeFileSync(join(dir, 'junk.txt'), 'trees\nnum_class=1\n');
  await assert.rejects(predictFile(join(dir, 'junk.txt'), data), /expected XGBoost JSON or LightGBM text/);
});

test('threshold=inf (NaN against every value) reads as +inf and writes back as inf', () => {
  // The note's numerical model with f0's split made LightGBM's NaN-vs-rest split (default right).
  const text = NOTES_NUMERICAL.replace('threshold=1.5 2.5', 'threshold=inf 2.5').replace(
    'decision_type=10 0',
    'decision_type=8 0',
  );
  const model = fromLightgbmText(text);
  assert.equal(model.trees[0]!.splitConditions[0], Number.POSITIVE_INFINITY);
  // Every number goes left (leaf −0.5), NaN right; tree 1 adds 0.125.
  const features = Float32Array.from([1e30, 0, -3.4e38, 0, Number.NaN, 0]);
  assert.deepEqual(Array.from(predictMargins(model, features, 3, 2)), [-0.375, -0.375, 0.375]);
  assert.match(toLightgbmText(model), /\nthreshold=inf 2\.5\ndecision_type=8 0\n/);
});
