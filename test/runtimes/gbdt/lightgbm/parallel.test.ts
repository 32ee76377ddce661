/**
 * LightGBM's parallel learners over 1–4 local ranks: feature parallel (every rank has all rows) gives
 * the serial model bit for bit; data parallel (row shards, histograms reduce-scattered by feature
 * block) gives the model of the whole-histogram all-reduce at about half its bytes and stays within
 * 0.002 test AUC of serial; voting parallel (row shards, PV-Tree) stays within 0.002 test AUC of the
 * serial model on bench/gen-synthetic's binary set.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generate } from '../../../../bench/gen-synthetic.js';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { collectiveFrom } from '../../../../runtimes/gbdt/core/collective.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { type LgbParallelism, trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { binaryAuc } from '../../../../runtimes/gbdt/core/metrics.js';
import { slotBlocks } from '../../../../runtimes/gbdt/lightgbm/parallel-data.js';
import { featureBlock } from '../../../../runtimes/gbdt/lightgbm/parallel-feature.js';
import {
  fixedSplitWords,
  readFixedSplit,
  writeFixedSplit,
} from '../../../../runtimes/gbdt/core/split-record.js';
import { emptySplit } from '../../../../runtimes/gbdt/core/split.js';
import { gatherRows } from '../../../../runtimes/gbdt/lightgbm/read-all-rows.js';
import { predict, predictMargins } from '../../../../runtimes/gbdt/predict/predict.js';
import type { GbdtModel } from '../../../../runtimes/gbdt/core/types.js';
import { closeAll, localMesh } from '../../local-mesh.js';
import { shard, synthBinary } from '../helpers.js';

/** Every rank's model, and the payload bytes each rank sent (Communicator.bytesSent). */
async function onRanksCounted(
  ranks: number,
  parallelism: LgbParallelism,
  data: (rank: number) => Dataset,
  params: Record<string, unknown>,
  histograms?: 'reduce-scatter' | 'all-reduce',
): Promise<{ models: GbdtModel[]; bytes: number[] }> {
  const comms = await localMesh(ranks);
  try {
    const models = await Promise.all(
      comms.map((c, r) =>
        trainLightgbm({
          train: data(r),
          params: parseLgbParams(params),
          collective: collectiveFrom(c),
          parallelism,
          ...(histograms ? { histograms } : {}),
        }),
      ),
    );
    return { models, bytes: comms.map((c) => c.bytesSent) };
  } finally {
    await closeAll(comms);
  }
}

async function onRanks(
  ranks: number,
  parallelism: LgbParallelism,
  data: (rank: number) => Dataset,
  params: Record<string, unknown>,
): Promise<GbdtModel[]> {
  return (await onRanksCounted(ranks, parallelism, data, params)).models;
}

const rowShard = (d: Dataset, r: number, ranks: number) =>
  shard(d, Math.floor((r * d.rows) / ranks), Math.floor(((r + 1) * d.rows) / ranks));

test('feature blocks are contiguous and cover every feature once', () => {
  assert.deepEqual(
    [0, 1, 2, 3].map((r) => featureBlock(7, r, 4)),
    [
      { from: 0, to: 1 },
      { from: 1, to: 3 },
      { from: 3, to: 5 },
      { from: 5, to: 7 },
    ],
  );
});

test('data-parallel feature blocks are contiguous and balanced by histogram slots', () => {
  // Slot widths 2, 40, 2, 2, 40, 2, 2 (90 slots). 2 ranks: 44 | 46 (the cut nearest 45; a tie goes to
  // the lower feature). 3 ranks: the cuts nearest 30 and 60, 42 | 4 | 44.
  const offsets = Uint32Array.from([0, 2, 42, 44, 46, 86, 88, 90]);
  assert.deepEqual(slotBlocks(offsets, 7, 1), [0, 7]);
  assert.deepEqual(slotBlocks(offsets, 7, 2), [0, 3, 7]);
  assert.deepEqual(slotBlocks(offsets, 7, 3), [0, 2, 4, 7]);
  assert.deepEqual(slotBlocks(offsets, 7, 4), [0, 2, 3, 5, 7]);
  // More ranks than features worth splitting: some blocks are empty, still in order and covering all.
  assert.deepEqual(slotBlocks(Uint32Array.from([0, 10, 11]), 2, 4), [0, 0, 1, 1, 2]);
});

