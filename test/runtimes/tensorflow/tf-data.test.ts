/**
 * The tensorflow data plan: the epoch order is a seeded permutation every rank computes alike, and a
 * step's samples over all ranks do not depend on the number of ranks (the basis of sync equivalence).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  classCount,
  epochOrder,
  gatherRows,
  idxLabelsPath,
  rankSlice,
  readTable,
  stepsPerEpoch,
} from '../../../runtimes/tensorflow/tf-data.js';

test('epochOrder is a permutation, the same for the same seed and epoch, different across epochs', () => {
  const a = epochOrder(1000, 7, 0);
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.deepEqual(a, epochOrder(1000, 7, 0));
  assert.notDeepEqual(a, epochOrder(1000, 7, 1));
  assert.notDeepEqual(a, epochOrder(1000, 8, 0));
  assert.deepEqual([...epochOrder(5, 7, 3, false)], [0, 1, 2, 3, 4]);
});

test('the ranks of a step together take exactly the global batch, whatever the world size', () => {
  const rows = 1003;
  const order = epochOrder(rows, 1, 0);
  for (const [world, batch] of [
    [1, 12],
    [2, 6],
    [3, 4],
    [4, 3],
  ] as const) {
    const steps = stepsPerEpoch(rows, batch * world);
    assert.equal(steps, Math.ceil(rows / 12));
    for (let s = 0; s < steps; s++) {
      const got = Array.from({ length: world }, (_, r) => [...rankSlice(order, s, batch, r, world)]).flat();
      assert.deepEqual(
        got,
        [...order.subarray(s * 12, Math.min(rows, s * 12 + 12))],
        `world ${world} step ${s}`,
      );
    }
  }
});

test('gatherRows one-hot encodes class ids; classCount rejects labels that are not class ids', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-tfdata-'));
  writeFileSync(join(dir, 't.csv'), 'a,b,label\n1,2,0\n3,,2\n5,6,1\n');
  const t = await readTable(join(dir, 't.csv'), { format: undefined, label: 'label', displayName: 't.csv' });
  assert.equal(classCount(t, 't.csv'), 3);
  const { x, y } = gatherRows(t, [1, 0], 'onehot', 3);
  assert.deepEqual([...x], [3, 0, 1, 2]); // a missing value becomes 0
  assert.deepEqual([...y], [0, 0, 1, 1, 0, 0]);
  writeFileSync(join(dir, 'r.csv'), 'a,label\n1,0.5\n');
  const r = await readTable(join(dir, 'r.csv'), { format: undefined, label: 'label', displayName: 'r.csv' });
  assert.throws(() => classCount(r, 'r.csv'), /r\.csv: row 1: label 0\.5 is not a class id/);
});

test('IDX images are read with the labels file beside them, scaled to 0–1 and shaped 28×28×1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-tfidx-'));
  const images = Buffer.alloc(16 + 2 * 784);
  images.writeUInt32BE(0x00000803, 0);
  images.writeUInt32BE(2, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  images[16] = 255;
  const labels = Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 4, 9]);
  writeFileSync(join(dir, 'x-images-idx3-ubyte.gz'), gzipSync(images));
  assert.equal(idxLabelsPath(join(dir, 'x-images-idx3-ubyte.gz')), join(dir, 'x-labels-idx1-ubyte.gz'));
  await assert.rejects(
    readTable(join(dir, 'x-images-idx3-ubyte.gz'), { format: undefined, label: undefined, displayName: 'x' }),
    /x: no labels file beside the IDX images \(looked for x-labels-idx1-ubyte\.gz\)/,
  );
  writeFileSync(join(dir, 'x-labels-idx1-ubyte.gz'), gzipSync(labels));
  const t = await readTable(join(dir, 'x-images-idx3-ubyte.gz'), {
    format: undefined,
    label: undefined,
    displayName: 'x',
  });
  assert.deepEqual(t.inputShape, [28, 28, 1]);
  assert.equal(t.rows, 2);
  assert.equal(t.features[0], 1);
  assert.deepEqual([...t.labels], [4, 9]);
});
