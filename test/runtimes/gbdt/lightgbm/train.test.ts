import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { collectiveFrom } from '../../../../runtimes/gbdt/core/collective.js';
import { gossSample, kthLargest, kthLargestNonNegative } from '../../../../runtimes/gbdt/lightgbm/goss.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { binaryAuc } from '../../../../runtimes/gbdt/core/metrics.js';
import { predict, predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import { Rng } from '../../../../runtimes/random/rng.js';
import type { GbdtModel } from '../../../../runtimes/gbdt/core/types.js';
import { closeAll, localMesh } from '../../local-mesh.js';
import { shard, synthBinary } from '../helpers.js';

function table(cols: number[][], labels: number[]): Dataset {
  const rows = labels.length;
  const features = new Float32Array(rows * cols.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols.length; c++) features[r * cols.length + c] = cols[c]![r]!;
  return {
    rows,
    cols: cols.length,
    features,
    labels: Float32Array.from(labels),
    featureNames: cols.map((_, i) => `f${i}`),
  };
}

const leaves = (m: GbdtModel, t: number) =>
  Array.from(m.trees[t]!.splitConditions).filter((_, i) => m.trees[t]!.leftChildren[i] === -1);

test('leaf-wise picks the expected splits: midpoint thresholds, best leaf first, init folded in', async () => {
  const x0 = [1, 2, 3, 4, 5, 6, 7, 8];
  const x1 = [5, 3, 8, 1, 7, 2, 6, 4];
  const data = table([x0, x1], [0, 0, 1, 1, 10, 10, 10, 10]);
  const base = {
    objective: 'regression',
    num_iterations: 1,
    learning_rate: 1,
    min_data_in_leaf: 1,
    min_data_in_bin: 1,
    num_threads: 1,
  };
  const two = await trainLightgbm({ train: data, params: parseLgbParams({ ...base, num_leaves: 2 }) });
  const t = two.trees[0]!;
  assert.equal(t.splitIndices[0], 0);
  assert.ok(Math.abs(t.lgb!.threshold[0]! - 4.5) < 1e-12, `${t.lgb!.threshold[0]}`);
  assert.deepEqual(leaves(two, 0), [0.5, 10]);
  assert.deepEqual(Array.from(t.lgb!.counts.subarray(0, 3)), [8, 4, 4]);
  const three = await trainLightgbm({ train: data, params: parseLgbParams({ ...base, num_leaves: 3 }) });
  const u = three.trees[0]!;
  // The right leaf is pure, so the second split divides the left one at 2.5.
  assert.equal(u.splitIndices[1], 0);
  assert.ok(Math.abs(u.lgb!.threshold[1]! - 2.5) < 1e-12);
  // Within rounding: as LightGBM, the leaf output divides by a hessian carrying kEpsilon (1e-15f).
  const margins = Array.from(predictMargins(three, data.features, data.rows, 2));
  for (const [i, want] of [0, 0, 1, 1, 10, 10, 10, 10].entries())
    assert.ok(Math.abs(margins[i]! - want) < 1e-12, `row ${i}: ${margins[i]} vs ${want}`);
  // min_data_in_leaf 5 forbids any split of 8 rows.
  const none = await trainLightgbm({ train: data, params: parseLgbParams({ ...base, min_data_in_leaf: 5 }) });
  assert.deepEqual(Array.from(predictMargins(none, data.features, data.rows, 2)), new Array(8).fill(5.25));
});

test('GOSS keeps the top_rate rows as they are and amplifies the sampled others by (1 - a)/b', () => {
  const rows = 1000;
  const grad = new Float32Array(rows);
  const hess = new Float32Array(rows).fill(1);
  for (let i = 0; i < rows; i++) grad[i] = (((i * 37) % rows) + 1) / rows;
  const before = grad.slice();
  const inSample = new Uint8Array(rows);
  const n = gossSample(grad, hess, 1, rows, 0.2, 0.1, new Rng(1), inSample, new Float32Array(rows));
  assert.equal(n, 300);
  const sorted = Array.from(before, Math.abs).sort((a, b) => b - a);
  const threshold = sorted[199]!;
  let top = 0;
  for (let i = 0; i < rows; i++) {
    if (Math.abs(before[i]!) >= threshold) {
      top++;
      assert.equal(inSample[i], 1);
      assert.equal(grad[i], before[i]);
    } else if (inSample[i] === 1) {
      assert.equal(grad[i], Math.fround(before[i]! * 8));
      assert.equal(hess[i], 8);
    } else assert.equal(hess[i], 1);
  }
  assert.equal(top, 200);
});

for (const ranks of [1, 2, 4]) {
  test(`${ranks} data-parallel ranks build the model of one rank`, async () => {
    const data = synthBinary(3000, 6, 3, 0.05, 2);
    const params = parseLgbParams({
      objective: 'binary',
      num_leaves: 15,
      num_iterations: 8,
      num_threads: 1,
      metric: ['auc', 'binary_logloss'],
      feature_fraction: 0.8,
      bagging_fraction: 0.8,
      bagging_freq: 2,
    });
    const single = await trainLightgbm({ train: data, params });
    const comms = await localMesh(ranks);
    try {
      const models = await Promise.all(
        comms.map((c, r) =>
          trainLightgbm({
            train: shard(
              data,
              Math.floor((r * data.rows) / ranks),
              Math.floor(((r + 1) * data.rows) / ranks),
            ),
            params,
            collective: collectiveFrom(c),
          }),
        ),
      );
      const want = predictMargins(single, data.features, data.rows, data.cols);
      for (const m of models) {
        assert.equal(m.trees.length, single.trees.length);
        const got = predictMargins(m, data.features, data.rows, data.cols);
        for (let i = 0; i < data.rows; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5, `row ${i}`);
      }
    } finally {
      await closeAll(comms);
    }
  });
}

function categoricalData(rows: number, cats: number[], left: Set<number>, seed: number): Dataset {
  const rng = new Rng(seed);
  const c = [];
  const n = [];
  const y = [];
  for (let r = 0; r < rows; r++) {
    const k = cats[Math.floor(rng.next() * cats.length)]!;
    c.push(k);
    n.push(rng.next());
    y.push(left.has(k) ? 1 : 0);
  }
  return table([n, c], y);
}

test('categorical features: many-vs-many partition and one-vs-rest, honoured by the predictor', async () => {
  const cats = [3, 7, 11, 20, 25, 30, 41];
  const data = categoricalData(4000, cats, new Set([7, 25, 41]), 5);
  const m = await trainLightgbm({
    train: data,
    params: parseLgbParams({
      objective: 'binary',
      num_iterations: 5,
      num_leaves: 4,
      categorical_feature: [1],
      num_threads: 1,
    }),
  });
  const root = m.trees[0]!;
  assert.equal(root.splitIndices[0], 1);
  assert.equal(root.lgb!.decisionType[0]! & 1, 1);
  const p = predict(m, data);
  assert.equal(binaryAuc(p, data.labels), 1);
  // One-vs-rest below max_cat_to_onehot: the root sends one category left.
  const few = categoricalData(2000, [1, 2, 3], new Set([2]), 6);
  const f = await trainLightgbm({
    train: few,
    params: parseLgbParams({
      objective: 'binary',
      num_iterations: 2,
      categorical_feature: 'f1',
      num_threads: 1,
    }),
  });
  const t = f.trees[0]!.lgb!;
  assert.equal(t.decisionType[0]! & 1, 1);
  assert.deepEqual(Array.from(t.catThreshold), [1 << 2]);
  const unseen = table(
    [
      [0.5, 0.5, 0.5],
      [2, 9, Number.NaN],
    ],
    [1, 0, 0],
  );
  // Category 2 goes left; an unseen category and NaN go right with the others.
  const q = predict(f, unseen);
  assert.ok(q[0]! > q[1]! && q[1] === q[2], `${q}`);
});

test('multiclass and multiclassova train; early stopping keeps the best iteration', async () => {
  const base = synthBinary(2000, 5, 9, 0, 2);
  const labels = base.labels.map((y, i) => y + (base.features[i * 5 + 4]! > 0.3 ? 1 : 0));
  const data = { ...base, labels };
  for (const objective of ['multiclass', 'multiclassova']) {
    const m = await trainLightgbm({
      train: data,
      valid: data,
      params: parseLgbParams({
        objective,
        num_class: 3,
        num_iterations: 10,
        num_threads: 1,
        metric: 'multi_error',
      }),
    });
    assert.equal(m.trees.length, 30);
    assert.deepEqual(m.treeInfo.slice(0, 6), [0, 1, 2, 0, 1, 2]);
    const p = predict(m, data);
    let errors = 0;
    for (let r = 0; r < data.rows; r++) {
      const row = Array.from(p.subarray(3 * r, 3 * r + 3));
      if (row.indexOf(Math.max(...row)) !== labels[r]) errors++;
    }
    assert.ok(errors / data.rows < 0.25, `${objective}: ${errors}`);
  }
  const train = synthBinary(1500, 6, 1, 0, 2);
  const valid = synthBinary(1500, 6, 2, 0, 2);
  const rounds: number[] = [];
  const m = await trainLightgbm({
    train,
    valid,
    params: parseLgbParams({
      objective: 'binary',
      num_leaves: 63,
      min_data_in_leaf: 1,
      learning_rate: 0.5,
      num_iterations: 200,
      early_stopping_round: 3,
      metric: 'binary_logloss',
      num_threads: 1,
    }),
    onRound: (r) => {
      rounds.push(r.round);
    },
  });
  assert.ok(rounds.length < 200);
  assert.equal(m.trees.length, m.bestIteration! + 1);
  assert.equal(rounds.length, m.bestIteration! + 4);
});

test('2 threads grow the same trees as 1 (feature-split histograms and split scans, segment partitions, parallel keep)', async () => {
  const data = synthBinary(40_000, 6, 5);
  // Column 5 as an informative categorical with 12 levels and NaN, so splits carry category sets.
  for (let r = 0; r < data.rows; r++) {
    const level = data.labels[r] === 1 ? r % 7 : (r % 7) + 5;
    data.features[r * data.cols + 5] = r % 17 === 0 ? Number.NaN : level;
  }
  const base = {
    objective: 'binary',
    num_iterations: 14,
    num_leaves: 63,
    learning_rate: 0.2,
    categorical_feature: [5],
    data_sample_strategy: 'goss',
    feature_fraction: 0.8,
  };
  const one = await trainLightgbm({ train: data, params: parseLgbParams({ ...base, num_threads: 1 }) });
  const two = await trainLightgbm({ train: data, params: parseLgbParams({ ...base, num_threads: 2 }) });
  assert.ok(
    one.trees.some((t) => (t.lgb?.catThreshold.length ?? 0) > 0),
    'a categorical split',
  );
  assert.deepEqual(two.trees, one.trees);
});

test('gradients as row tasks: 2 threads grow the same trees as 1 for softmax, one-vs-all and huber', async () => {
  const data = synthBinary(30_000, 6, 11);
  const classes = { ...data, labels: data.labels.map((y, r) => (y === 1 ? 1 + (r % 2) : 0)) };
  const values = {
    ...data,
    labels: data.labels.map((y, r) => y * 3 + Math.sin(r) * (r % 97 === 0 ? 40 : 1)),
  };
  for (const [train, extra] of [
    [classes, { objective: 'multiclass', num_class: 3 }],
    [classes, { objective: 'multiclassova', num_class: 3 }],
    [values, { objective: 'huber', alpha: 2 }],
  ] as const) {
    const base = { ...extra, num_iterations: 6, num_leaves: 31 };
    const one = await trainLightgbm({ train, params: parseLgbParams({ ...base, num_threads: 1 }) });
    const two = await trainLightgbm({ train, params: parseLgbParams({ ...base, num_threads: 2 }) });
    assert.ok(one.trees.length >= 6, extra.objective);
    assert.deepEqual(two.trees, one.trees, extra.objective);
  }
});

test("GOSS's left-out rows get the tree's values by walking their codes: the same margins as the model's own walk", async () => {
  const data = synthBinary(20_000, 6, 21, 0.05);
  for (let r = 0; r < data.rows; r++) {
    const level = data.labels[r] === 1 ? r % 7 : (r % 7) + 5;
    data.features[r * data.cols + 5] = r % 13 === 0 ? Number.NaN : level;
  }
  const three = { ...data, labels: data.labels.map((y, r) => (y === 1 ? 1 + (r % 2) : 0)) };
  for (const [train, extra, metric] of [
    [data, { objective: 'binary' }, 'binary_logloss'],
    [three, { objective: 'multiclass', num_class: 3 }, 'multi_logloss'],
  ] as const) {
    const seen: Record<string, number>[] = [];
    const model = await trainLightgbm({
      train,
      // The same rows as the validation set: its margins come from walking the exported trees over
      // the feature values, the training margins from the sample's leaves plus the code walk.
      valid: train,
      params: parseLgbParams({
        ...extra,
        metric,
        is_provide_training_metric: true,
        data_sample_strategy: 'goss',
        learning_rate: 0.5,
        num_iterations: 8,
        num_leaves: 31,
        categorical_feature: [5],
        num_threads: 2,
      }),
      onRound: (r) => {
        seen.push(r.metrics);
      },
    });
    assert.ok(
      model.trees.some((t) => (t.lgb?.catThreshold.length ?? 0) > 0),
      'a categorical split',
    );
    assert.equal(seen.length, 8);
    for (const [i, m] of seen.entries())
      assert.equal(m[`train-${metric}`], m[`valid-${metric}`], `${extra.objective} round ${i}`);
  }
});

test('a bad label is named by row on the threaded path too (checked once, before the threads)', async () => {
  const data = synthBinary(20_000, 4, 2);
  data.labels[12_345] = 2;
  await assert.rejects(
    trainLightgbm({
      train: data,
      params: parseLgbParams({ objective: 'binary', num_iterations: 2, num_threads: 2 }),
    }),
    (e: unknown) => e instanceof Error && /binary: label 2 at row 12345 is outside \{0, 1\}/.test(e.message),
  );
});

test('the radix k-th largest equals quickselect, with ties, zeros and tiny and huge values', () => {
  const rng = new Rng(5);
  for (const n of [1, 2, 7, 1000, 50_000]) {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      // A mix: zeros, repeated values, subnormal-small, ordinary and large scores.
      a[i] = u < 0.1 ? 0 : u < 0.3 ? 0.25 : u < 0.35 ? 1e-40 * u : u < 0.9 ? u : 1e30 * u;
    }
    for (const k of [0, Math.floor(n / 3), Math.floor(n / 2), n - 1]) {
      assert.equal(kthLargestNonNegative(a, k), kthLargest(a.slice(), k), `n ${n} k ${k}`);
    }
  }
});

