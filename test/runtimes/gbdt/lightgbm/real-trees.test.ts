/**
 * The LightGBM flavour tree for tree against the real LightGBM 4.6 CLI on real data: scikit-learn's
 * breast_cancer, diabetes, wine, digits and the generated `odd` set (NaN, ±inf, ±1e30, a constant and
 * an all-NaN column, a categorical column; test/helpers/real-sets.ts), 300 iterations each, leaf-wise
 * with 31 and 255 leaves. Both read the same CSV; our model is exported to LightGBM text and both texts
 * are parsed by the independent reader, then every tree must agree: leaf count, split features,
 * decision types, children, thresholds (exact double), categorical sets, rows per leaf, leaf values
 * (1e-9 relative). Tolerances: tree-diff.ts.
 *
 * GOSS samples rows with its own random generator in each (ours is not LightGBM's), so GOSS is
 * compared on the test metric, not tree for tree.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { readDataset } from '../../../../runtimes/data/index.js';
import { toLightgbmText } from '../../../../runtimes/gbdt/lightgbm/model.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { binaryAuc } from '../../../../runtimes/gbdt/core/metrics.js';
import { predict } from '../../../../runtimes/gbdt/predict/predict.js';
import { tempDir } from '../../../helpers/dtrain-process.js';
import { lightgbmPredict, lightgbmTrain, needLightgbm } from '../../../helpers/lightgbm-cli.js';
import { readLightgbmText } from '../../../helpers/lightgbm-text-reader.js';
import { LGB_CSV, type RealSet, writeRealSets } from '../../../helpers/real-sets.js';
import { xgboostProblem } from '../../../helpers/xgboost-py.js';
import { lgbModelDiff } from '../tree-diff.js';

const ITERATIONS = 300;
const dir = tempDir('dtrain-lgb-trees-');
const sets = xgboostProblem() === '' ? writeRealSets(dir) : new Map<string, RealSet>();
after(() => rmSync(dir, { recursive: true, force: true }));

const OBJECTIVE = { binary: 'binary', regression: 'regression', multiclass: 'multiclass' } as const;

/** The parameters both get (LightGBM's defaults written out where ours could differ). */
function paramsFor(set: RealSet, extra: Record<string, string | number>): Record<string, string | number> {
  return {
    objective: OBJECTIVE[set.task],
    ...(set.task === 'multiclass' ? { num_class: set.classes } : {}),
    num_iterations: ITERATIONS,
    learning_rate: 0.1,
    max_bin: 255,
    ...extra,
  };
}

function ours(p: Record<string, string | number>, set: RealSet) {
  return parseLgbParams({ ...p, num_threads: 1, categorical_feature: [...set.categorical] });
}

function cli(p: Record<string, string | number>, set: RealSet) {
  return {
    ...LGB_CSV,
    ...p,
    ...(set.categorical.length
      ? { categorical_feature: set.categorical.map((c) => `name:${c}`).join(',') }
      : {}),
  };
}

// 255 leaves need leaves of a few rows: min_data_in_leaf 2 on the sets with the most rows.
const CASES: [string, Record<string, string | number>][] = [
  ['breast_cancer', { num_leaves: 31 }],
  ['diabetes', { num_leaves: 31 }],
  ['diabetes', { num_leaves: 255, min_data_in_leaf: 2 }],
  ['wine', { num_leaves: 31, min_data_in_leaf: 5 }],
  ['digits', { num_leaves: 31 }],
  ['odd', { num_leaves: 31 }],
  ['odd', { num_leaves: 255, min_data_in_leaf: 2 }],
];

/**
 * Where our trees still part from LightGBM's, with the cause as far as it is known. NOT differences
 * on purpose: open work (issue 15). Each case must match tree for tree up to that tree; a first
 * difference any earlier fails the test, and a case that matches further should move its entry on.
 * The held-out metrics and LightGBM's scoring of our models are checked for every set by the
 * real-data matrix (test/e2e/real-data-matrix.test.ts).
 */
const PARTS_AT: Record<string, { tree: number; why: string }> = {
  'diabetes 255 leaves': {
    tree: 8,
    why:
      'a split of 8 rows on f9 either side of its empty zero bin (ours <= 0.0051, LightGBM <= -1e-35): ' +
      'thresholds around one empty bin; the gains differ by the rounding FixHistogram leaves there, ' +
      'and LightGBM scores the lower threshold higher. Not traced further',
  },
  'digits 31 leaves': {
    tree: 4,
    why:
      'ours splits two leaves LightGBM leaves whole with gains of 1.8e-15, rounding noise (23 leaves ' +
      'vs 21); FixHistogram alone does not change it',
  },
  'odd 255 leaves': {
    tree: 5,
    why:
      'a split of 8 rows on x1 either side of its empty zero bin (ours <= 0.0254, LightGBM <= -1e-35), ' +
      'as diabetes at 255 leaves: thresholds around one empty bin, gains apart by rounding. Not traced further',
  },
};

/** The tree a tree-diff message names (`… tree N …`). */
const treeOf = (diff: string): number => Number(/ tree (\d+)/.exec(diff)?.[1] ?? Number.NaN);

