/**
 * Thresholds and infinities against the real LightGBM 4.6 CLI (test/helpers/lightgbm-cli.ts): our
 * LightGBM-flavour models load in LightGBM and score as `dtrain predict` scores them, LightGBM's own
 * models (threshold=inf included) score in `dtrain predict` as in LightGBM, and on sklearn's diabetes
 * our thresholds are LightGBM's, digit for digit. Data goes through CSV files both read, so both see
 * the same text: LightGBM's parser (Common::Atof) and ours with `keepDoubles`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readCsv } from '../../../../runtimes/data/csv.js';
import { toLightgbmText } from '../../../../runtimes/gbdt/lightgbm/model.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { predictFile } from '../../../../runtimes/predict/predict-file.js';
import { lightgbmPredict, lightgbmTrain, needLightgbm } from '../../../helpers/lightgbm-cli.js';
import { needXgboost, runPython } from '../../../helpers/xgboost-py.js';

const dir = mkdtempSync(join(tmpdir(), 'dtrain-lightgbm-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes rows (label first) as CSV; NaN as `nan`, numbers as JavaScript prints them (shortest). */
function writeCsv(name: string, rows: readonly (readonly number[])[]): string {
  const text = rows.map((r) => r.map((v) => (Number.isNaN(v) ? 'nan' : String(v))).join(',')).join('\n');
  writeFileSync(join(dir, name), `${text}\n`);
  return name;
}

/** `dtrain predict`'s values (the last column) for a model and a CSV whose column 0 is the label. */
async function dtrainPredict(model: string, data: string): Promise<number[]> {
  const p = await predictFile(join(dir, model), join(dir, data), { label: 0 });
  return Array.from({ length: p.rows }, (_, r) => Number(p.line(r).split(',').pop()));
}

/** Trains the LightGBM flavour on a CSV as the lightgbm framework reads it, writes model text. */
async function trainOurs(data: string, params: Record<string, unknown>, model: string): Promise<string> {
  const train = await readCsv(join(dir, data), { header: false, label: 0, keepDoubles: true });
  const m = await trainLightgbm({ train, params: parseLgbParams({ num_threads: 1, ...params }) });
  const text = toLightgbmText(m);
  writeFileSync(join(dir, model), text);
  return text;
}

function assertClose(ours: readonly number[], theirs: readonly number[], what: string): void {
  assert.equal(ours.length, theirs.length, what);
  ours.forEach((a, r) => {
    const b = theirs[r]!;
    if (!(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))))
      assert.fail(`${what} row ${r}: dtrain ${a}, LightGBM ${b}`);
  });
}

/** Field `key` of every tree, split on spaces. */
function treeField(text: string, key: string): string[][] {
  return [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!.split(' '));
}

// 20 values around 0 (long decimals, so LightGBM's parser and float32 both matter) and 20 NaN rows.
const NAN_ROWS = Array.from({ length: 40 }, (_, i) =>
  i < 20 ? [0.1 * Math.sin(i), (i - 9.5) / 7 + Math.sin(i * 7) * 1e-3] : [5, Number.NaN],
);
const NAN_PARAMS = {
  objective: 'regression',
  num_leaves: 2,
  num_iterations: 1,
  min_data_in_leaf: 1,
  min_data_in_bin: 1,
};

test('NaN against every value: threshold=inf, as LightGBM writes it; LightGBM scores our model as dtrain does', async (t) => {
  if (!needLightgbm(t)) return;
  const data = writeCsv('nan40.csv', NAN_ROWS);
  const ours = await trainOurs(data, NAN_PARAMS, 'ours-nan.txt');
  const theirs = lightgbmTrain(dir, data, NAN_PARAMS);
  assert.deepEqual(treeField(ours, 'threshold'), [['inf']]);
  assert.deepEqual(treeField(ours, 'threshold'), treeField(theirs, 'threshold'));
  assert.deepEqual(treeField(ours, 'decision_type'), treeField(theirs, 'decision_type'));
  // LightGBM's own min and max of the data, read by its parser: 17 digits each.
  assert.deepEqual(treeField(ours, 'feature_infos'), treeField(theirs, 'feature_infos'));
  const probe = writeCsv('nan-probe.csv', [...NAN_ROWS, [0, 1e30], [0, -1e30], [0, 3e38], [0, 0]]);
  assertClose(
    await dtrainPredict('ours-nan.txt', probe),
    lightgbmPredict(dir, 'ours-nan.txt', probe).flat(),
    'ours',
  );
});

