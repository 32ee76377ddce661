import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  float32ThresholdOf,
  formatG,
  lightgbmThresholdOf,
} from '../../../../runtimes/gbdt/lightgbm/model-numbers.js';
import { toLightgbmText } from '../../../../runtimes/gbdt/lightgbm/model.js';
import { outputsOf, predict } from '../../../../runtimes/gbdt/predict/predict.js';
import type { GbdtModel } from '../../../../runtimes/gbdt/core/types.js';
import { predictRow, readLightgbmText } from '../../../helpers/lightgbm-text-reader.js';
import { awkwardData, handModel, tree } from '../model-json-fixtures.js';

const HAND: Record<string, GbdtModel> = {
  binary: handModel('binary:logistic', 0, 0.3, 3),
  regression: handModel('reg:squarederror', 0, 2.75, 2),
  softprob: handModel('multi:softprob', 3, 0.5, 2),
  poisson: handModel('count:poisson', 0, 1.5, 3),
};

/** rows × 4: the awkward values (thresholds, their neighbours, NaN) and uniform noise. */
function mixedData(rows: number, seed: number): Float32Array {
  const x = awkwardData(rows, seed);
  let s = seed;
  for (let i = 0; i < x.length; i += 3) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s / 2 ** 32 - 0.5) * 8;
  }
  return x;
}

test('%g printing matches C printf for the precisions LightGBM writes', () => {
  const cases: [number, number, string][] = [
    [0.1, 17, '0.10000000000000001'],
    [1.75 + 2 ** -52, 17, '1.7500000000000002'],
    [0.5, 17, '0.5'],
    [1e-8, 6, '1e-08'],
    [123456789, 6, '1.23457e+08'],
    [100000, 6, '100000'],
    [1e6, 6, '1e+06'],
    [0.0001, 6, '0.0001'],
    [0.00001234, 6, '1.234e-05'],
    [-2.5, 6, '-2.5'],
    [0, 6, '0'],
    [3.4028234663852886e38, 17, '3.4028234663852886e+38'],
    [7.006492321624085e-45, 17, '7.0064923216240854e-45'],
    [99999.95, 6, '99999.9'], // the double is 99999.94999…
    [999999.5, 6, '1e+06'],
    // Exact halves round to even, as C does (JS's toExponential/toFixed round them up).
    [1234565, 6, '1.23456e+06'],
    [1234575, 6, '1.23458e+06'],
    [9999995, 6, '1e+07'],
    [123456.5, 6, '123456'],
    [-(1772692762315273 + 0.25), 17, '-1772692762315273.2'],
    [0.125, 2, '0.12'],
    [5e-324, 17, '4.9406564584124654e-324'],
  ];
  for (const [x, p, s] of cases) assert.equal(formatG(x, p), s, `${x} %.${p}g`);
  for (let i = 1; i < 2000; i++) {
    const x = Math.sin(i) * 10 ** ((i % 60) - 30);
    assert.equal(Number(formatG(x, 17)), x, `%.17g round trip of ${x}`);
  }
});

test('thresholds: x < t (float32) ⇔ x <= lightgbmThresholdOf(t), for float32 and double inputs', () => {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const neighbours = (t: number) => {
    f32[0] = t;
    const b = u32[0]!;
    const out: number[] = [];
    for (const d of [-2, -1, 0, 1, 2]) {
      u32[0] = b + d;
      out.push(f32[0]!);
    }
    return out;
  };
  const ts = [
    0.1,
    1,
    -2.5,
    1e-8,
    0.3333333,
    -1e-30,
    7.006492e-45,
    3.4028234e38,
    -3.4028234e38,
    0,
    1.5,
    2 ** 24,
  ];
  for (const t0 of ts) {
    const t = Math.fround(t0);
    const thr = lightgbmThresholdOf(t);
    assert.ok(thr < t, `threshold below ${t}`);
    assert.equal(float32ThresholdOf(thr), t === 0 ? 0 : t, `float32ThresholdOf inverts for ${t}`);
    for (const x of [...neighbours(t), ...neighbours(-t)].filter(Number.isFinite))
      assert.equal(x <= thr, x < t, `float32 x=${x}, t=${t}`);
    // Doubles near the rounding boundary: our readers round to float32 first.
    for (const x of [thr, thr * (1 + 1e-16), thr * (1 - 1e-16), (thr + t) / 2, t, Number(String(t))])
      assert.equal(x <= thr, Math.fround(x) < t, `double x=${x}, t=${t}`);
  }
  // LightGBM's own thresholds: midpoints written with 17 digits, and its zero-bin bounds.
  for (const thr of [1.7500000000000002, 0.5, -1.0000000180025095e-35, 1.0000000180025095e-35, 1e300, -1e300])
    for (const x of [...neighbours(Math.fround(thr)), 0, -0].filter(Number.isFinite))
      assert.equal(x < float32ThresholdOf(thr), x <= thr, `LightGBM thr=${thr}, x=${x}`);
});

