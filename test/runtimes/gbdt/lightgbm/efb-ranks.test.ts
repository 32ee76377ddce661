/**
 * EFB with several ranks: the bundles are planned from every rank's rows (lightgbm/efb-plan.ts
 * planSharedBundles), so they are the ones one process plans, and 1, 2 and 4 ranks of data parallel
 * (and feature parallel) grow the same trees with enable_bundle on. Before, rank 0 planned from its
 * own rows: features that never meet there but do on other ranks shared a bundle, those rows lost a
 * value, and the 2- and 4-rank models of sklearn's digits moved by up to 0.7 in raw score.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { collectiveFrom } from '../../../../runtimes/gbdt/core/collective.js';
import { summarizeLgb } from '../../../../runtimes/gbdt/lightgbm/summary.js';
import { buildLgbMatrix, lgbBinsFromSummaries } from '../../../../runtimes/gbdt/lightgbm/bins.js';
import { planBundles, planSharedBundles } from '../../../../runtimes/gbdt/lightgbm/efb-plan.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { type LgbParallelism, trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import type { GbdtModel } from '../../../../runtimes/gbdt/core/types.js';
import { needXgboost, runPython } from '../../../helpers/xgboost-py.js';
import { closeAll, localMesh } from '../../local-mesh.js';
import { shard } from '../helpers.js';

const cut = (rows: number, r: number, n: number) => Math.floor((r * rows) / n);

/**
 * Columns a and b are each non-zero on a tenth of the rows; in the first half never on the same
 * row, in the second half on the same rows. Column c is dense.
 */
function meetLate(rows: number): Dataset {
  const cols = 3;
  const features = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const late = r >= rows / 2;
    if (r % 10 === 0) features[r * cols] = 1 + (r % 7);
    if (r % 10 === (late ? 0 : 5)) features[r * cols + 1] = 2 + (r % 5);
    features[r * cols + 2] = (r * 7919) % 101;
  }
  return { rows, cols, features, labels: new Float32Array(rows), featureNames: ['a', 'b', 'c'] };
}

const OPTIONS = { maxConflictRate: 0, sampleRows: 200000, exclude: new Set<number>() };

test('every rank plans the bundles one process plans from all rows (sampled or not)', async () => {
  const data = meetLate(4000);
  const bins = lgbBinsFromSummaries([summarizeLgb(data, { offset: 0, total: data.rows }, 200000)], {
    maxBin: 255,
    minDataInBin: 3,
    useMissing: true,
    categorical: new Set(),
  });
  const full = buildLgbMatrix(data, bins);
  // All rows: a and b conflict, nothing to bundle. Rank 0's half alone would bundle them.
  assert.equal(planBundles(full, OPTIONS), undefined);
  const firstHalf = buildLgbMatrix(shard(data, 0, 2000), bins);
  assert.deepEqual(planBundles(firstHalf, OPTIONS)?.members, [[0, 1], [2]]);
  // A sample of every third row keeps the conflicts (rows 2000, 2030, … are in it).
  for (const options of [OPTIONS, { ...OPTIONS, sampleRows: 1333 }]) {
    const want = planBundles(full, options);
    for (const ranks of [2, 3, 4]) {
      const comms = await localMesh(ranks);
      try {
        const plans = await Promise.all(
          comms.map((c, r) => {
            const [from, to] = [cut(data.rows, r, ranks), cut(data.rows, r + 1, ranks)];
            return planSharedBundles(
              buildLgbMatrix(shard(data, from, to), bins),
              options,
              collectiveFrom(c),
              {
                offset: from,
                total: data.rows,
              },
            );
          }),
        );
        for (const p of plans) assert.deepEqual(p, want, `${ranks} ranks, sample ${options.sampleRows}`);
      } finally {
        await closeAll(comms);
      }
    }
  }
  // Sparse columns that never meet anywhere: one bundle, the same on 3 ranks.
  const apart = meetLate(4000);
  for (let r = 2000; r < 4000; r++) {
    apart.features[r * 3 + 1] = r % 10 === 5 ? 2 + (r % 5) : 0;
  }
  const m = buildLgbMatrix(apart, bins);
  assert.deepEqual(planBundles(m, OPTIONS)?.members, [[0, 1], [2]]);
});

/** sklearn's digits: 8×8 pixel counts 0–16, many columns zero on most rows (EFB bundles them). */
function digits(): Dataset {
  const d = runPython<{ x: number[][]; y: number[] }>(
    'from sklearn.datasets import load_digits\nd = load_digits()\nemit({"x": d.data, "y": d.target})',
  );
  const cols = d.x[0]!.length;
  return {
    rows: d.y.length,
    cols,
    features: Float32Array.from(d.x.flat()),
    labels: Float32Array.from(d.y),
    featureNames: Array.from({ length: cols }, (_, i) => `pixel_${i}`),
  };
}

async function onRanks(
  data: Dataset,
  ranks: number,
  mode: LgbParallelism,
  params: Record<string, unknown>,
): Promise<GbdtModel[]> {
  const comms = await localMesh(ranks);
  try {
    return await Promise.all(
      comms.map((c, r) =>
        trainLightgbm({
          train:
            mode === 'feature' ? data : shard(data, cut(data.rows, r, ranks), cut(data.rows, r + 1, ranks)),
          params: parseLgbParams(params),
          collective: collectiveFrom(c),
          parallelism: mode,
        }),
      ),
    );
  } finally {
    await closeAll(comms);
  }
}

test('digits with EFB on: 1, 2 and 4 ranks of data and feature parallel grow the same trees', async (t) => {
  if (!needXgboost(t)) return;
  const data = digits();
  const params = { objective: 'multiclass', num_class: 10, num_iterations: 3, num_threads: 1 };
  const one = await trainLightgbm({ train: data, params: parseLgbParams(params) });
  const bins = lgbBinsFromSummaries([summarizeLgb(data, { offset: 0, total: data.rows }, 200000)], {
    maxBin: 255,
    minDataInBin: 3,
    useMissing: true,
    categorical: new Set(),
  });
  const plan = planBundles(buildLgbMatrix(data, bins), OPTIONS);
  assert.ok(plan && plan.members.length < data.cols, 'digits has columns to bundle');
  t.diagnostic(`digits: ${data.cols} columns in ${plan.members.length} bundles/columns`);
  for (const ranks of [2, 4]) {
    const models = await onRanks(data, ranks, 'data', params);
    for (const m of models) assert.deepEqual(m.trees, one.trees, `data, ${ranks} ranks`);
  }
  // Feature parallel does not bundle, so it grows the serial run's trees without bundling: a bundle
  // member's default bin, rebuilt as the node's sum less its other bins (as LightGBM's FixHistogram
  // does), differs in its last bits from the bin summed over rows, and with double scores (as
  // LightGBM's) such bits reach later trees' gradients.
  const unbundled = await trainLightgbm({
    train: data,
    params: parseLgbParams({ ...params, enable_bundle: false }),
  });
  for (const ranks of [2, 4]) {
    const models = await onRanks(data, ranks, 'feature', params);
    for (const m of models) assert.deepEqual(m.trees, unbundled.trees, `feature, ${ranks} ranks`);
  }
});
