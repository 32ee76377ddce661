/**
 * Real data through the real CLI, as a user runs it: for each set (scikit-learn's breast_cancer,
 * diabetes, wine, digits; the generated `odd` set; Fashion-MNIST pixels) and flavour, `dtrain run
 * job.yaml --local` on the 75 % train split, `dtrain predict MODEL test.csv`, then:
 * - the real library (XGBoost 1.7 in python, the LightGBM 4.6 CLI) loads our model and predicts the
 *   same numbers (1e-6, relative above 1);
 * - it trains its own model with the same parameters; our test metric is within 0.002 AUC, 0.5 %
 *   RMSE or 0.5 accuracy points of its;
 * - 2 and 4 ranks (data parallel; for lightgbm also feature parallel on 2) give the same predictions
 *   as 1 rank (1e-6), i.e. the same model, on every set (digits' all-zero columns are bundled by
 *   LightGBM's EFB; odd has NaN, ±inf and a categorical column); each multi-rank run costs 5-20 s of
 *   CI time.
 * The last test prints the table (set, flavour, metrics, max prediction difference, ranks equal).
 *
 * Fashion-MNIST: the first 2,000 training images (784 pixel columns, 10 classes); more rows only make
 * each of the ~10 trainings of the set slower (the per-iteration cost is 10 trees × 784 features), and
 * 2,000 already separate the classes to ~80 % accuracy. Its test set is 5,000 of the separate test
 * images, not a 25 % split: on 500 rows one image is 0.2 accuracy points. XGBoost 1.7 refuses ±inf in a DMatrix, so the
 * `odd` set (which has them) runs with the lightgbm flavour only.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { binaryAuc } from '../../runtimes/gbdt/core/metrics.js';
import { runDtrain, tempDir, writeJob } from '../helpers/dtrain-process.js';
import { lightgbmPredict, lightgbmTrain, needLightgbm } from '../helpers/lightgbm-cli.js';
import { LGB_CSV, type RealSet, writeRealSets } from '../helpers/real-sets.js';
import { cannotRun } from '../helpers/skip.js';
import { needXgboost, runPython, xgboostProblem } from '../helpers/xgboost-py.js';

const FASHION_ROWS = 2000;
const ROUNDS = 30;
const dir = tempDir('dtrain-matrix-');
const home = tempDir();
const sets = xgboostProblem() === '' ? writeRealSets(dir, FASHION_ROWS) : new Map<string, RealSet>();
after(() => rmSync(dir, { recursive: true, force: true }));

type Flavour = 'xgboost' | 'lightgbm';
const table: string[] = [];

function params(set: RealSet, flavour: Flavour): Record<string, string | number> {
  const multi: Record<string, number> = set.task === 'multiclass' ? { num_class: set.classes } : {};
  if (flavour === 'xgboost')
    return {
      objective: { binary: 'binary:logistic', regression: 'reg:squarederror', multiclass: 'multi:softprob' }[
        set.task
      ],
      ...multi,
      eta: 0.3,
      max_depth: 6,
      max_bin: 256,
      num_boost_round: ROUNDS,
      nthread: 1,
    };
  return {
    objective: set.task,
    ...multi,
    num_iterations: ROUNDS,
    learning_rate: 0.1,
    num_leaves: 31,
    num_threads: 1,
  };
}

/** Trains through `dtrain run --local`; returns the model path. */
async function dtrainRun(
  set: RealSet,
  flavour: Flavour,
  ranks: number,
  parallelism = 'data',
): Promise<string> {
  const p = params(set, flavour);
  const cats =
    flavour === 'lightgbm' && set.categorical.length
      ? `, categorical_feature: [${set.categorical.join(', ')}]`
      : '';
  const name = `${set.name}-${flavour}-${parallelism}-${ranks}`;
  const job = writeJob(
    dir,
    `${name}.yaml`,
    `name: ${name}
framework: ${flavour}
${flavour === 'lightgbm' ? `parallelism: ${parallelism}\n` : ''}hosts: [{address: localhost, slots: ${ranks}}]
data: {train: ${set.train}, label: label}
params: {${Object.entries(p)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}${cats}}
output: runs/
`,
  );
  const run = await runDtrain(['run', job, '--local', '--json'], { home, cwd: dir });
  assert.equal(run.code, 0, `${name}: ${run.stderr}${run.stdout.slice(-2000)}`);
  return (run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as { model: string }).model;
}

/** `dtrain predict MODEL test.csv`: one array of outputs per row. */
async function dtrainPredict(model: string, data: string): Promise<number[][]> {
  const p = await runDtrain(['predict', model, data], { home });
  assert.equal(p.code, 0, p.stderr);
  return p.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').slice(2).map(Number));
}

/**
 * The largest difference, relative above 1 (`dtrain predict` prints float32 outputs: a regression
 * output near 150 carries ~1e-5 of rounding, 6e-8 of itself).
 */
function maxDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length, 'row counts');
  let worst = 0;
  a.forEach((row, i) => {
    assert.equal(row.length, b[i]!.length, `row ${i}: output counts`);
    row.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - b[i]![j]!) / Math.max(1, Math.abs(b[i]![j]!)));
    });
  });
  return worst;
}

const labelsOf = (csv: string): number[] =>
  readFileSync(csv, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.slice(0, l.indexOf(','))));