test('the text follows SaveModelToString: header keys in order, tree fields in order, sections', () => {
  const text = toLightgbmText(HAND['binary']!);
  const lines = text.split('\n');
  const keys = lines.slice(0, lines.indexOf('')).map((l) => l.split('=')[0]);
  assert.deepEqual(keys, [
    'tree',
    'version',
    'num_class',
    'num_tree_per_iteration',
    'label_index',
    'max_feature_idx',
    'objective',
    'feature_names',
    'feature_infos',
    'tree_sizes',
  ]);
  assert.match(text, /^tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\n/);
  assert.match(
    text,
    /\nmax_feature_idx=3\nobjective=binary sigmoid:1\nfeature_names=Column_0 Column_1 Column_2 Column_3\n/,
  );
  const model = readLightgbmText(text);
  assert.equal(model.trees.length, 3);
  for (const t of model.trees)
    assert.deepEqual(
      t.fields.map(([k]) => k),
      [
        'num_leaves',
        'num_cat',
        'split_feature',
        'split_gain',
        'threshold',
        'decision_type',
        'left_child',
        'right_child',
        'leaf_value',
        'leaf_weight',
        'leaf_count',
        'internal_value',
        'internal_weight',
        'internal_count',
        'is_linear',
        'shrinkage',
      ],
    );
  assert.match(text, /\nshrinkage=1\n\n\nTree=1\n/); // tree 0 carries the base margin
  assert.match(text, /\nshrinkage=0\.3\n\n\nend of trees\n\nfeature_importances:\n/);
  assert.match(
    text,
    /\nparameters:\n\[eta: 0\.3\]\n\[max_depth: 3\]\n\nend of parameters\n\npandas_categorical:null\n$/,
  );
  // awkwardTree in preorder: internal 0, 1, 4, 2 (NaN left, right, left, left); leaves 3, 7, 8, 5, 6.
  assert.deepEqual(model.trees[0]!.decisionType, [10, 8, 10, 10]);
  assert.deepEqual(model.trees[0]!.leftChild, [1, -1, -2, -4]);
  assert.deepEqual(model.trees[0]!.rightChild, [3, 2, -3, -5]);
});

test('tree_sizes are the exact byte lengths of the Tree= blocks', () => {
  for (const [name, m] of Object.entries(HAND)) {
    const text = toLightgbmText({ ...m, featureNames: ['ä', 'größe', 'x"q', 'w w'] });
    const sizes = /\ntree_sizes=([0-9 ]+)\n/.exec(text)![1]!.split(' ').map(Number);
    const bytes = Buffer.from(text);
    let at = bytes.indexOf('\n\nTree=0\n') + 2;
    sizes.forEach((size, i) => {
      assert.equal(
        bytes.subarray(at, at + 6 + String(i).length).toString(),
        `Tree=${i}\n`,
        `${name} tree ${i}`,
      );
      at += size;
    });
    assert.equal(bytes.subarray(at, at + 13).toString(), 'end of trees\n', name);
    assert.match(text, /\nfeature_names=ä größe x"q w_w\n/);
    readLightgbmText(text); // checks them again, LightGBM's way
  }
});

test('an independent reader predicts our export as our predictor does (NaNs, ties, 4 objectives)', () => {
  const rows = 3000;
  const features = mixedData(rows, 17);
  for (const [name, m] of Object.entries(HAND)) {
    const ours = predict(m, { rows, cols: 4, features });
    const k = outputsOf(m);
    const text = readLightgbmText(toLightgbmText(m));
    for (let r = 0; r < rows; r++) {
      const theirs = predictRow(text, features.subarray(r * 4, r * 4 + 4));
      for (let c = 0; c < k; c++) {
        const a = ours[r * k + c]!;
        const b = theirs[c]!;
        if (!(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))))
          assert.fail(`${name} row ${r} output ${c}: ours ${a}, reader ${b}`);
      }
    }
  }
});

