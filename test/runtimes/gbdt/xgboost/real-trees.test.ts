/**
 * The XGBoost flavour tree for tree against the real XGBoost 1.7 (hist) on real data: scikit-learn's
 * breast_cancer, diabetes, wine, digits and the generated `odd` set (test/helpers/real-sets.ts), 300
 * rounds each, so what only goes wrong late shows up; depthwise and lossguide. Every tree must have
 * the same structure, split features, default directions and thresholds (exact float32) and the same
 * leaf values (1e-6 relative); the margins on the training rows agree to 1e-5. Tolerances: tree-diff.ts.
 *
 * On purpose: XGBoost 1.7 refuses ±inf in a DMatrix (src/data/data.cc: "Input data contains `inf`"),
 * so the odd set's ±inf cells are given to both as missing; its categorical column is numeric here
 * (the XGBoost flavour has no categorical splits).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { rmSync } from 'node:fs';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { readDataset } from '../../../../runtimes/data/index.js';
import { predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import { trainGbdt } from '../../../../runtimes/gbdt/xgboost/train.js';
import { parseXgbParams } from '../../../../runtimes/gbdt/xgboost/params.js';
import { tempDir } from '../../../helpers/dtrain-process.js';
import { type RealSet, writeRealSets } from '../../../helpers/real-sets.js';
import { needXgboost, xgboostProblem } from '../../../helpers/xgboost-py.js';
import { runXgboost } from '../helpers.js';
import { xgbModelDiff } from '../tree-diff.js';

const ROUNDS = 300;
const dir = tempDir('dtrain-xgb-trees-');
const sets = xgboostProblem() === '' ? writeRealSets(dir) : new Map<string, RealSet>();
after(() => rmSync(dir, { recursive: true, force: true }));

const OBJECTIVE = {
  binary: { objective: 'binary:logistic' },
  regression: { objective: 'reg:squarederror' },
  multiclass: { objective: 'multi:softprob' },
} as const;

const LOSSGUIDE = { grow_policy: 'lossguide', max_leaves: 31, max_depth: 0 };

const CASES: [string, Record<string, unknown>][] = [
  ['breast_cancer', {}],
  ['breast_cancer', LOSSGUIDE],
  ['diabetes', { max_depth: 4 }],
  ['diabetes', LOSSGUIDE],
  ['wine', {}],
  ['digits', { ...LOSSGUIDE, max_leaves: 15 }],
  ['odd', {}],
  ['odd', LOSSGUIDE],
];

function infAsMissing(d: Dataset): Dataset {
  return { ...d, features: d.features.map((v) => (Number.isFinite(v) ? v : Number.NaN)) };
}

for (const [name, extra] of CASES) {
  const policy =
    extra['grow_policy'] === 'lossguide' ? `lossguide ${extra['max_leaves']} leaves` : 'depthwise';
  test(`${name}, ${policy}: ${ROUNDS} rounds tree for tree as XGBoost 1.7 hist`, async (t) => {
    if (!needXgboost(t)) return;
    const set = sets.get(name)!;
    const data = infAsMissing(await readDataset(set.all, { label: 'label' }));
    const params = {
      ...OBJECTIVE[set.task],
      ...(set.task === 'multiclass' ? { num_class: set.classes } : {}),
      eta: 0.3,
      max_bin: 256,
      nthread: 1,
      ...extra,
    };
    const theirs = runXgboost(data, params, ROUNDS);
    const model = await trainGbdt({
      train: data,
      params: parseXgbParams({ ...params, num_boost_round: ROUNDS }),
    });
    const diff = xgbModelDiff(model.trees, theirs.trees, `${name} ${policy}`);
    const margins = predictMargins(model, data.features, data.rows, data.cols);
    let worst = 0;
    for (let i = 0; i < margins.length; i++)
      worst = Math.max(
        worst,
        Math.abs(margins[i]! - theirs.margins[i]!) / Math.max(1, Math.abs(theirs.margins[i]!)),
      );
    t.diagnostic(
      `${name} ${policy}: ${theirs.trees.length} trees; max margin difference ${worst.toExponential(2)}${diff ? `; first difference: ${diff}` : ''}`,
    );
    assert.equal(diff, undefined);
    assert.ok(worst <= 1e-5, `margins differ by ${worst}`);
  });
}