test('fixed-width split records round-trip every field, categories past 32 and −0', () => {
  const words = fixedSplitWords(3);
  const buf = new Float64Array(3 * words).fill(Number.NEGATIVE_INFINITY);
  const cat = {
    ...emptySplit(),
    gain: 1.5,
    feature: 4,
    bin: -1,
    leftG: -0,
    leftH: 3.25,
    cats: [0, 31, 32, 95],
  };
  const num = { ...emptySplit(), gain: 0.1, feature: 2, bin: 7, threshold: 0.3, defaultLeft: true };
  const none = { ...emptySplit(), cats: [] };
  writeFixedSplit(cat, 3, buf, 0);
  writeFixedSplit(num, 3, buf, words);
  writeFixedSplit(none, 3, buf, 2 * words);
  assert.deepEqual(readFixedSplit(buf, 0, 3), cat);
  assert.ok(Object.is(readFixedSplit(buf, 0, 3).leftG, -0));
  assert.deepEqual(readFixedSplit(buf, words, 3), num);
  assert.deepEqual(readFixedSplit(buf, 2 * words, 3), none);
  assert.throws(() => writeFixedSplit({ ...cat, cats: [96] }, 3, buf, 0), /does not fit/);
});

test('top_k parses with its alias topk, default 20', () => {
  assert.equal(parseLgbParams({}).topK, 20);
  assert.equal(parseLgbParams({ topk: 5 }).topK, 5);
  assert.equal(parseLgbParams({ top_k: 3 }).topK, 3);
});

test('gatherRows gives every rank all shipped parts in rank order (feature parallel with input: ship)', async () => {
  const d = { ...synthBinary(11, 3, 5), groups: Int32Array.from({ length: 11 }, (_, i) => i >> 2) };
  const comms = await localMesh(3);
  try {
    const all = await Promise.all(
      comms.map((c, r) => {
        const part = rowShard(d, r, 3);
        const from = Math.floor((r * d.rows) / 3);
        return gatherRows(c, { ...part, groups: d.groups.slice(from, from + part.rows) });
      }),
    );
    for (const got of all) {
      assert.equal(got.rows, d.rows);
      assert.deepEqual(got.features, d.features);
      assert.deepEqual(got.labels, d.labels);
      assert.deepEqual(got.groups, d.groups);
    }
  } finally {
    await closeAll(comms);
  }
});

// Missing values, a categorical column and bagging exercise both scans, categorical split records and
// the bag drawn by global row index.
const featureData = (() => {
  const d = synthBinary(3000, 7, 11, 0.05);
  const features = d.features.slice();
  for (let r = 0; r < d.rows; r++)
    features[r * d.cols + 6] = d.labels[r] === 1 && r % 3 === 0 ? 12 : (r * 7919) % 12;
  return { ...d, features };
})();
const featureParams = {
  objective: 'binary',
  num_iterations: 12,
  num_leaves: 15,
  min_data_in_leaf: 10,
  categorical_feature: [6],
  feature_fraction: 0.8,
  bagging_fraction: 0.8,
  bagging_freq: 1,
  num_threads: 1,
};

for (const ranks of [1, 2, 4]) {
  test(`feature parallel on ${ranks} rank(s) gives the serial model exactly`, async () => {
    const serial = await trainLightgbm({ train: featureData, params: parseLgbParams(featureParams) });
    const models = await onRanks(ranks, 'feature', () => featureData, featureParams);
    const want = predictMargins(serial, featureData.features, featureData.rows, featureData.cols);
    for (const m of models) {
      assert.equal(m.trees.length, serial.trees.length);
      assert.deepEqual(m.trees, serial.trees);
      assert.deepEqual(predictMargins(m, featureData.features, featureData.rows, featureData.cols), want);
    }
    assert.ok(
      serial.trees.some((t) => t.lgb!.decisionType.some((d, i) => t.leftChildren[i] !== -1 && (d & 1) === 1)),
    );
  });
}

const votingTrain = generate('binary', 20000, 20, 3, 0.02);
const votingTest = generate('binary', 10000, 20, 4, 0.02);
const votingParams = { objective: 'binary', num_iterations: 40, num_leaves: 31, num_threads: 1 };
const auc = (m: GbdtModel) => binaryAuc(predict(m, votingTest), votingTest.labels);

test('voting parallel (top_k 20 and 3) on 1, 2 and 4 ranks is within 0.002 AUC of serial', async () => {
  const serial = auc(await trainLightgbm({ train: votingTrain, params: parseLgbParams(votingParams) }));
  for (const topK of [20, 3]) {
    for (const ranks of [1, 2, 4]) {
      const models = await onRanks(ranks, 'voting', (r) => rowShard(votingTrain, r, ranks), {
        ...votingParams,
        top_k: topK,
      });
      const got = auc(models[0]!);
      for (const m of models.slice(1)) assert.deepEqual(m.trees, models[0]!.trees);
      console.log(
        `voting top_k ${topK}, ${ranks} rank(s): AUC ${got.toFixed(5)} (serial ${serial.toFixed(5)})`,
      );
      assert.ok(Math.abs(got - serial) <= 0.002, `top_k ${topK}, ${ranks} ranks: ${got} vs ${serial}`);
    }
  }
});

