/**
 * Ranking queries stay whole in data parallel (runtimes/gbdt/lightgbm/whole-queries.ts): byte-range shards
 * that cut a query hand its rows to the rank where it starts, and lambdarank on whole-query shards
 * grows the model one process grows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { collectiveFrom } from '../../../../runtimes/gbdt/core/collective.js';
import { toLightgbmText } from '../../../../runtimes/gbdt/lightgbm/model.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { planQueryMoves, wholeQueries } from '../../../../runtimes/gbdt/lightgbm/whole-queries.js';
import { synthRanking } from '../helpers.js';
import { closeAll, localMesh } from '../../local-mesh.js';

const slice = (d: Dataset, from: number, to: number): Dataset => ({
  ...d,
  rows: to - from,
  features: d.features.slice(from * d.cols, to * d.cols),
  labels: d.labels.slice(from, to),
  groups: d.groups!.slice(from, to),
});

test('planQueryMoves sends a continued query to the rank where it starts, across ranks that hold only it', () => {
  // [rows, first id, last id, leading rows with the first id]
  const plan = planQueryMoves([
    [5, 1, 2, 2], // queries 1, 2
    [4, 2, 2, 4], // only query 2 (continued)
    [3, 2, 3, 1], // end of query 2, query 3
    [0, 0, 0, 0], // empty
    [2, 3, 4, 1], // end of query 3, query 4
    [2, 5, 5, 2], // a fresh query
  ]);
  assert.deepEqual(plan.moved, [0, 4, 1, 0, 1, 0]);
  assert.deepEqual(plan.owner, [-1, 0, 0, -1, 2, -1]);
});

test('wholeQueries regroups byte-range shards so that no query spans two ranks', async () => {
  const d = synthRanking(6, 4); // 6 queries × 20 rows
  const cuts = [0, 25, 35, 75, 120]; // rank 1 holds only the middle of query 1
  const comms = await localMesh(4);
  try {
    const parts = await Promise.all(comms.map((c, r) => wholeQueries(c, slice(d, cuts[r]!, cuts[r + 1]!))));
    assert.deepEqual(
      parts.map((p) => p.rows),
      [40, 0, 40, 40],
    );
    const seen = new Set<number>();
    let at = 0;
    for (const p of parts) {
      // Every rank's rows are a run of whole queries, in file order.
      assert.deepEqual(p.groups, d.groups!.slice(at, at + p.rows));
      assert.deepEqual(p.features, d.features.slice(at * d.cols, (at + p.rows) * d.cols));
      assert.deepEqual(p.labels, d.labels.slice(at, at + p.rows));
      for (const g of new Set(p.groups)) {
        assert.ok(!seen.has(g), `query ${g} on two ranks`);
        seen.add(g);
      }
      at += p.rows;
    }
  } finally {
    await closeAll(comms);
  }
});

test('lambdarank on 2 ranks with whole queries grows the model of one process', async () => {
  const d = synthRanking(60, 5);
  const params = { objective: 'lambdarank', num_iterations: 5, num_leaves: 7, num_threads: 1 };
  const single = toLightgbmText(await trainLightgbm({ train: d, params: parseLgbParams(params) }));
  const comms = await localMesh(2);
  try {
    const models = await Promise.all(
      comms.map(async (c, r) => {
        const part = await wholeQueries(c, slice(d, r === 0 ? 0 : 610, r === 0 ? 610 : d.rows));
        return toLightgbmText(
          await trainLightgbm({ train: part, params: parseLgbParams(params), collective: collectiveFrom(c) }),
        );
      }),
    );
    assert.equal(models[0], single);
    assert.equal(models[1], single);
  } finally {
    await closeAll(comms);
  }
});
