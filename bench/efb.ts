/**
 * bench:efb — exclusive feature bundling on sparse one-hot data: `vars` categorical variables of
 * `levels` levels each, one-hot encoded (vars × levels columns), plus 5 dense columns, label from a
 * nonlinear rule of a few variables and the dense columns (with label noise). Trains the LightGBM
 * flavour (binary, 50 iterations, num_leaves 31, 2 threads) with enable_bundle false, then true,
 * alternating `reps` times in one process, and scores a test set from another seed. Prints a table
 * (histogram columns, seconds, AUC) and one summary line.
 *
 *   npm run bench:efb -- [--rows 200000] [--vars 20] [--levels 50] [--rounds 50] [--reps 2] [--threads 2]
 */
import { parseArgs } from 'node:util';
import type { Dataset } from '../runtimes/data/dataset.js';
import {
  binaryAuc,
  buildLgbMatrix,
  bundleFeatures,
  lgbBinsFromSummaries,
  parseLgbParams,
  predict,
  summarizeLgb,
  trainLightgbm,
} from '../runtimes/gbdt/index.js';
import { Rng } from '../runtimes/random/rng.js';

const DENSE = 5;

function oneHotSet(rows: number, vars: number, levels: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const cols = vars * levels + DENSE;
  const features = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  const k = new Int32Array(vars);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let v = 0; v < vars; v++) {
      // Skewed levels, as real categories are: level ≈ levels · u².
      const u = rng.next();
      k[v] = Math.min(levels - 1, Math.floor(levels * u * u));
      features[o + v * levels + k[v]!] = 1;
    }
    const d = Array.from({ length: DENSE }, () => rng.next() * 2 - 1);
    d.forEach((x, j) => {
      features[o + vars * levels + j] = x;
    });
    const s =
      Math.sin(k[0]! * 0.7) +
      (k[1]! % 3 === 0 ? 0.8 : -0.3) +
      0.6 * Math.cos(k[2 % vars]! * 1.3) * d[0]! +
      (k[3 % vars]! > levels / 4 ? 0.5 : 0) +
      d[1]! * d[2]! +
      0.5 * Math.sin(3 * d[3]!) +
      (rng.next() - 0.5) * 1.5;
    labels[r] = s > 0.2 ? 1 : 0;
  }
  return { rows, cols, features, labels, featureNames: Array.from({ length: cols }, (_, i) => `f${i}`) };
}

function intOption(name: string, raw: string): number {
  const v = Number(raw);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`--${name} must be an integer >= 1, got ${raw}`);
  return v;
}

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    vars: { type: 'string', default: '20' },
    levels: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '50' },
    reps: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
  },
});
const rows = intOption('rows', values.rows);
const vars = intOption('vars', values.vars);
const levels = intOption('levels', values.levels);
const rounds = intOption('rounds', values.rounds);
const reps = intOption('reps', values.reps);
const threads = intOption('threads', values.threads);

const train = oneHotSet(rows, vars, levels, 1);
const test = oneHotSet(Math.max(1, Math.floor(rows / 4)), vars, levels, 2);
const bins = lgbBinsFromSummaries([summarizeLgb(train, { offset: 0, total: rows }, 200000)], {
  maxBin: 255,
  minDataInBin: 3,
  useMissing: true,
  categorical: new Set(),
});
const layout = bundleFeatures(buildLgbMatrix(train, bins), {
  maxConflictRate: 0,
  sampleRows: 200000,
  exclude: new Set(),
});
const bundles = layout?.members.filter((m) => m.length > 1).length ?? 0;
const columns = { false: train.cols, true: layout?.matrix.cols ?? train.cols };
console.log(
  `one-hot set: ${rows} rows × ${train.cols} columns (${vars} variables × ${levels} levels + ${DENSE} dense), ` +
    `test ${test.rows} rows; ${rounds} iterations, ${threads} threads`,
);

const results: Record<'false' | 'true', { seconds: number[]; auc: number }> = {
  false: { seconds: [], auc: 0 },
  true: { seconds: [], auc: 0 },
};
for (let rep = 0; rep < reps; rep++) {
  for (const bundle of ['false', 'true'] as const) {
    const params = parseLgbParams({
      objective: 'binary',
      num_iterations: rounds,
      learning_rate: 0.1,
      num_threads: threads,
      enable_bundle: bundle === 'true',
    });
    const started = performance.now();
    const model = await trainLightgbm({ train, params });
    const seconds = (performance.now() - started) / 1000;
    const auc = binaryAuc(predict(model, test), test.labels);
    results[bundle].seconds.push(seconds);
    results[bundle].auc = auc;
    console.log(
      `rep ${rep + 1} enable_bundle=${bundle}: ${seconds.toFixed(2)} s, test AUC ${auc.toFixed(6)}`,
    );
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const row = (cells: readonly string[]) =>
  console.log(cells.map((c, i) => c.padEnd(i === 0 ? 16 : 14)).join(''));
console.log('');
row([
  'enable_bundle',
  'hist columns',
  ...results.false.seconds.map((_, i) => `rep ${i + 1} s`),
  'median s',
  'test AUC',
]);
for (const b of ['false', 'true'] as const) {
  const r = results[b];
  row([
    b,
    String(columns[b]),
    ...r.seconds.map((s) => s.toFixed(2)),
    median(r.seconds).toFixed(2),
    r.auc.toFixed(6),
  ]);
}
const speedup = median(results.false.seconds) / median(results.true.seconds);
const aucDiff = results.true.auc - results.false.auc;
console.log(
  `bench efb: cols=${train.cols} bundles=${bundles} hist_cols=${columns.true} speedup=${speedup.toFixed(2)} ` +
    `auc_diff=${aucDiff.toFixed(6)}`,
);