/** AUC, RMSE or accuracy (in points) of predictions against the test labels. */
function metric(set: RealSet, pred: number[][]): number {
  const y = labelsOf(set.test);
  if (set.task === 'binary')
    return binaryAuc(
      Float32Array.from(pred, (r) => r[0]!),
      Float32Array.from(y),
    );
  if (set.task === 'regression')
    return Math.sqrt(y.reduce((a, v, i) => a + (v - pred[i]![0]!) ** 2, 0) / y.length);
  return (100 * y.filter((v, i) => pred[i]!.indexOf(Math.max(...pred[i]!)) === v).length) / y.length;
}

const XGB_REAL = `import xgboost as xgb, numpy as np
def load(p, names=None):
    m = np.genfromtxt(p, delimiter=',', skip_header=1, missing_values='', filling_values=np.nan)
    return xgb.DMatrix(m[:, 1:], label=m[:, 0], missing=np.nan, feature_names=names)
b = xgb.Booster(model_file=inp['model'])
ours = b.predict(load(inp['test'], b.feature_names))
test = load(inp['test'])
mine = xgb.train({**inp['params'], 'tree_method': 'hist'}, load(inp['train']), inp['rounds']).predict(test)
emit({'ours': ours.reshape(len(ours), -1), 'theirs': mine.reshape(len(mine), -1)})`;

/** The real library's predictions with our model, and with its own model trained alike. */
function reference(set: RealSet, flavour: Flavour, model: string): { ours: number[][]; theirs: number[][] } {
  const p = params(set, flavour);
  if (flavour === 'xgboost') {
    const { num_boost_round: rounds, ...rest } = p;
    return runPython(XGB_REAL, { test: set.test, train: set.train, model, params: rest, rounds });
  }
  const cats: Record<string, string> = set.categorical.length
    ? { categorical_feature: set.categorical.map((c) => `name:${c}`).join(',') }
    : {};
  const name = `${set.name}-real`;
  const file = join(dir, `${name}.model.txt`);
  writeFileSync(file, lightgbmTrain(dir, set.train, { ...LGB_CSV, ...p, ...cats }));
  return {
    ours: lightgbmPredict(dir, model, set.test, LGB_CSV),
    theirs: lightgbmPredict(dir, file, set.test, LGB_CSV),
  };
}

/** [set, flavour, whether 2 and 4 ranks are checked too] */
const CASES: [string, Flavour, boolean][] = [
  ['breast_cancer', 'xgboost', true],
  ['breast_cancer', 'lightgbm', true],
  ['diabetes', 'xgboost', true],
  ['diabetes', 'lightgbm', true],
  ['wine', 'xgboost', true],
  ['wine', 'lightgbm', true],
  ['digits', 'xgboost', true],
  ['digits', 'lightgbm', true],
  ['odd', 'lightgbm', true],
  ['fashion', 'xgboost', true],
  ['fashion', 'lightgbm', true],
];

const TOLERANCE = { binary: 0.002, regression: 0.005, multiclass: 0.5 };

for (const [name, flavour, multi] of CASES) {
  test(`${name}, ${flavour}: the real library predicts our model alike, metric close to its own${multi ? ', 1/2/4 ranks equal' : ''}`, async (t) => {
    if (!needXgboost(t) || (flavour === 'lightgbm' && !needLightgbm(t))) return;
    const set = sets.get(name);
    if (!set) {
      assert.equal(name, 'fashion', `${name} was not written`);
      cannotRun(t, 'Fashion-MNIST not installed: apt-get install dataset-fashion-mnist');
      return;
    }
    const model = await dtrainRun(set, flavour, 1);
    const ours = await dtrainPredict(model, set.test);
    const ref = reference(set, flavour, model);
    const loadDiff = maxDiff(ours, ref.ours);
    const [m, r] = [metric(set, ours), metric(set, ref.theirs)];
    const ranks: [string, number][] = [];
    for (const [n, mode] of multi
      ? ([[2, 'data'], [4, 'data'], ...(flavour === 'lightgbm' ? ([[2, 'feature']] as const) : [])] as const)
      : [])
      ranks.push([
        `${mode} ${n}`,
        maxDiff(await dtrainPredict(await dtrainRun(set, flavour, n, mode), set.test), ours),
      ]);
    const ranksWorst = Math.max(0, ...ranks.map(([, d]) => d));
    const close =
      set.task === 'regression'
        ? Math.abs(m - r) <= TOLERANCE.regression * r
        : Math.abs(m - r) <= TOLERANCE[set.task];
    const unit = { binary: 'AUC', regression: 'RMSE', multiclass: 'acc %' }[set.task];
    table.push(
      `| ${name} | ${flavour} | ${unit} ${m.toFixed(4)} | ${r.toFixed(4)} | ${loadDiff.toExponential(1)} | ${!multi ? 'not run' : ranksWorst <= 1e-6 ? 'yes' : `no (${ranks.map(([k, d]) => `${k}: ${d.toExponential(1)}`).join(', ')})`} |`,
    );
    t.diagnostic(table.at(-1)!);
    assert.ok(
      loadDiff <= 1e-6,
      `the real library predicts our model differently: max difference ${loadDiff}`,
    );
    assert.ok(close, `test ${unit}: ours ${m}, real ${flavour} ${r}`);
    for (const [k, d] of ranks)
      assert.ok(d <= 1e-6, `${k} ranks predict differently from 1 rank: max difference ${d}`);
  });
}

test('the matrix', (t) => {
  const head = [
    '| set | flavour | ours | real library | max prediction difference (real library on our model) | 1/2/4 ranks equal |',
    '|---|---|---|---|---|---|',
  ];
  t.diagnostic(`\n${[...head, ...table].join('\n')}`);
  console.log([...head, ...table].join('\n'));
  assert.ok(table.length > 0 || !!xgboostProblem(), 'no row');
});
