import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectiveFrom } from '../../../../runtimes/gbdt/core/collective.js';
import { binaryAuc } from '../../../../runtimes/gbdt/core/metrics.js';
import { trainGbdt } from '../../../../runtimes/gbdt/xgboost/train.js';
import { addTreeMargins } from '../../../../runtimes/gbdt/predict/tree-margins.js';
import type { GbdtModel } from '../../../../runtimes/gbdt/core/types.js';
import { parseXgbParams } from '../../../../runtimes/gbdt/xgboost/params.js';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { closeAll, localMesh } from '../../local-mesh.js';
import { runXgboost, shard, synthBinary } from '../helpers.js';

function margins(model: GbdtModel, d: Dataset): Float32Array {
  const m = new Float32Array(d.rows);
  for (const t of model.trees) addTreeMargins(t, d.features, d.cols, m, 1, 0, d.rows);
  return m;
}

function leaves(model: GbdtModel): number[] {
  return model.trees.map((t) => t.leftChildren.filter((c) => c === -1).length);
}

const base = { objective: 'binary:logistic', max_depth: 5, eta: 0.3, num_boost_round: 8, nthread: 1 };

for (const ranks of [1, 2, 4]) {
  test(`${ranks} data-parallel ranks over TCP build the model of one rank`, async () => {
    const data = synthBinary(3000, 6, 3, 0.05, 2);
    const params = parseXgbParams({ ...base, eval_metric: ['logloss', 'auc'] });
    const single = await trainGbdt({ train: data, params });
    const comms = await localMesh(ranks);
    try {
      const reports: Record<string, number>[][] = comms.map(() => []);
      const models = await Promise.all(
        comms.map((c, r) =>
          trainGbdt({
            train: shard(
              data,
              Math.floor((r * data.rows) / ranks),
              Math.floor(((r + 1) * data.rows) / ranks),
            ),
            params,
            collective: collectiveFrom(c),
            onRound: (rep) => {
              reports[r]!.push(rep.metrics);
            },
          }),
        ),
      );
      const want = margins(single, data);
      for (const m of models) {
        const got = margins(m, data);
        for (let i = 0; i < data.rows; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-6, `row ${i}`);
      }
      for (const rep of reports) assert.deepEqual(rep, reports[0], 'every rank reports the same metrics');
      const last = reports[0]![reports[0]!.length - 1]!;
      assert.ok(Math.abs(last['train-auc']! - binaryAuc(want, data.labels)) < 1e-9);
    } finally {
      await closeAll(comms);
    }
  });
}

// 70k rows: nodes of several row segments (partition.ts), histograms and split scans cut by features.
for (const extra of [
  {},
  { subsample: 0.7 },
  { grow_policy: 'lossguide', max_leaves: 20, max_depth: 0 },
  { colsample_bynode: 0.6 },
]) {
  test(`nthread 1 and 2 give identical trees ${JSON.stringify(extra)}`, async () => {
    const data = synthBinary(70_000, 5, 5, 0.02);
    const p = { ...base, max_depth: 6, num_boost_round: 3, ...extra };
    const one = await trainGbdt({ train: data, params: parseXgbParams({ ...p, nthread: 1 }) });
    const two = await trainGbdt({ train: data, params: parseXgbParams({ ...p, nthread: 2 }) });
    assert.deepEqual(two.trees, one.trees);
  });
}

test('lossguide respects max_leaves; unlimited depth', async () => {
  const data = synthBinary(2000, 5, 9);
  const model = await trainGbdt({
    train: data,
    params: parseXgbParams({ ...base, grow_policy: 'lossguide', max_leaves: 7, max_depth: 0 }),
  });
  assert.ok(leaves(model).every((n) => n <= 7));
  assert.ok(leaves(model).some((n) => n === 7));
});

test('early stopping on the last metric of valid sets bestIteration', async () => {
  const data = synthBinary(1500, 5, 13, 0, 2);
  const valid = synthBinary(500, 5, 14, 0, 2);
  const rounds: number[] = [];
  const model = await trainGbdt({
    train: data,
    valid,
    params: parseXgbParams({ ...base, eta: 1, max_depth: 8, num_boost_round: 200, early_stopping_rounds: 3 }),
    onRound: (r) => {
      rounds.push(r.round);
      assert.ok('valid-logloss' in r.metrics && 'train-logloss' in r.metrics);
    },
  });
  assert.ok(rounds.length < 200);
  assert.equal(model.bestIteration, rounds.length - 4);
});

test('accuracy: test AUC within 0.002 of real XGBoost 1.7 on a nonlinear task', async (t) => {
  const all = synthBinary(25_000, 10, 21, 0.05);
  const train = shard(all, 0, 20_000);
  const testSet = shard(all, 20_000, 25_000);
  const params = { objective: 'binary:logistic', max_depth: 6, eta: 0.1, max_bin: 256, subsample: 1 };
  const theirs = runXgboost(train, { ...params, nthread: 1 }, 60, { predictOn: testSet, trees: false });
  const model = await trainGbdt({
    train,
    params: parseXgbParams({ ...params, num_boost_round: 60, nthread: 1 }),
  });
  const ours = binaryAuc(margins(model, testSet), testSet.labels);
  const ref = binaryAuc(Float32Array.from(theirs.margins), testSet.labels);
  t.diagnostic(`test auc: ours ${ours.toFixed(5)}, xgboost 1.7 ${ref.toFixed(5)}`);
  assert.ok(Math.abs(ours - ref) < 0.002, `ours ${ours} vs xgboost ${ref}`);
});