for (const [name, extra] of CASES) {
  test(`${name}, ${extra['num_leaves']} leaves: ${ITERATIONS} iterations tree for tree as LightGBM 4.6`, async (t) => {
    if (!needLightgbm(t)) return;
    const set = sets.get(name)!;
    const p = paramsFor(set, extra);
    const label = `${name} ${extra['num_leaves']} leaves`;
    const theirs = readLightgbmText(lightgbmTrain(dir, set.all, cli(p, set)));
    const data = await readDataset(set.all, { label: 'label', keepDoubles: true });
    const model = await trainLightgbm({ train: data, params: ours(p, set) });
    const mine = readLightgbmText(toLightgbmText(model));
    // Structure first (leaf values ignored), so a leaf-value difference does not hide where trees part.
    const worst = { rel: 0 };
    const structure = lgbModelDiff(mine, theirs, label, Number.POSITIVE_INFINITY, worst);
    const values = lgbModelDiff(mine, theirs, label);
    const leaves = theirs.trees.reduce((a, tr) => Math.max(a, tr.numLeaves), 0);
    t.diagnostic(
      `${label}: ${theirs.trees.length} trees (largest ${leaves} leaves), ours ${mine.trees.length}; ` +
        `first structural difference: ${structure ?? 'none'}; largest relative leaf difference before it ${worst.rel.toExponential(2)}`,
    );
    const known = PARTS_AT[label];
    if (known === undefined) {
      assert.equal(structure, undefined);
      assert.equal(values, undefined);
      return;
    }
    t.diagnostic(`${label}: known to part at tree ${known.tree}: ${known.why}`);
    for (const diff of [structure, values])
      if (diff !== undefined)
        assert.ok(treeOf(diff) >= known.tree, `parts earlier than tree ${known.tree}: ${diff}`);
  });
}

test('GOSS (seed 5): test AUC within 0.01 of LightGBM GOSS on odd, and both near plain leaf-wise', async (t) => {
  if (!needLightgbm(t)) return;
  const set = sets.get('odd')!;
  const test = await readDataset(set.test, { label: 'label' });
  const train = await readDataset(set.train, { label: 'label', keepDoubles: true });
  const auc = (scores: ArrayLike<number>) => binaryAuc(Float32Array.from(scores), test.labels);
  const results: Record<string, { ours: number; theirs: number }> = {};
  for (const [mode, extra] of [
    ['plain', {}],
    ['goss', { data_sample_strategy: 'goss', seed: 5 }],
  ] as const) {
    const p = paramsFor(set, { num_leaves: 31, ...extra });
    const model = await trainLightgbm({ train, params: ours(p, set) });
    const file = `${dir}/odd-${mode}.model.txt`;
    writeFileSync(file, lightgbmTrain(dir, set.train, cli(p, set)));
    const theirs = lightgbmPredict(dir, file, set.test, LGB_CSV).map((r) => r[0]!);
    results[mode] = { ours: auc(predict(model, test)), theirs: auc(theirs) };
  }
  t.diagnostic(`test AUC: ${JSON.stringify(results)}`);
  const { plain, goss } = results as Record<'plain' | 'goss', { ours: number; theirs: number }>;
  // 750 test rows: AUC's sampling noise between two differently sampled GOSS runs is ~0.005.
  assert.ok(Math.abs(goss.ours - goss.theirs) <= 0.01, JSON.stringify(goss));
  assert.ok(Math.abs(goss.ours - plain.ours) <= 0.02, `ours: goss ${goss.ours} vs plain ${plain.ours}`);
});

/** 2,000 rows: a constant column, a constant one with NaN, 4 categories (no NaN), a uniform column. */
function fourCategories(): string {
  let s = 7;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const lines = ['label,a,b,c,d'];
  for (let i = 0; i < 2000; i++) {
    const c = Math.floor(rnd() * 4);
    const d = rnd();
    const y = ((c === 1 || c === 2) !== rnd() < 0.15) !== (d > 0.8 && rnd() < 0.5) ? 1 : 0;
    lines.push(`${y},1.5,${i % 2 ? '' : '1.5'},${c},${d}`);
  }
  const file = `${dir}/four-categories.csv`;
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

test('4 categories, no NaN: sorted split with cat_l2 outputs, decision_type 1, feature_infos as LightGBM', async (t) => {
  if (!needLightgbm(t)) return;
  // num_bin 5 (the NaN bin and 4 categories) > max_cat_to_onehot: a sorted split, whose sides take
  // lambda_l2 + cat_l2; with 3 leaves one side stays a leaf. No NaN and every category binned: missing
  // type None (decision_type 1). The constant column is `none`, the constant one with NaN a range.
  const file = fourCategories();
  const p = { objective: 'binary', num_iterations: 5, num_leaves: 3, learning_rate: 0.1 };
  const theirs = readLightgbmText(
    lightgbmTrain(dir, file, { ...LGB_CSV, ...p, categorical_feature: 'name:c' }),
  );
  const data = await readDataset(file, { label: 'label', keepDoubles: true });
  const model = await trainLightgbm({
    train: data,
    params: parseLgbParams({ ...p, num_threads: 1, categorical_feature: ['c'] }),
  });
  const mine = readLightgbmText(toLightgbmText(model));
  assert.equal(theirs.trees[0]!.decisionType[0], 1, 'LightGBM splits the root on the categories');
  assert.equal(lgbModelDiff(mine, theirs, 'four categories'), undefined);
  const infos = (m: typeof mine) => m.header.find(([k]) => k === 'feature_infos')?.[1];
  assert.equal(infos(mine), infos(theirs));
  assert.match(infos(mine) ?? '', /^none \[1\.5:1\.5\] -1:/);
});
