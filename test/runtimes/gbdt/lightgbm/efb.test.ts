import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { summarizeLgb } from '../../../../runtimes/gbdt/lightgbm/summary.js';
import { bundleFeatures } from '../../../../runtimes/gbdt/lightgbm/efb.js';
import { buildLgbMatrix, lgbBinsFromSummaries } from '../../../../runtimes/gbdt/lightgbm/bins.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { binaryAuc } from '../../../../runtimes/gbdt/core/metrics.js';
import { predict } from '../../../../runtimes/gbdt/predict/predict.js';
import { Rng } from '../../../../runtimes/random/rng.js';
import { collectiveFrom } from '../../../../runtimes/gbdt/core/collective.js';
import type { GbdtModel } from '../../../../runtimes/gbdt/core/types.js';
import { closeAll, localMesh } from '../../local-mesh.js';
import { shard } from '../helpers.js';

const LEVELS = [5, 8, 12, 20];

/** Categorical variables one-hot encoded (one column per level) then two dense columns. */
function oneHot(rows: number, seed: number, nanRate = 0): Dataset {
  const rng = new Rng(seed);
  const width = LEVELS.reduce((a, b) => a + b, 0);
  const cols = width + 2;
  const features = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let at = 0;
    let s = 0;
    LEVELS.forEach((n, v) => {
      const k = Math.floor(rng.next() * n);
      features[o + at + k] = 1;
      if (nanRate > 0 && rng.next() < nanRate) features[o + at + ((k + 1) % n)] = Number.NaN;
      s += Math.sin(k * (v + 1)) * (v === 0 ? 1.5 : 0.7);
      at += n;
    });
    const x = rng.next() * 2 - 1;
    const y = rng.next() * 2 - 1;
    features[o + width] = x;
    features[o + width + 1] = y;
    s += x * y * 2 + (rng.next() - 0.5);
    labels[r] = s > 0 ? 1 : 0;
  }
  return { rows, cols, features, labels, featureNames: Array.from({ length: cols }, (_, i) => `f${i}`) };
}

function layoutOf(data: Dataset, maxConflictRate = 0) {
  const span = { offset: 0, total: data.rows };
  const bins = lgbBinsFromSummaries([summarizeLgb(data, span, 200000)], {
    maxBin: 255,
    minDataInBin: 3,
    useMissing: true,
    categorical: new Set(),
  });
  return bundleFeatures(buildLgbMatrix(data, bins), {
    maxConflictRate,
    sampleRows: 200000,
    exclude: new Set(),
  });
}

const params = (extra: Record<string, unknown>) =>
  parseLgbParams({
    objective: 'binary',
    num_iterations: 15,
    num_leaves: 15,
    min_data_in_leaf: 5,
    learning_rate: 0.2,
    num_threads: 1,
    ...extra,
  });

test('one-hot columns of a variable share one bundle; dense columns keep their own', () => {
  const efb = layoutOf(oneHot(2000, 1));
  assert.ok(efb);
  const members = efb.members.map((m) => [...m]);
  assert.equal(members.length, 6);
  let at = 0;
  // Greedy packing may put several variables in one bundle, but never splits the dense columns off.
  const bundled = members.filter((m) => m.length > 1).flat();
  assert.deepEqual(
    bundled.sort((a, b) => a - b),
    Array.from({ length: 45 }, (_, i) => i),
  );
  for (const n of LEVELS) at += n;
  assert.deepEqual(members.slice(-2), [[at], [at + 1]]);
  assert.equal(efb.matrix.cols, 6);
  assert.ok(efb.matrix.codes instanceof Uint8Array);
});

test('no bundle for dense data or overlapping features unless max_conflict_rate allows it', () => {
  const rows = 1000;
  const cols = 2;
  const features = new Float32Array(rows * cols);
  // Each feature is non-zero on 10 % of rows; they overlap on rows r % 20 === 0 (5 % of rows).
  for (let r = 0; r < rows; r++) {
    if (r % 10 === 0) features[r * cols] = 1;
    if (r % 10 === 0 && r % 20 === 0) features[r * cols + 1] = 1;
    else if (r % 10 === 5) features[r * cols + 1] = 1;
  }
  const data: Dataset = { rows, cols, features, labels: new Float32Array(rows), featureNames: ['a', 'b'] };
  assert.equal(layoutOf(data, 0), undefined);
  assert.equal(layoutOf(data, 0.04), undefined);
  assert.equal(layoutOf(data, 0.05)?.members.length, 1);
});

