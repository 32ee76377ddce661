/**
 * Test helpers: seeded synthetic datasets in memory, and the real XGBoost 1.7 (python3) trained on
 * the same rows with the same params, returning its trees (from save_raw json) and margins.
 */
import { spawnSync } from 'node:child_process';
import type { Dataset } from '../../../runtimes/data/dataset.js';
import { Rng } from '../../../runtimes/random/rng.js';

/** A nonlinear binary task: label = [sin(3·x0) + x1·x2 + noise > 0.2·x3], optional missing cells. */
export function synthBinary(
  rows: number,
  cols: number,
  seed: number,
  missingRate = 0,
  decimals = 0,
): Dataset {
  const rng = new Rng(seed);
  const features = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  const scale = decimals > 0 ? 10 ** decimals : 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let v = rng.next() * 2 - 1;
      if (scale > 0) v = Math.round(v * scale) / scale;
      features[r * cols + c] = v;
    }
    const x = (c: number): number => features[r * cols + (c % cols)]!;
    const s = Math.sin(3 * x(0)) + x(1) * x(2) + 0.5 * (rng.next() - 0.5) - 0.2 * x(3);
    labels[r] = s > 0 ? 1 : 0;
    for (let c = 0; c < cols; c++)
      if (missingRate > 0 && rng.next() < missingRate) features[r * cols + c] = Number.NaN;
  }
  return { rows, cols, features, labels, featureNames: Array.from({ length: cols }, (_, i) => `f${i}`) };
}

/** Queries of 20 documents; grade 0..4 from a nonlinear score of 8 features plus noise. */
export function synthRanking(queries: number, seed: number): Dataset {
  const docs = 20;
  const cols = 8;
  const rng = new Rng(seed);
  const rows = queries * docs;
  const features = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  const groups = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const x = (c: number) => features[r * cols + c]!;
    for (let c = 0; c < cols; c++) features[r * cols + c] = rng.next() * 2 - 1;
    const s = Math.sin(3 * x(0)) + x(1) * x(2) + 0.8 * x(3) + 0.6 * (rng.next() - 0.5);
    labels[r] = Math.max(0, Math.min(4, Math.floor(s * 1.4 + 1.6)));
    groups[r] = Math.floor(r / docs);
  }
  return {
    rows,
    cols,
    features,
    labels,
    groups,
    featureNames: Array.from({ length: cols }, (_, i) => `f${i}`),
  };
}

/** Row slice [from, to) of a dataset (a shard). */
export function shard(d: Dataset, from: number, to: number): Dataset {
  return {
    rows: to - from,
    cols: d.cols,
    features: d.features.slice(from * d.cols, to * d.cols),
    labels: d.labels.slice(from, to),
    featureNames: d.featureNames,
  };
}

export interface XgbTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
  base_weights: number[];
  loss_changes: number[];
  sum_hessian: number[];
}

export interface XgbResult {
  trees: XgbTree[];
  /** Margins (output_margin) on `predictOn` (or the training rows). */
  margins: number[];
  seconds: number;
}

const SCRIPT = `
import sys, json, time, numpy as np, xgboost as xgb
a = json.load(sys.stdin)
X = np.frombuffer(bytes.fromhex(a['x']), dtype=np.float32).reshape(a['rows'], a['cols'])
y = np.frombuffer(bytes.fromhex(a['y']), dtype=np.float32)
d = xgb.DMatrix(X, label=y, missing=np.nan)
t = time.time()
b = xgb.train(a['params'], d, a['rounds'])
sec = time.time() - t
P = d
if a.get('px'):
    P = xgb.DMatrix(np.frombuffer(bytes.fromhex(a['px']), dtype=np.float32).reshape(-1, a['cols']), missing=np.nan)
m = b.predict(P, output_margin=True).reshape(-1).tolist()
trees = json.loads(b.save_raw('json'))['learner']['gradient_booster']['model']['trees'] if a.get('trees', True) else []
json.dump({'trees': trees, 'margins': m, 'seconds': sec}, sys.stdout)
`;

const hex = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

/** Trains the real XGBoost (tree_method hist) on `d`. */
export function runXgboost(
  d: Dataset,
  params: Record<string, unknown>,
  rounds: number,
  options: { predictOn?: Dataset; trees?: boolean } = {},
): XgbResult {
  const input = JSON.stringify({
    x: hex(d.features),
    y: hex(d.labels),
    rows: d.rows,
    cols: d.cols,
    params: { tree_method: 'hist', ...params },
    rounds,
    px: options.predictOn ? hex(options.predictOn.features) : undefined,
    trees: options.trees ?? true,
  });
  const res = spawnSync('/usr/bin/python3', ['-c', SCRIPT], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`python xgboost failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as XgbResult;
}