test('the base margin is folded into the first tree of every class', () => {
  const m = HAND['softprob']!;
  const text = readLightgbmText(toLightgbmText(m));
  assert.equal(text.numClass, 3);
  assert.equal(text.treesPerIteration, 3);
  assert.equal(text.objective, 'multiclass num_class:3');
  // Leaves of awkwardTree, left to right.
  const leaves = (i: number) => [3, 7, 8, 5, 6].map((n) => m.trees[i]!.splitConditions[n]!);
  for (let i = 0; i < 6; i++)
    assert.deepEqual(
      text.trees[i]!.leafValue,
      leaves(i).map((v) => (i < 3 ? v + 0.5 : v)),
      `tree ${i}`,
    );
  // Regression with base_score 2.75: a row's raw score is the base plus its leaves.
  const reg = readLightgbmText(toLightgbmText(HAND['regression']!));
  assert.deepEqual(
    reg.trees[0]!.leafValue,
    leaves(0).map((v) => v + 2.75),
  );
});

test('a model without trees becomes one constant tree per output; a bare leaf is a 1-leaf tree', () => {
  const m: GbdtModel = { ...HAND['binary']!, trees: [], treeInfo: [], baseScore: 0.25 };
  const text = toLightgbmText(m);
  assert.match(text, /\nTree=0\nnum_leaves=1\nnum_cat=0\nsplit_feature=\nsplit_gain=\nthreshold=\n/);
  const p = predictRow(readLightgbmText(text), [0, 0, 0, 0]);
  assert.ok(Math.abs(p[0]! - 0.25) < 1e-7);
  const stump: GbdtModel = { ...HAND['regression']!, trees: [tree([{ leaf: 0.5 }])], treeInfo: [0] };
  assert.deepEqual(readLightgbmText(toLightgbmText(stump)).trees[0]!.leafValue, [3.25]);
});

test('feature infos, objective line and parameters come from the caller when given', () => {
  const text = toLightgbmText(HAND['regression']!, {
    featureInfos: ['[0:1]', 'none', '1:2:3', '[-5:5]'],
    objectiveLine: 'huber alpha:0.9',
  });
  assert.match(
    text,
    /\nobjective=huber alpha:0\.9\nfeature_names=age height_cm x"q w\nfeature_infos=\[0:1\] none 1:2:3 \[-5:5\]\n/,
  );
  assert.throws(
    () => toLightgbmText(HAND['regression']!, { featureInfos: ['none'] }),
    /1 feature infos for 4/,
  );
});

test('export refuses trees LightGBM cannot express', () => {
  const m = HAND['softprob']!;
  assert.throws(() => toLightgbmText({ ...m, treeInfo: [0, 2, 1, 0, 1, 2] }), /tree 1 belongs to output 2/);
  assert.throws(
    () => toLightgbmText({ ...m, trees: m.trees.slice(0, 4), treeInfo: [0, 1, 2, 0] }),
    /whole number/,
  );
  const bad = tree([{ f: 0, t: Number.NaN, dl: 1, l: 1, r: 2 }, { leaf: 1 }, { leaf: 2 }]);
  assert.throws(
    () => toLightgbmText({ ...HAND['regression']!, trees: [bad], treeInfo: [0] }),
    /threshold NaN/,
  );
});