test('without conflicts, bundling grows the same trees and predicts identically', async () => {
  for (const [name, data, extra] of [
    ['one-hot', oneHot(3000, 2), {}],
    ['one-hot, NaN in sparse columns, 2 threads', oneHot(3000, 3, 0.05), { num_threads: 2 }],
    ['one-hot, GOSS', oneHot(3000, 4), { data_sample_strategy: 'goss', learning_rate: 0.5 }],
  ] as const) {
    const off = await trainLightgbm({ train: data, params: params({ ...extra, enable_bundle: false }) });
    const on = await trainLightgbm({ train: data, params: params({ ...extra, enable_bundle: true }) });
    assert.equal(on.trees.length, off.trees.length, name);
    on.trees.forEach((t, i) => {
      const u = off.trees[i]!;
      assert.deepEqual(t.splitIndices, u.splitIndices, `${name}: tree ${i}`);
      assert.deepEqual(t.lgb!.threshold, u.lgb!.threshold, `${name}: tree ${i}`);
      assert.deepEqual(t.splitConditions, u.splitConditions, `${name}: tree ${i}`);
    });
    assert.deepEqual(predict(on, data), predict(off, data), name);
    assert.ok(
      on.trees.some((t) => Array.from(t.splitIndices).some((f, j) => t.leftChildren[j] !== -1 && f < 45)),
    );
  }
});

test('with conflicts allowed, bundling still learns the task', async () => {
  const data = oneHot(3000, 5);
  const test_ = oneHot(2000, 6);
  // Bundle different variables together (up to 60 % conflicting rows).
  const efb = layoutOf(data, 0.6);
  assert.ok(efb && efb.members.length < 6);
  const on = await trainLightgbm({ train: data, params: params({ max_conflict_rate: 0.6 }) });
  const off = await trainLightgbm({ train: data, params: params({ enable_bundle: false }) });
  const aucOn = binaryAuc(predict(on, test_), test_.labels);
  const aucOff = binaryAuc(predict(off, test_), test_.labels);
  assert.ok(aucOn > 0.75 && aucOn > aucOff - 0.05, `${aucOn} vs ${aucOff}`);
});

test('data parallel on 2 ranks bundles alike on both ranks', async () => {
  const data = oneHot(4000, 6);
  const half = data.rows / 2;
  const run = async (extra: Record<string, unknown>): Promise<GbdtModel[]> => {
    const comms = await localMesh(2);
    try {
      return await Promise.all(
        comms.map((c, r) =>
          trainLightgbm({
            train: shard(data, r * half, (r + 1) * half),
            params: params(extra),
            collective: collectiveFrom(c),
            parallelism: 'data',
          }),
        ),
      );
    } finally {
      await closeAll(comms);
    }
  };
  // Without conflicts: the trees of the unbundled 2-rank run.
  const on = await run({ enable_bundle: true });
  const off = await run({ enable_bundle: false });
  assert.deepEqual(on[1]!.trees, on[0]!.trees);
  assert.equal(on[0]!.trees.length, off[0]!.trees.length);
  on[0]!.trees.forEach((t, i) => {
    const u = off[0]!.trees[i]!;
    assert.deepEqual(t.splitIndices, u.splitIndices, `tree ${i}`);
    assert.deepEqual(t.lgb!.threshold, u.lgb!.threshold, `tree ${i}`);
    assert.deepEqual(t.splitConditions, u.splitConditions, `tree ${i}`);
  });
  assert.deepEqual(predict(on[0]!, data), predict(off[0]!, data));
  // With conflicting bundles the model changes — the same on both ranks, so both bundled alike.
  const lossy = await run({ max_conflict_rate: 0.6 });
  assert.deepEqual(lossy[1]!.trees, lossy[0]!.trees);
  assert.notDeepEqual(lossy[0]!.trees, off[0]!.trees);
});