// Histogram sums here are float64 sums of float32 gradients that stay exact, so the order in which
// ranks are added cannot change them: reduce-scatter and all-reduce must give the same trees, and the
// margins those of the serial model (to 1e-5, as the all-reduce test in lightgbm-train.test.ts).
for (const ranks of [1, 2, 3, 4]) {
  test(`data parallel on ${ranks} rank(s) reduce-scatters by feature block: the all-reduce model at about half the bytes`, async () => {
    const serial = await trainLightgbm({ train: featureData, params: parseLgbParams(featureParams) });
    const rowsOf = (r: number) => rowShard(featureData, r, ranks);
    const rs = await onRanksCounted(ranks, 'data', rowsOf, featureParams);
    const ar = await onRanksCounted(ranks, 'data', rowsOf, featureParams, 'all-reduce');
    const want = predictMargins(serial, featureData.features, featureData.rows, featureData.cols);
    for (const m of rs.models) {
      assert.deepEqual(m.trees, ar.models[0]!.trees);
      const got = predictMargins(m, featureData.features, featureData.rows, featureData.cols);
      for (let i = 0; i < featureData.rows; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5, `row ${i}`);
    }
    assert.ok(
      rs.models[0]!.trees.some((t) =>
        t.lgb!.decisionType.some((d, i) => t.leftChildren[i] !== -1 && (d & 1) === 1),
      ),
    );
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `data parallel, ${ranks} rank(s): bytes sent per rank reduce-scatter ${rs.bytes.join(' ')}, all-reduce ${ar.bytes.join(' ')}`,
    );
    if (ranks === 1) assert.deepEqual(rs.bytes, [0]);
    else assert.ok(Math.max(...rs.bytes) <= 0.6 * mean(ar.bytes), `${rs.bytes} vs ${ar.bytes}`);
  });
}

test('data parallel takes two collectives per split: the reduce-scatter (row counts ride in it) and the split records', async () => {
  const comms = await localMesh(2);
  const calls = comms.map(() => ({}) as Record<string, number>);
  try {
    const models = await Promise.all(
      comms.map((c, r) => {
        const inner = collectiveFrom(c);
        const counted = Object.fromEntries(
          Object.entries(inner).map(([k, v]) => [
            k,
            typeof v === 'function'
              ? (...a: unknown[]) => {
                  calls[r]![k] = (calls[r]![k] ?? 0) + 1;
                  return (v as (...x: unknown[]) => unknown)(...a);
                }
              : v,
          ]),
        ) as unknown as typeof inner;
        return trainLightgbm({
          train: rowShard(featureData, r, 2),
          params: parseLgbParams({ ...featureParams, num_iterations: 4 }),
          collective: counted,
          parallelism: 'data',
        });
      }),
    );
    const trees = models[0]!.trees.length;
    const splits = models[0]!.trees.reduce((n, t) => n + t.leftChildren.filter((c) => c !== -1).length, 0);
    console.log(
      `data parallel, 2 ranks: ${trees} trees, ${splits} splits, collectives ${JSON.stringify(calls[0])}`,
    );
    for (const c of calls) {
      // Each root and each split whose children may split again: histograms and counts in one
      // reduce-scatter, then the records.
      assert.ok(c.reduceScatterSum! >= splits - trees && c.reduceScatterSum! <= splits + trees);
      assert.equal(c.allReduceMax, c.reduceScatterSum);
      // The rest are per tree (root sums and the like), never per split.
      assert.ok((c.allReduceSum ?? 0) <= 3 * trees + 3, JSON.stringify(c));
    }
  } finally {
    await closeAll(comms);
  }
});

test('data parallel on 1–4 ranks is within 0.002 AUC of serial, every rank with the same trees', async () => {
  const serial = auc(await trainLightgbm({ train: votingTrain, params: parseLgbParams(votingParams) }));
  for (const ranks of [1, 2, 3, 4]) {
    const models = await onRanks(ranks, 'data', (r) => rowShard(votingTrain, r, ranks), votingParams);
    for (const m of models.slice(1)) assert.deepEqual(m.trees, models[0]!.trees);
    const got = auc(models[0]!);
    console.log(`data, ${ranks} rank(s): AUC ${got.toFixed(5)} (serial ${serial.toFixed(5)})`);
    assert.ok(Math.abs(got - serial) <= 0.002, `${ranks} ranks: ${got} vs ${serial}`);
  }
});