test("LightGBM's own threshold=inf model scores in dtrain predict as in LightGBM", async (t) => {
  if (!needLightgbm(t)) return;
  const data = writeCsv('nan40-real.csv', NAN_ROWS);
  const text = lightgbmTrain(dir, data, { ...NAN_PARAMS, num_iterations: 3, num_leaves: 3 });
  assert.ok(treeField(text, 'threshold').flat().includes('inf'), 'LightGBM split NaN against every value');
  writeFileSync(join(dir, 'real-nan.txt'), text);
  // 3.5e38 is no float32 (it reads as +inf there) but LightGBM's x <= inf sends it left.
  const probe = writeCsv('real-probe.csv', [...NAN_ROWS, [0, 1e30], [0, 3.5e38], [0, -3.5e38], [0, 1e-40]]);
  assertClose(
    await dtrainPredict('real-nan.txt', probe),
    lightgbmPredict(dir, 'real-nan.txt', probe).flat(),
    'real',
  );
});

test('a double input between a threshold and its float32 goes where LightGBM sends it', async (t) => {
  if (!needLightgbm(t)) return;
  // 0.300000005 is below the threshold 0.30000001, but its nearest float32 (0.3000000119) is above.
  const model = `tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=0
objective=regression
feature_names=x
feature_infos=[0:1]

Tree=0
num_leaves=2
num_cat=0
split_feature=0
threshold=0.30000001
decision_type=2
left_child=-1
right_child=-2
leaf_value=-1 1
shrinkage=1

end of trees
`;
  writeFileSync(join(dir, 'hand.txt'), model);
  const probe = writeCsv('hand-probe.csv', [
    [0, 0.300000005],
    [0, 0.30000001],
    [0, 0.300000011],
    [0, 0.3000000119],
    [0, 0.29999998],
  ]);
  const theirs = lightgbmPredict(dir, 'hand.txt', probe).flat();
  assert.deepEqual(theirs, [-1, -1, 1, 1, -1]);
  assertClose(await dtrainPredict('hand.txt', probe), theirs, 'hand');
});

test("sklearn's diabetes: LightGBM's thresholds digit for digit, and LightGBM scores our model as we do", async (t) => {
  if (!needLightgbm(t) || !needXgboost(t)) return;
  const { train, test: holdout } = runPython<{ train: number[][]; test: number[][] }>(`
from sklearn.datasets import load_diabetes
X, y = load_diabetes(return_X_y=True, scaled=False)
rows = [[float(a)] + [float(v) for v in b] for a, b in zip(y, X)]
emit({'train': rows[:331], 'test': rows[331:]})
`);
  const data = writeCsv('diabetes-train.csv', train);
  const probe = writeCsv('diabetes-test.csv', holdout);
  const params = { objective: 'regression', num_leaves: 15, num_iterations: 20, min_data_in_leaf: 5 };
  const ours = await trainOurs(data, params, 'ours-diabetes.txt');
  const theirs = lightgbmTrain(dir, data, params);
  assert.deepEqual(treeField(ours, 'feature_infos'), treeField(theirs, 'feature_infos'));
  // LightGBM numbers nodes in the order it split them, we in preorder: compare each tree's sets.
  const sorted = (xs: string[][]) => xs.map((x) => [...x].sort());
  const [ourFeatures, theirFeatures] = [
    sorted(treeField(ours, 'split_feature')),
    sorted(treeField(theirs, 'split_feature')),
  ];
  const [ourThresholds, theirThresholds] = [
    sorted(treeField(ours, 'threshold')),
    sorted(treeField(theirs, 'threshold')),
  ];
  let same = 0;
  ourFeatures.forEach((f, i) => {
    if (JSON.stringify(f) !== JSON.stringify(theirFeatures[i])) return;
    same++;
    assert.deepEqual(ourThresholds[i], theirThresholds[i], `tree ${i}`);
  });
  t.diagnostic(`${same} of ${ourFeatures.length} trees split on the same features`);
  assert.ok(same >= 1 && JSON.stringify(ourFeatures[0]) === JSON.stringify(theirFeatures[0]), 'tree 0 alike');
  assertClose(
    await dtrainPredict('ours-diabetes.txt', probe),
    lightgbmPredict(dir, 'ours-diabetes.txt', probe).flat(),
    'diabetes',
  );
});
