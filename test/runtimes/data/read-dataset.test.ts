import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { fileRanges, formatOf, readDataset, readIdx } from '../../../runtimes/data/index.js';
import { tempFiles } from './temp-files.js';

const tmp = tempFiles();

test('the format comes from `format` or the extension', async () => {
  const csv = tmp.file('a.csv', 'label,x\n1,2\n');
  const svm = tmp.file('a.txt', '1 0:2\n');
  assert.equal(formatOf('x/y.LIBSVM'), 'libsvm');
  assert.deepEqual((await readDataset(csv)).features, Float32Array.from([2]));
  assert.deepEqual((await readDataset(svm)).features, Float32Array.from([2]));
  const odd = tmp.file('a.dat', '1 0:2\n');
  assert.equal((await readDataset(odd, { format: 'libsvm' })).rows, 1);
  await assert.rejects(readDataset(odd, { displayName: 'a.dat' }), {
    code: 'E_DATA',
    message: 'a.dat: cannot tell the format from the extension .dat',
    detail: 'set data.format: csv or libsvm',
  });
  await assert.rejects(readDataset(svm, { label: 'y', displayName: 'a.txt' }), {
    message: 'a.txt: label and header apply to csv files only (a libsvm label is the first token)',
  });
});

test('fileRanges tiles the file', async () => {
  const path = tmp.file('r.csv', '1,2\n3,4\n5,6\n');
  assert.deepEqual(await fileRanges(path, 2), [
    { start: 0, end: 6 },
    { start: 6, end: 12 },
  ]);
});

function idx(type: number, dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(type, 2);
  head.writeUInt8(dims.length, 3);
  for (const [i, d] of dims.entries()) head.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([head, Buffer.from(data)]);
}

test('readIdx reads gzipped images and labels', async () => {
  const images = tmp.file('img.gz', gzipSync(idx(8, [2, 2, 2], [0, 1, 2, 255, 9, 8, 7, 6])));
  const labels = tmp.file('lab', idx(8, [2], [6, 3]));
  const ds = await readIdx(images, labels);
  assert.deepEqual(ds, {
    rows: 2,
    cols: 4,
    features: Float32Array.from([0, 1, 2, 255, 9, 8, 7, 6]),
    labels: Float32Array.from([6, 3]),
    featureNames: ['px0', 'px1', 'px2', 'px3'],
  });
  const short = tmp.file('short', idx(8, [3], [1]));
  await assert.rejects(readIdx(images, short), {
    code: 'E_DATA',
    message: `${short}: IDX sizes 3 need 11 bytes, the file has 9`,
  });
});