test('Rng draws mulberry32 (a reference with a uint32 state), for several seeds', () => {
  const reference = (seed: number) => {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const mix = (...keys: number[]) => {
    let s = 0x9e3779b9;
    for (const k of keys) {
      s = Math.imul(s ^ (k | 0), 0x85ebca6b) ^ (s >>> 13);
      s = Math.imul(s ^ (s >>> 16), 0xc2b2ae35);
    }
    return s;
  };
  for (const keys of [[1], [42, 7, 3], [0], [-5, 2 ** 31, 99]]) {
    const ours = new Rng(...keys);
    const ref = reference(mix(...keys));
    for (let i = 0; i < 100_000; i++) assert.equal(ours.next(), ref(), `keys ${keys} draw ${i}`);
  }
});

test('leaf-wise trees keep growing past 2·num_leaves+2 trees (every histogram slot given back)', async () => {
  // A tree that reaches num_leaves stops on a leaf already taken out of the open list; its slot
  // once leaked, so after ~2·num_leaves+2 trees the pool ran dry and every later tree was a stump.
  const data = synthBinary(3000, 6, 11);
  const m = await trainLightgbm({
    train: data,
    params: parseLgbParams({ objective: 'binary', num_leaves: 4, num_iterations: 40, num_threads: 1 }),
  });
  const counts = m.trees.map((_, t) => leaves(m, t).length);
  assert.deepEqual(counts, new Array(40).fill(4), `leaves per tree: ${counts.join(' ')}`);
});
